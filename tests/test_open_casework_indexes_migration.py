"""Migration 0035 indexes the open Clare's Law requests, the open plans and the undone plan actions
(the stats' snapshots) on both databases: a database at 0032 holding requests and plans, some of
them changed by a release without the indexes, is upgraded; each index then holds exactly the rows
its condition names, and the snapshot figures are those the rows give. Its downgrade removes them."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from models.db import session_scope
from models.schema import upgrade
from rules.disclosure import Route
from rules.plans import ActionKind
from services.clock import ManualClock
from services.context import ServiceContext
from services.disclosures import requests
from services.disclosures.requests import NewRequest
from services.people import plans
from services.records.order_writer import PersonInput
from services.reporting.casework_stats import casework_figures
from services.reporting.period import parse_period
from services.reporting.scope import FORCE
from tests.support.force import Force, london
from tests.support.migrations import rows_held, undo
from tests.support.records import dvpn, record

INDEXES = {
    "ix_disclosure_open_target": ("disclosure_request", "disclosed_at IS NULL AND closed_at IS NULL"),
    "ix_plan_open": ("management_plan", "closed_at IS NULL"),
    "ix_plan_action_undone": ("plan_action", "done_at IS NULL"),
}


def indexes(engine: Engine) -> set[str]:
    with engine.connect() as connection:
        inspector = sa.inspect(connection)
        return {i["name"] for table, _ in INDEXES.values() for i in inspector.get_indexes(table) if i["name"]}


def counted(engine: Engine, name: str) -> int:
    table, where = INDEXES[name]
    with engine.connect() as connection:
        return int(connection.execute(sa.text(f"SELECT count(*) FROM {table} WHERE {where}")).one()[0])


def snapshot(ctx: ServiceContext, clock: ManualClock) -> tuple[int, int, int, int]:
    with session_scope(ctx.engine) as session:
        figures = casework_figures(
            session, FORCE, parse_period("2026-04", date(2026, 4, 30)), ctx.settings, clock.now(), kept=True
        )
    return (
        figures.disclosures.open_past_target,
        figures.plans_open,
        figures.plans_overdue,
        figures.plan_actions_overdue,
    )


def test_the_open_requests_plans_and_actions_are_indexed_by_the_migration(
    ctx: ServiceContext, clock: ManualClock, force: Force
) -> None:
    people = ("Perp One", "Perp Two", "Perp Three")
    refs = [record(ctx, force.officer, dvpn(perpetrator=PersonInput(name))).reference for name in people]
    for ref in refs:
        plans.adopt(ctx, force.supervisor, ref, london("2026-05-01 09:00"))
    for due in ("2026-04-03 10:00", "2026-04-03 11:00", "2026-04-20 17:00"):
        plans.add_action(ctx, force.officer, refs[0], ActionKind.ENFORCE, force.officer, london(due), "bail")
    plans.close_plan(ctx, force.supervisor, refs[2], "risk reduced")
    received = []
    for day in ("2026-02-02 10:00", "2026-02-03 10:00", "2026-03-30 10:00"):
        new = NewRequest(Route.ASK, PersonInput("Dana Whitlock"), PersonInput("Gareth Pellow"), london(day))
        received.append(requests.new_request(ctx, force.officer, new).reference)
    requests.close(ctx, force.officer, received[1], "withdrawn by the applicant")
    clock.set(london("2026-04-04 09:00"))
    assert snapshot(ctx, clock) == (1, 2, 1, 2)

    engine = ctx.engine
    undo(engine, "0035")
    assert indexes(engine).isdisjoint(INDEXES)
    with engine.begin() as connection:  # what a release without the indexes wrote meanwhile
        connection.execute(sa.text("UPDATE plan_action SET done_at = due_at WHERE number = 1"))
        connection.execute(sa.text("UPDATE management_plan SET closed_at = NULL, close_reason = NULL"))
        connection.execute(
            sa.text("UPDATE disclosure_request SET closed_at = NULL, close_reason = NULL WHERE reference = :r"),
            {"r": received[1]},
        )

    upgrade(engine)
    assert set(INDEXES) <= indexes(engine)
    for name in INDEXES:
        table, where = INDEXES[name]
        assert rows_held(engine, table, name, where) == counted(engine, name) > 0, name
    assert snapshot(ctx, clock) == (2, 3, 1, 1)
