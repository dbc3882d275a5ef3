"""Migration 0043 gives each hearing its record's team while the record is active, on both
databases: a database at 0042 holding two teams' hearings (past with no outcome, decided, and past
on a record that ended) is upgraded; every hearing then carries its active record's team (none when
the record has ended) and the partial index holds exactly the hearings awaiting an outcome on
active records. After it the triggers keep the copy: a hearing booked takes its record's team, a
record that ends drops it from its hearings and one made active again gives it back, a record moved
to another team and a hearing moved to another record (by any statement) move it, and a write to
the copy itself is put right. The digest's outcomes section lists and counts exactly what reading
the active records' hearings gives, as it did before, for the team, an officer's own and everyone
else's, through every step; on PostgreSQL it is read from the index. Its downgrade removes it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from models import HEARING_ACTIVE_TEAM, AppUser, Hearing, HearingOutcome, OrderStatus, ProtectionOrder, metadata
from models.schema import upgrade
from services.clock import ManualClock
from services.context import ServiceContext
from services.records import hearings, lifecycle
from services.reminders.digest_items import Owner, TeamRows
from services.reminders.digest_sections import When, outcomes
from tests.support.force import Force, london, team_id
from tests.support.migrations import columns, copies_astray, held_as_written, indexes_usable, undo
from tests.support.records import dvpn, record

INDEX, WHERE = "ix_hearing_active_team_open", "outcome IS NULL AND active_team_id IS NOT NULL"
HEARINGS = metadata.tables["hearing"]
ORDERS = metadata.tables["protection_order"]


def drawn(
    ctx: ServiceContext, team: int, now: datetime, owner: Owner | None, listed: int | None
) -> tuple[list[str], int]:
    """The references the team's outcomes section lists (every item, or the first `listed` as the
    App Home reads them) and how many it leaves unlisted."""
    with Session(ctx.engine) as session:
        rows = TeamRows(session, team, ctx.settings, owner=owner, listed=listed, cut_records=listed is not None)
        section = outcomes(rows, When.at(now, rows))
    return [i.reference for i in section.items], section.unlisted


def read_from_the_records(ctx: ServiceContext, team: int, now: datetime, owner: Owner | None) -> list[str]:
    """The same, as the section read it before 0043: the hearings with no outcome, past, of the
    team's active records, first scheduled first."""
    with Session(ctx.engine) as session:
        query = (
            select(ProtectionOrder.reference)
            .join(Hearing, col(Hearing.order_id) == col(ProtectionOrder.id))
            .where(
                ProtectionOrder.team_id == team,
                ProtectionOrder.status == OrderStatus.ACTIVE,
                *([] if owner is None else [owner.of(ProtectionOrder.officer_id)]),
                col(Hearing.outcome).is_(None),
                col(Hearing.scheduled_at) <= now,
            )
            .order_by(col(Hearing.scheduled_at), col(ProtectionOrder.id), col(Hearing.id))
        )
        return list(session.exec(query).all())


def as_before(ctx: ServiceContext, teams: tuple[int, int], now: datetime, officer: int) -> dict[int, list[str]]:
    """Each team's list, checked against reading it from the records, whole and cut to its first as
    the Home's (the rest counted), for the team, `officer`'s own and everyone else's; no copy astray."""
    assert copies_astray(ctx.engine, HEARING_ACTIVE_TEAM) == 0
    for team in teams:
        for owner in (None, Owner(officer), Owner(officer, others=True)):
            wanted = read_from_the_records(ctx, team, now, owner)
            assert drawn(ctx, team, now, owner, None) == (wanted, 0)
            assert drawn(ctx, team, now, owner, 1) == (wanted[:1], max(len(wanted) - 1, 0))
    return {team: drawn(ctx, team, now, None, None)[0] for team in teams}


