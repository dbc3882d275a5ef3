"""The App Home reads whole only the first HOME_LISTED items of each section (due first) and counts
the rest: what it lists first, and how many it says there are, are what reading every item of every
section gave. An officer with more notices awaiting a hearing than the Home lists (three of them
with a breach check due, on the same lines), a colleague in the same team with as many, and an
officer of another team; on both databases. Its "Waiting for me" asks who is above the officer
once, not once for each reminder."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event
from sqlmodel import Session, col, select

from blocks.home import home_view
from models import AppUser, Reminder, ReminderState, Team
from services.context import ServiceContext
from services.incidents.recording import NewIncident, record_incident
from services.records import checks
from services.records.order_writer import PersonInput
from services.reminders.digest import build_sections
from services.reminders.digest_items import TeamRows
from services.reminders.home import home_board
from services.reminders.results import HOME_LISTED, DigestItem, SectionKind
from tests.support.force import Force, london
from tests.support.records import dvpn, record

NOW = london("2026-04-02 21:00")  # the clock fixture's
MINE, THEIRS = HOME_LISTED + 6, HOME_LISTED + 3


@pytest.fixture
def notices(ctx: ServiceContext, force: Force) -> list[str]:
    """The officer's notices' references, served half an hour apart, none with a hearing booked."""
    mine = []
    for n in range(MINE):
        served = (london("2026-04-02 05:00") + timedelta(minutes=30 * n)).strftime("%Y-%m-%d %H:%M")
        mine.append(record(ctx, force.officer, dvpn(served)).reference)
    for n in range(THEIRS):
        served = (london("2026-04-02 05:10") + timedelta(minutes=30 * n)).strftime("%Y-%m-%d %H:%M")
        record(ctx, force.colleague, dvpn(served))
    record(ctx, force.other_officer, dvpn("2026-04-02 06:00"))
    for n in (1, 4, 9):  # a breach check due tonight: on its notice's line
        checks.plan_check(ctx, force.officer, mine[n], london("2026-04-02 23:00") + timedelta(minutes=n))
    return mine


def every_item(ctx: ServiceContext, team_name: str, now: datetime) -> list[DigestItem]:
    """The team's open work then what is coming, reading every item of every section, each record
    once a person (as the Home listed before it read only the first)."""
    with Session(ctx.engine) as session:
        team = session.exec(select(Team).where(Team.name == team_name)).one()
        assert team.id is not None
        sections = build_sections(TeamRows(session, team.id, ctx.settings), now, per_owner=True)
    assert all(s.unlisted == 0 for s in sections)
    far = now.replace(year=9999)
    work = sorted(
        ((s.urgency, i.due or far, i) for s in sections if s.kind is SectionKind.ACTION for i in s.items),
        key=lambda found: (found[0], found[1]),
    )
    coming = [i for s in sections if s.kind is SectionKind.COMING for i in s.items]
    return [i for _, _, i in work] + coming


def texts(view: dict[str, Any]) -> list[str]:
    return [str(block) for block in view["blocks"]]  # type: ignore[union-attr]


@pytest.mark.usefixtures("notices")
def test_an_officers_home_lists_their_first_items_and_counts_them_all(ctx: ServiceContext, force: Force) -> None:
    board = home_board(ctx, force.officer)
    every = [i for i in every_item(ctx, "Team A", NOW) if i.officer_slack_id == force.officer]
    assert len(every) == MINE  # one line a notice, its check on it
    assert sum(len(i.also) for i in every) == 3

    assert board.mine_unlisted > 0  # the cut read fewer than every item
    assert len(board.mine) < len(every)
    assert board.mine[:HOME_LISTED] == tuple(every[:HOME_LISTED])  # the first, in the same order
    assert board.mine_count == len(every)
    assert {i.officer_slack_id for i in board.mine} == {force.officer}  # theirs only, no colleague's
    assert board.team == () and board.team_count == 0

    view = home_view(board, ctx.settings.timezone)
    assert any(f"*Mine today* ({MINE})" in t for t in texts(view))
    assert any(f"{HOME_LISTED} of {MINE} shown: `/dvpn list mine` lists the rest" in t for t in texts(view))


@pytest.mark.usefixtures("notices")
def test_a_supervisors_home_lists_the_first_of_their_teams_work_and_counts_it(
    ctx: ServiceContext, force: Force
) -> None:
    board = home_board(ctx, force.supervisor)
    every = [i for i in every_item(ctx, "Team A", NOW) if i.officer_slack_id != force.supervisor]
    assert len(every) == MINE + THEIRS

    assert board.team[:HOME_LISTED] == tuple(every[:HOME_LISTED])
    assert board.team_count == len(every)
    assert {i.officer_slack_id for i in board.team} == {force.officer, force.colleague}  # not team B's
    assert board.mine == () and board.mine_count == 0

    view = home_view(board, ctx.settings.timezone)
    shown = f"{HOME_LISTED} of {MINE + THEIRS} shown: `/dvpn list due` lists the rest"
    assert any(shown in t for t in texts(view))


@pytest.mark.usefixtures("notices")
def test_a_supervisors_own_records_are_theirs_not_the_teams(ctx: ServiceContext, force: Force) -> None:
    own = record(ctx, force.supervisor, dvpn("2026-04-02 04:00")).reference  # the most urgent of the team
    board = home_board(ctx, force.supervisor)
    assert [i.reference for i in board.mine] == [own]
    assert own not in {i.reference for i in board.team}
    assert board.team_count == MINE + THEIRS


@pytest.mark.usefixtures("notices")
def test_waiting_for_me_asks_who_is_above_once_not_once_a_reminder(ctx: ServiceContext, force: Force) -> None:
    with Session(ctx.engine) as session:
        officer = session.exec(select(AppUser).where(AppUser.slack_user_id == force.officer)).one()
        sent = session.exec(
            select(Reminder).where(Reminder.recipient_id == officer.id, col(Reminder.due_at) <= NOW)
        ).all()
        for reminder in sent:  # as the sweep leaves them once delivered
            reminder.state = ReminderState.SENT
            session.add(reminder)
        session.commit()
    asked: list[str] = []

    def note(conn: Any, cursor: Any, statement: str, *rest: Any) -> None:
        asked.append(statement)

    event.listen(ctx.engine, "before_cursor_execute", note)
    try:
        board = home_board(ctx, force.officer)
    finally:
        event.remove(ctx.engine, "before_cursor_execute", note)
    critical = [f for f in board.waiting if f.critical]
    assert len(critical) > 20 and all(f.escalates_to is not None for f in critical)
    assert sum("FROM team_supervisor" in s for s in asked) == 1  # one team, one recipient
    assert len(asked) < 40


def test_a_supervisors_own_incident_is_on_their_home_not_the_teams(ctx: ServiceContext, force: Force) -> None:
    made = record_incident(
        ctx,
        force.supervisor,
        NewIncident(reported_at=NOW - timedelta(days=3), victim=PersonInput("Vic Tim"), suspect=PersonInput("Al Ex")),
    )
    theirs = record_incident(
        ctx,
        force.officer,
        NewIncident(reported_at=NOW - timedelta(days=3), victim=PersonInput("Vi Two"), suspect=PersonInput("Bo Ex")),
    )
    board = home_board(ctx, force.supervisor)
    assert made in {i.reference for i in board.mine} and made not in {i.reference for i in board.team}
    assert theirs in {i.reference for i in board.team} and theirs not in {i.reference for i in board.mine}
