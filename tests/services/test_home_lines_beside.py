"""The App Home shows today's work (and, for the user's own records, what is coming); the sections
of the kinds it does not show are drawn only for the records it lists, for what they add to those
lines ("; also a hearing tomorrow", "; also a breach"). The lines are the same as when every
section was drawn whole: a supervisor's team and an officer's own, on both databases."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import Session, select

from models import AppUser, Team
from rules.plans import ActionKind
from services.clock import ManualClock
from services.context import ServiceContext
from services.people import plans
from services.records import breaches, checks, hearings
from services.records.order_writer import PersonInput
from services.reminders import digest_sections
from services.reminders.digest import build_sections
from services.reminders.digest_items import Owner, TeamRows
from services.reminders.home import home_board
from services.reminders.results import PLAN_TYPE, HearingAt, RecentBreach, SectionKind
from tests.support.force import Force, london
from tests.support.records import dvpn, record

NOW = london("2026-04-02 21:00")  # the clock fixture's
EACH = 6


@pytest.fixture
def work(ctx: ServiceContext, force: Force) -> None:
    """Notices of an officer and a colleague, each with a breach check due tonight; every other one
    breached this evening (with a crime reference, so only the breach section has it), every third
    one with its hearing booked for tomorrow."""
    for n, officer in enumerate([force.officer, force.colleague] * EACH):
        served = london("2026-04-02 05:00") + timedelta(minutes=10 * n)
        reference = record(ctx, officer, dvpn(served.strftime("%Y-%m-%d %H:%M"))).reference
        checks.plan_check(ctx, officer, reference, london("2026-04-02 22:00") + timedelta(minutes=n))
        if n % 2 == 0:
            at = london("2026-04-02 19:00") + timedelta(minutes=n)
            breaches.record_breach(ctx, officer, reference, at, crime_reference=f"CR/{n:05d}/26")
        if n % 3 == 0:
            hearings.book_hearing(ctx, officer, reference, london("2026-04-03 10:00"))


def drawn_whole(ctx: ServiceContext, force: Force, who: str, others: bool, kinds: set[SectionKind]) -> list[object]:
    """The lines of `kinds` when every section is drawn whole, in the Home's order within a section."""
    with Session(ctx.engine) as session:
        team = session.exec(select(Team).where(Team.name == "Team A")).one()
        user = session.exec(select(AppUser).where(AppUser.slack_user_id == who)).one()
        assert team.id is not None and user.id is not None
        rows = TeamRows(session, team.id, ctx.settings, owner=Owner(user.id, others=others))
        sections = build_sections(rows, NOW, per_owner=True, counts=False)
    return sorted(
        (i for s in sections if s.kind in kinds for i in s.items), key=lambda i: (i.reference, i.officer_slack_id)
    )


def by_record(items: tuple[object, ...]) -> list[object]:
    return sorted(items, key=lambda i: (i.reference, i.officer_slack_id))  # type: ignore[attr-defined]


@pytest.mark.usefixtures("work")
def test_a_supervisors_team_lines_say_what_the_sections_not_shown_add(ctx: ServiceContext, force: Force) -> None:
    board = home_board(ctx, force.supervisor)
    whole = drawn_whole(ctx, force, force.supervisor, others=True, kinds={SectionKind.ACTION})
    assert by_record(board.team) == whole
    said = [type(about) for item in board.team for about in item.also]
    assert said.count(RecentBreach) == EACH and said.count(HearingAt) == 4  # every one, on its line


@pytest.mark.usefixtures("work")
def test_an_officers_own_lines_say_what_the_breaches_add(ctx: ServiceContext, force: Force) -> None:
    board = home_board(ctx, force.officer)
    whole = drawn_whole(ctx, force, force.officer, others=False, kinds={SectionKind.ACTION, SectionKind.COMING})
    assert by_record(board.mine) == whole
    assert sum(isinstance(about, RecentBreach) for item in board.mine for about in item.also) == EACH  # all theirs


def test_each_section_is_of_the_kind_it_is_known_by_before_it_is_drawn(ctx: ServiceContext, force: Force) -> None:
    with Session(ctx.engine) as session:
        team = session.exec(select(Team).where(Team.name == "Team A")).one()
        rows = TeamRows(session, team.id or 0, ctx.settings)
        at = digest_sections.When.at(NOW, rows)
        for build in digest_sections.SECTIONS:
            assert build(rows, at).kind is digest_sections.kind_of(build), build.__name__


def test_a_kind_shown_after_one_that_is_not_is_refused(ctx: ServiceContext, force: Force) -> None:
    """Sections drawn only beside the lines listed must come after every section listed."""
    with Session(ctx.engine) as session:
        team = session.exec(select(Team).where(Team.name == "Team A")).one()
        with pytest.raises(ValueError, match="comes after a section that is not"):
            build_sections(TeamRows(session, team.id or 0, ctx.settings), NOW, kinds={SectionKind.COMING})


def test_a_supervisors_own_plan_action_is_theirs_while_the_plan_is_open_and_the_action_undone(
    ctx: ServiceContext, force: Force, clock: ManualClock
) -> None:
    """A supervisor's Home draws "Mine today" only for a team where they own something a section
    is drawn from: an overdue action they own on an open plan is; once done, or once its plan is
    closed, it is not, and nor is the part."""
    first = record(ctx, force.officer).reference
    someone_else = PersonInput("Other Person", date(1985, 3, 1))
    second = record(ctx, force.officer, dvpn(perpetrator=someone_else)).reference
    for reference in (first, second):
        plans.adopt(ctx, force.supervisor, reference, london("2026-04-30 12:00"))
        due = london("2026-04-03 10:00")
        plans.add_action(ctx, force.officer, reference, ActionKind.DISRUPT, force.supervisor, due, "warning letter")
    clock.set(london("2026-04-04 09:00"))
    mine = home_board(ctx, force.supervisor).mine
    assert sorted(i.reference for i in mine if i.order_type == PLAN_TYPE) == sorted([first, second])

    plans.action_done(ctx, force.supervisor, first, 1)
    plans.close_plan(ctx, force.supervisor, second, "Perpetrator in custody")
    assert [i for i in home_board(ctx, force.supervisor).mine if i.order_type == PLAN_TYPE] == []
