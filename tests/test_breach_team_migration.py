"""Migration 0039 gives each breach its record's team, on both databases: a database at 0038 holding
two teams' breaches (with and without a crime reference) and checks is upgraded; every breach then
carries its record's team and the partial index holds exactly those with no crime reference. After
it the triggers keep the copy: a breach made takes its record's team, a record moved to another team
(by any statement) moves its breaches, and a write to the copy itself is put right. The digest's
crime and checks-due sections list what they listed before, and follow the move. Its downgrade
removes it."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session

from models import AppUser, ProtectionOrder, metadata
from models.schema import upgrade
from services.context import ServiceContext
from services.records import breaches, checks
from services.reminders.digest_items import TeamRows
from services.reminders.digest_sections import When, crime
from services.reminders.digest_sections import checks as checks_due
from tests.support.force import Force, london, team_id
from tests.support.migrations import held_as_written, undo
from tests.support.records import dvpn, record

NOW = london("2026-04-02 21:00")  # the clock fixture's
NAME, WHERE = "ix_breach_team_no_crime_reference", "crime_reference IS NULL"
ASTRAY = (  # breaches whose copy is not their record's team
    "SELECT count(*) FROM breach b JOIN protection_order o ON o.id = b.order_id "
    "WHERE b.team_id IS NULL OR b.team_id <> o.team_id"
)


def columns(engine: Engine, table: str) -> set[str]:
    with engine.connect() as connection:
        return {c["name"] for c in sa.inspect(connection).get_columns(table)}


def astray(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(sa.text(ASTRAY)).scalar_one())


def sections(ctx: ServiceContext, team: int) -> tuple[list[str], int, list[str], int]:
    """The references the team's crime and checks-due sections list, and how many each counts."""
    with Session(ctx.engine) as session:
        rows = TeamRows(session, team, ctx.settings)
        at = When.at(NOW + timedelta(hours=1), rows)
        no_reference, due = crime(rows, at), checks_due(rows, at)
    return (
        [i.reference for i in no_reference.items],
        no_reference.unlisted,
        [i.reference for i in due.items],
        due.unlisted,
    )


def test_breaches_and_checks_carry_their_records_team(ctx: ServiceContext, force: Force) -> None:
    ours = [record(ctx, force.officer, dvpn(served)).reference for served in ("2026-04-02 19:00", "2026-04-02 19:30")]
    theirs = record(ctx, force.other_officer, dvpn("2026-04-02 19:15")).reference
    for reference, officer in ((ours[0], force.officer), (ours[1], force.officer), (theirs, force.other_officer)):
        breaches.record_breach(ctx, officer, reference, london("2026-04-02 20:30"))
        checks.plan_check(ctx, officer, reference, london("2026-04-02 21:30"))
    breaches.record_breach(ctx, force.officer, ours[0], london("2026-04-02 20:40"), crime_reference="43/1/26")
    team_a, team_b = team_id(ctx.engine, "Team A"), team_id(ctx.engine, "Team B")
    listed = {team: sections(ctx, team) for team in (team_a, team_b)}
    assert listed[team_a] == (ours, 0, ours, 0) and listed[team_b] == ([theirs], 0, [theirs], 0)

    engine = ctx.engine
    undo(engine, "0039")
    assert "team_id" not in columns(engine, "breach")
    with engine.begin() as connection:  # written meanwhile, in the tables of 0038: every check done, a new one
        connection.execute(sa.text("UPDATE breach_check SET done_at = created_at"))
        order_id, officer_id = connection.execute(
            sa.select(ProtectionOrder.id, ProtectionOrder.officer_id).where(ProtectionOrder.reference == theirs)
        ).one()
        due, now = london("2026-04-02 21:45"), NOW
        checks_table = metadata.tables["breach_check"]
        connection.execute(
            sa.insert(checks_table).values(order_id=order_id, due_at=due, assigned_to_id=officer_id, created_at=now)
        )

    upgrade(engine)
    assert astray(engine) == 0
    assert held_as_written(engine, "breach", NAME, WHERE) > 0
    assert sections(ctx, team_a) == (ours, 0, [], 0) and sections(ctx, team_b) == ([theirs], 0, [theirs], 0)

    # Made after it: the triggers give a breach its record's team.
    checks.plan_check(ctx, force.officer, ours[1], london("2026-04-02 22:00"))
    breaches.record_breach(ctx, force.other_officer, theirs, london("2026-04-02 20:50"), crime_reference="43/2/26")
    assert astray(engine) == 0
    assert sections(ctx, team_a) == (ours, 0, [ours[1]], 0)

    with engine.begin() as connection:  # a bulk move of our second record to team B's officer
        officer = connection.execute(sa.select(AppUser.id).where(AppUser.slack_user_id == force.other_officer))
        connection.execute(
            sa.text("UPDATE protection_order SET officer_id = :o, team_id = :t WHERE reference = :ref"),
            {"o": officer.scalar_one(), "t": team_b, "ref": ours[1]},
        )
        connection.execute(sa.text("UPDATE breach SET team_id = :t"), {"t": team_a})  # the copy written by hand
    assert astray(engine) == 0
    assert sections(ctx, team_a) == ([ours[0]], 0, [], 0)
    assert sections(ctx, team_b) == ([ours[1], theirs], 0, [theirs, ours[1]], 0)  # the first recorded; due

    undo(engine, "0039")
    assert "team_id" not in columns(engine, "breach")
    upgrade(engine)
    assert astray(engine) == 0
