"""Migration 0041 gives each breach check its record's team while the record is active, on both
databases: a database at 0040 holding two teams' checks (open, done, and open on a record that
ended) is upgraded; every check then carries its active record's team (none when the record has
ended) and the partial index holds exactly the live checks not done. After it the triggers keep the
copy: a check made takes its record's team, a record that ends drops it from its checks and one made
active again gives it back, a record moved to another team and a check moved to another record (by
any statement) move it, and a write to the copy itself is put right. The digest's checks-due section
lists exactly what reading the active records' checks lists, as it did before, through every step.
Its downgrade removes it."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, select

from models import CHECK_ACTIVE_TEAM, BreachCheck, OrderStatus, ProtectionOrder, metadata
from models.schema import upgrade
from services.clock import ManualClock
from services.context import ServiceContext
from services.records import checks, lifecycle
from services.reminders.digest_items import TeamRows
from services.reminders.digest_sections import When
from services.reminders.digest_sections import checks as checks_due
from tests.support.force import Force, london, team_id
from tests.support.migrations import columns, copies_astray, held_as_written, undo
from tests.support.records import dvpn, record

INDEX, WHERE = "ix_check_active_team_undone", "done_at IS NULL AND active_team_id IS NOT NULL"
CHECKS = metadata.tables["breach_check"]
ORDERS = metadata.tables["protection_order"]


def listed(ctx: ServiceContext, team: int, now: datetime) -> list[str]:
    """The references the team's checks-due section lists (every item: the digest drawn for a test)."""
    with Session(ctx.engine) as session:
        rows = TeamRows(session, team, ctx.settings)
        section = checks_due(rows, When.at(now, rows))
    assert section.unlisted == 0
    return [i.reference for i in section.items]


def read_from_the_records(ctx: ServiceContext, team: int, now: datetime) -> list[str]:
    """The same, as the section read it before 0041: the checks not done of the team's active
    records, due before the end of the day, first due first."""
    with Session(ctx.engine) as session:
        rows = TeamRows(session, team, ctx.settings)
        midnight = When.at(now, rows).local_midnight(1)
        query = (
            select(ProtectionOrder.reference)
            .join(BreachCheck, col(BreachCheck.order_id) == col(ProtectionOrder.id))
            .where(
                ProtectionOrder.team_id == team,
                ProtectionOrder.status == OrderStatus.ACTIVE,
                col(BreachCheck.done_at).is_(None),
                col(BreachCheck.due_at) < midnight,
            )
            .order_by(col(BreachCheck.due_at), col(ProtectionOrder.id), col(BreachCheck.id))
        )
        return list(session.exec(query).all())


def as_before(ctx: ServiceContext, teams: tuple[int, int], now: datetime) -> dict[int, list[str]]:
    """Each team's list, checked against reading it from the records; and no copy astray."""
    assert copies_astray(ctx.engine, CHECK_ACTIVE_TEAM) == 0
    found = {team: listed(ctx, team, now) for team in teams}
    assert found == {team: read_from_the_records(ctx, team, now) for team in teams}
    return found


def test_checks_carry_their_active_records_team(ctx: ServiceContext, force: Force, clock: ManualClock) -> None:
    served = ("2026-04-02 19:00", "2026-04-02 19:30", "2026-04-02 19:45")
    ours = [record(ctx, force.officer, dvpn(at)).reference for at in served]
    theirs = record(ctx, force.other_officer, dvpn("2026-04-02 19:15")).reference
    for reference, officer, due in (
        (ours[0], force.officer, "21:30"),
        (ours[1], force.officer, "21:40"),
        (ours[2], force.officer, "21:20"),
        (theirs, force.other_officer, "21:35"),
    ):
        checks.plan_check(ctx, officer, reference, london(f"2026-04-02 {due}"))
    clock.advance(timedelta(hours=1))  # 22:00: every check is past due, none done
    # Our third record ends with its check missed: the check stays undone, and is nobody's work now.
    lifecycle.close(ctx, force.officer, ours[2], "Perpetrator moved out of the force area")
    team_a, team_b = team_id(ctx.engine, "Team A"), team_id(ctx.engine, "Team B")
    now, teams = clock.now(), (team_a, team_b)
    assert as_before(ctx, teams, now) == {team_a: [ours[0], ours[1]], team_b: [theirs]}

    engine = ctx.engine
    undo(engine, "0041")
    assert "active_team_id" not in columns(engine, "breach_check")
    with engine.begin() as connection:  # written meanwhile, in the tables of 0040
        connection.execute(
            sa.text(
                "UPDATE breach_check SET done_at = due_at WHERE order_id = "
                "(SELECT id FROM protection_order WHERE reference = :ref)"
            ),
            {"ref": ours[0]},
        )
        order_id, officer_id = connection.execute(
            sa.select(ORDERS.c.id, ORDERS.c.officer_id).where(ORDERS.c.reference == theirs)
        ).one()
        connection.execute(
            sa.insert(CHECKS).values(
                order_id=order_id, due_at=london("2026-04-02 21:10"), assigned_to_id=officer_id, created_at=now
            )
        )

    upgrade(engine)
    assert held_as_written(engine, "breach_check", INDEX, WHERE) > 0
    assert as_before(ctx, teams, now) == {team_a: [ours[1]], team_b: [theirs, theirs]}

    # Made after it: the triggers give a check its active record's team.
    checks.plan_check(ctx, force.officer, ours[0], london("2026-04-02 22:30"))
    later = now + timedelta(hours=1)
    assert as_before(ctx, teams, later) == {team_a: [ours[1], ours[0]], team_b: [theirs, theirs]}

    # A record ended takes its checks off its team; made active again (as a reinstatement does, or
    # the rollover's bulk update undone by hand), it gives them back.
    lifecycle.close(ctx, force.officer, ours[1], "Order discharged by the court on application")
    assert as_before(ctx, teams, later) == {team_a: [ours[0]], team_b: [theirs, theirs]}
    with engine.begin() as connection:
        connection.execute(
            sa.update(ORDERS).where(ORDERS.c.reference.in_(ours[1:])).values(status=OrderStatus.ACTIVE.value)
        )
    assert as_before(ctx, teams, later) == {team_a: [ours[2], ours[1], ours[0]], team_b: [theirs, theirs]}

    with engine.begin() as connection:
        # A bulk move of our second record to team B, a check moved to another record, and the copy
        # written by hand: each put right by the triggers.
        connection.execute(sa.update(ORDERS).where(ORDERS.c.reference == ours[1]).values(team_id=team_b))
        ours_0 = sa.select(ORDERS.c.id).where(ORDERS.c.reference == ours[0]).scalar_subquery()
        ours_2 = sa.select(ORDERS.c.id).where(ORDERS.c.reference == ours[2]).scalar_subquery()
        connection.execute(sa.update(CHECKS).where(CHECKS.c.order_id == ours_2).values(order_id=ours_0))
        connection.execute(sa.update(CHECKS).values(active_team_id=team_a))
    assert as_before(ctx, teams, later) == {team_a: [ours[0], ours[0]], team_b: [theirs, theirs, ours[1]]}

    undo(engine, "0041")
    assert "active_team_id" not in columns(engine, "breach_check")
    upgrade(engine)
    assert held_as_written(engine, "breach_check", INDEX, WHERE) > 0
    assert as_before(ctx, teams, later) == {team_a: [ours[0], ours[0]], team_b: [theirs, theirs, ours[1]]}
