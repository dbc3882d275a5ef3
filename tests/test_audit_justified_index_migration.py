"""Migration 0038 indexes the trail's views given a reason on both databases: a database at 0037
whose trail holds reasons given, plain views and an export (whose rows carry its reason) is
upgraded; the index then holds exactly the justified views, and a reason given before the upgrade
still stands after it. Its downgrade removes it."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from models import AppUser
from models.db import session_scope
from models.schema import upgrade
from services.clock import ManualClock
from services.context import ServiceContext
from services.governance.justification import reasons_in_force
from services.records import recording as records
from services.reporting import export
from services.reporting.period import parse_period
from tests.support.force import Force
from tests.support.migrations import rows_held, undo
from tests.support.records import dvpn

NAME, WHERE = "ix_audit_event_justified", "action = 'view' AND justification IS NOT NULL"
REASON = "MARAC review of repeat victim"


def indexed(engine: Engine) -> bool:
    with engine.connect() as connection:
        return NAME in {i["name"] for i in sa.inspect(connection).get_indexes("audit_event")}


def standing(ctx: ServiceContext, force: Force, clock: ManualClock) -> dict[int, str]:
    with session_scope(ctx.engine) as session:
        champion = session.exec(sa.select(AppUser).where(AppUser.slack_user_id == force.champion)).scalar_one()
        return {order: given.text for order, given in reasons_in_force(session, champion, clock.now()).items()}


def test_the_justified_rows_are_indexed_by_the_migration(ctx: ServiceContext, force: Force, clock: ManualClock) -> None:
    theirs = [records.record(ctx, force.other_officer, dvpn()).reference for _ in range(2)]
    records.view(ctx, force.champion, theirs[0], justification=REASON)
    records.view(ctx, force.other_officer, theirs[1])  # their own team's: no reason asked
    export.export_records(ctx, force.admin, parse_period("2026-04", date(2026, 4, 30)), None, REASON)
    engine = ctx.engine
    undo(engine, "0038")
    assert not indexed(engine)
    records.view(ctx, force.champion, theirs[1], justification=f"{REASON} (second)")  # written meanwhile

    upgrade(engine)
    assert indexed(engine)
    with engine.connect() as connection:
        justified = connection.execute(sa.text(f"SELECT count(*) FROM audit_event WHERE {WHERE}")).scalar_one()
        with_reasons = "SELECT count(*) FROM audit_event WHERE justification IS NOT NULL"
        assert connection.execute(sa.text(with_reasons)).scalar_one() > justified  # the export's rows
    assert rows_held(engine, "audit_event", NAME, WHERE) == justified > 0
    clock.advance(timedelta(minutes=10))
    assert sorted(standing(ctx, force, clock).values()) == [REASON, f"{REASON} (second)"]
    records.view(ctx, force.champion, theirs[0])  # the reason still stands: no new one asked

    undo(engine, "0038")
    assert not indexed(engine)
    upgrade(engine)
