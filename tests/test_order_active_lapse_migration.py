"""Migration 0042 indexes the records that may still lapse (active, with a lapse time) by team and
lapse time, on both databases: a database at 0041 holding two teams' notices (awaiting a hearing,
one lapsed in law and not yet marked, one ended) and an order is upgraded; the index then holds
exactly the active records with a lapse time, answers the lapsed section's question (SQLite's
INDEXED BY; PostgreSQL's plan with sequential scans ruled out), and the section lists what it
listed before. Its downgrade removes it."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from models import ACTIVE_WITH_LAPSE, ProtectionOrder, Team
from models.schema import upgrade
from services.clock import ManualClock
from services.context import ServiceContext
from services.records import lifecycle
from services.records.state import lapsed_unmarked
from services.reminders.digest_items import TeamRows
from services.reminders.digest_sections import When, lapsed
from tests.support.force import Force, team_id
from tests.support.migrations import held_as_written, planned, undo
from tests.support.records import dapo, dvpn, record

INDEX = "ix_order_active_lapse"


def indexed(engine: Engine) -> bool:
    """Whether the index is there, as written: read from the catalogue (SQLAlchemy's inspector
    leaves out an index on an expression on SQLite)."""
    catalogue = (
        "SELECT indexdef FROM pg_indexes WHERE indexname = :name"
        if engine.dialect.name == "postgresql"
        else "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = :name"
    )
    with engine.connect() as connection:
        found = connection.execute(sa.text(catalogue), {"name": INDEX}).scalar_one_or_none()
    if found is None:
        return False
    written = " ".join(str(found).lower().replace('"', "").split())
    assert "(team_id, coalesce(lapses_at, hearing_deadline_at))" in written, written
    assert "where" in written and "status" in written and "is not null" in written, written
    return True


def lapsed_listed(ctx: ServiceContext) -> dict[str, list[str]]:
    """Each team's lapsed section, as the digest draws it: the references listed."""
    listed: dict[str, list[str]] = {}
    with Session(ctx.engine) as session:
        for team in session.exec(select(Team).order_by(col(Team.name))).all():
            assert team.id is not None
            rows = TeamRows(session, team.id, ctx.settings, listed=25, cut_records=True)
            listed[team.name] = [item.reference for item in lapsed(rows, When.at(ctx.clock.now(), rows)).items]
    return listed


def uses_the_index(engine: Engine, now: datetime, team_id: int) -> bool:
    """Whether PostgreSQL can answer the section's question from the index."""
    query = select(ProtectionOrder.id).where(col(ProtectionOrder.team_id) == team_id, lapsed_unmarked(now))
    return INDEX in planned(engine, query)


def test_the_records_that_may_still_lapse_are_indexed_by_team_and_lapse_time(
    ctx: ServiceContext, clock: ManualClock, force: Force
) -> None:
    engine = ctx.engine
    awaiting = [record(ctx, force.officer, dvpn(f"2026-04-0{day} 20:00")).reference for day in (1, 2)]
    record(ctx, force.other_officer, dvpn("2026-04-02 19:00"))
    record(ctx, force.officer, dapo())  # an order has no lapse time
    ended = record(ctx, force.officer, dvpn("2026-04-02 18:00")).reference
    lifecycle.close(ctx, force.officer, ended, "withdrawn")
    clock.advance(timedelta(hours=60))  # the first notice is past its lapse time, not yet marked
    before = lapsed_listed(ctx)
    assert before["Team A"] == [awaiting[0]]

    undo(engine, "0042")
    assert not indexed(engine)
    upgrade(engine)
    assert indexed(engine)
    assert held_as_written(engine, "protection_order", INDEX, ACTIVE_WITH_LAPSE) == 3
    if engine.dialect.name == "postgresql":
        assert uses_the_index(engine, clock.now(), team_id(engine, "Team A"))
    assert lapsed_listed(ctx) == before

    undo(engine, "0042")
    assert not indexed(engine)
    upgrade(engine)
    assert indexed(engine)