@contextmanager
def statements(engine: Engine) -> Iterator[list[tuple[str, Any]]]:
    """The statements sent to the database meanwhile, with their parameters."""
    sent: list[tuple[str, Any]] = []

    def note(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
        sent.append((statement, parameters))

    sa.event.listen(engine, "before_cursor_execute", note)
    try:
        yield sent
    finally:
        sa.event.remove(engine, "before_cursor_execute", note)


def plans_of_the_section(ctx: ServiceContext, team: int, now: datetime) -> list[str]:
    """PostgreSQL's plans for the statements reading hearings of the section as the Home draws it
    (its first listed, the rest counted), with sequential scans ruled out and the hearing's other
    indexes dropped in a transaction rolled back: with a test's handful of rows the planner may
    take any of them, which says nothing of whether this index answers the question."""
    with statements(ctx.engine) as sent:
        assert drawn(ctx, team, now, None, 1)[1] > 0  # counted too
    indexes_usable(ctx.engine)
    with ctx.engine.connect() as connection, connection.begin() as transaction:
        others = connection.execute(
            sa.text("SELECT indexname FROM pg_indexes WHERE tablename = 'hearing' AND indexname NOT IN (:ours, :pk)"),
            {"ours": INDEX, "pk": "pk_hearing"},
        ).scalars()
        for name in list(others):
            connection.exec_driver_sql(f'DROP INDEX "{name}"')
        connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
        plans = [
            "\n".join(connection.exec_driver_sql(f"EXPLAIN {statement}", parameters).scalars())
            for statement, parameters in sent
            if "hearing" in statement
        ]
        transaction.rollback()
    return plans


def test_hearings_carry_their_active_records_team(ctx: ServiceContext, force: Force, clock: ManualClock) -> None:
    served = ("2026-04-02 19:00", "2026-04-02 19:30", "2026-04-02 19:45", "2026-04-02 19:50")
    officers = (force.officer, force.colleague, force.officer, force.colleague)
    ours = [record(ctx, officer, dvpn(at)).reference for officer, at in zip(officers, served, strict=True)]
    theirs = record(ctx, force.other_officer, dvpn("2026-04-02 19:15")).reference
    for reference, officer, at in (
        (ours[0], force.officer, "10:00"),
        (ours[1], force.colleague, "10:30"),
        (ours[2], force.officer, "09:30"),
        (theirs, force.other_officer, "10:15"),
    ):
        hearings.book_hearing(ctx, officer, reference, london(f"2026-04-03 {at}"), "Birmingham MC")
    clock.advance(timedelta(hours=14))  # 11:00 the next day: every hearing has sat, none decided
    # Our third record ends with its hearing undecided: nobody's work now.
    lifecycle.close(ctx, force.officer, ours[2], "Perpetrator moved out of the force area")
    team_a, team_b = team_id(ctx.engine, "Team A"), team_id(ctx.engine, "Team B")
    with Session(ctx.engine) as session:
        officer = session.exec(select(AppUser.id).where(AppUser.slack_user_id == force.officer)).one()
    assert officer is not None
    now, teams = clock.now(), (team_a, team_b)
    assert as_before(ctx, teams, now, officer) == {team_a: [ours[0], ours[1]], team_b: [theirs]}

    engine = ctx.engine
    undo(engine, "0043")
    assert "active_team_id" not in columns(engine, "hearing")
    with engine.begin() as connection:  # written meanwhile, in the tables of 0042
        ours_0 = sa.select(ORDERS.c.id).where(ORDERS.c.reference == ours[0]).scalar_subquery()
        connection.execute(
            sa.update(HEARINGS)
            .where(HEARINGS.c.order_id == ours_0)
            .values(outcome=HearingOutcome.ADJOURNED, outcome_recorded_at=now)
        )
        order_id, officer_id = connection.execute(
            sa.select(ORDERS.c.id, ORDERS.c.officer_id).where(ORDERS.c.reference == theirs)
        ).one()
        connection.execute(
            sa.insert(HEARINGS).values(
                order_id=order_id,
                scheduled_at=london("2026-04-03 09:45"),
                after_statutory_deadline=False,
                created_by_id=officer_id,
                created_at=now,
            )
        )

    upgrade(engine)
    assert held_as_written(engine, "hearing", INDEX, WHERE) == 3
    assert as_before(ctx, teams, now, officer) == {team_a: [ours[1]], team_b: [theirs, theirs]}
    if engine.dialect.name == "postgresql":
        # As across a force: a team's active records far outnumber its hearings past with no
        # outcome (5,000 to 7 at national scale), and most such hearings are on records that have
        # ended (the force's 3,000). With only the handful above, starting from the team's records
        # or from the open hearings by record would cost the planner as little.
        ended = record(ctx, force.other_officer, dvpn("2026-04-02 19:20")).reference
        lifecycle.close(ctx, force.other_officer, ended, "Notice withdrawn by the authorising officer")
        copied = ", ".join(c.name for c in ORDERS.c if c.name not in ("id", "reference") and c.computed is None)
        with engine.begin() as connection:
            connection.execute(
                sa.text(
                    f"INSERT INTO protection_order ({copied}, reference) SELECT {copied}, reference || '-' || n "
                    "FROM protection_order, generate_series(1, 300) n WHERE reference = :ref"
                ),
                {"ref": theirs},
            )
            connection.execute(
                sa.text(
                    "INSERT INTO hearing (order_id, scheduled_at, after_statutory_deadline, created_by_id, created_at) "
                    "SELECT id, CAST(:at AS timestamptz) - n * interval '1 hour', false, officer_id, :at "
                    "FROM protection_order, generate_series(1, 300) n WHERE reference = :ref"
                ),
                {"at": now, "ref": ended},
            )
        plans = plans_of_the_section(ctx, team_b, now)
        assert len(plans) == 2 and all(INDEX in plan for plan in plans), "\n\n".join(plans)  # listed, and counted

    # Booked after it: the triggers give a hearing its active record's team.
    hearings.book_hearing(ctx, force.colleague, ours[3], london("2026-04-03 11:30"), "Birmingham MC")
    later = now + timedelta(hours=1)
    assert as_before(ctx, teams, later, officer) == {team_a: [ours[1], ours[3]], team_b: [theirs, theirs]}

    # A record ended takes its hearings off its team; made active again (as a reinstatement does, or
    # the rollover's bulk update undone by hand), it gives them back.
    lifecycle.close(ctx, force.colleague, ours[1], "Notice withdrawn by the authorising officer")
    assert as_before(ctx, teams, later, officer) == {team_a: [ours[3]], team_b: [theirs, theirs]}
    with engine.begin() as connection:
        connection.execute(
            sa.update(ORDERS).where(ORDERS.c.reference.in_(ours[1:3])).values(status=OrderStatus.ACTIVE.value)
        )
    assert as_before(ctx, teams, later, officer) == {team_a: [ours[2], ours[1], ours[3]], team_b: [theirs, theirs]}

    with engine.begin() as connection:
        # A bulk move of our second record to team B, a hearing moved to another record, and the
        # copy written by hand: each put right by the triggers.
        connection.execute(sa.update(ORDERS).where(ORDERS.c.reference == ours[1]).values(team_id=team_b))
        ours_2 = sa.select(ORDERS.c.id).where(ORDERS.c.reference == ours[2]).scalar_subquery()
        connection.execute(sa.update(HEARINGS).where(HEARINGS.c.order_id == ours_2).values(order_id=ours_0))
        connection.execute(sa.update(HEARINGS).values(active_team_id=team_a))
    moved = {team_a: [ours[0], ours[3]], team_b: [theirs, theirs, ours[1]]}
    assert as_before(ctx, teams, later, officer) == moved

    undo(engine, "0043")
    assert "active_team_id" not in columns(engine, "hearing")
    upgrade(engine)
    assert held_as_written(engine, "hearing", INDEX, WHERE) == 5
    assert as_before(ctx, teams, later, officer) == moved
