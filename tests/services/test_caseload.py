"""Caseloads against the casework force (tests/support/casework.py): exact counts for each role,
filters that combine, paging, and the refusals that say what may be asked for."""

from __future__ import annotations

import pytest

from blocks.wording import problem
from models import OrderStatus, RiskLevel
from rules.order_types import OrderType
from services.context import ServiceContext
from services.errors import NotAllowed, NotFound
from services.reporting.caseload import caseload
from services.reporting.list_results import Caseload, CaseloadQuery
from tests.support.casework import Seeded
from tests.support.database import row_counts
from tests.support.force import Force, london


def refs(load: Caseload) -> list[str]:
    return [item.reference for item in load.items]


def officers(load: Caseload) -> dict[str, tuple[int, int]]:
    return {o.slack_user_id: (o.records, o.overdue) for o in load.by_officer}


def test_a_supervisor_sees_their_team_most_urgent_first(ctx: ServiceContext, force: Force, casework: Seeded) -> None:
    load = caseload(ctx, force.supervisor, CaseloadQuery())

    assert load.whose == "your teams"
    assert load.by_status == (("active", 3), ("withdrawn", 1))
    assert load.total == 3
    assert refs(load) == [casework.smith_dvpo, casework.obrien_dvpn, casework.smith_dvpn]
    first, second, third = load.items
    assert (first.next_deadline and first.next_deadline.label, first.next_deadline and first.next_deadline.at) == (
        "Breach check",
        london("2026-03-21 11:00"),
    )
    assert second.next_deadline and second.next_deadline.at == london("2026-03-31 10:00")
    assert third.next_deadline and third.next_deadline.at == london("2026-04-03 20:00")
    assert officers(load) == {force.officer: (2, 1), force.colleague: (1, 1)}
    assert load.officers_total == 2
    assert load.remaining == 0


def test_an_officer_sees_their_own_and_their_teams(ctx: ServiceContext, force: Force, casework: Seeded) -> None:
    mine = caseload(ctx, force.officer, CaseloadQuery())
    assert mine.whose == "yours and your team's"
    assert refs(mine) == [casework.smith_dvpo, casework.obrien_dvpn, casework.smith_dvpn]

    own = caseload(ctx, force.officer, CaseloadQuery(officer=force.officer))
    assert refs(own) == [casework.obrien_dvpn, casework.smith_dvpn]
    colleague = caseload(ctx, force.officer, CaseloadQuery(officer=force.colleague))
    assert refs(colleague) == [casework.smith_dvpo]
    team = caseload(ctx, force.other_officer, CaseloadQuery(team="team b"))
    assert team.whose == "Team B"
    assert refs(team) == [casework.smith_dapo, casework.obrien_dvpo]


@pytest.mark.parametrize("who", ["champion", "admin"])
def test_champions_and_admins_see_the_force(ctx: ServiceContext, force: Force, casework: Seeded, who: str) -> None:
    load = caseload(ctx, getattr(force, who), CaseloadQuery(everyone=True))

    assert load.whose == "the force"
    assert load.by_status == (("active", 5), ("withdrawn", 1))
    assert refs(load) == [
        casework.smith_dapo,  # notification due Tue 13 Jan, never received
        casework.smith_dvpo,
        casework.obrien_dvpn,
        casework.smith_dvpn,
        casework.obrien_dvpo,
    ]
    assert officers(load) == {force.officer: (2, 1), force.other_officer: (2, 1), force.colleague: (1, 1)}
    assert caseload(ctx, getattr(force, who), CaseloadQuery()).total == 5  # their default is the force
    assert caseload(ctx, getattr(force, who), CaseloadQuery(team="Team A")).total == 3


def test_filters_combine(ctx: ServiceContext, force: Force, casework: Seeded) -> None:
    champion = force.champion
    dvpns = caseload(ctx, champion, CaseloadQuery(everyone=True, order_type=OrderType.DVPN))
    assert refs(dvpns) == [casework.obrien_dvpn, casework.smith_dvpn]
    assert dvpns.by_status == (("active", 2), ("withdrawn", 1))

    high = caseload(ctx, champion, CaseloadQuery(everyone=True, risk=RiskLevel.HIGH))
    assert refs(high) == [casework.smith_dvpn]
    medium_dvpn = caseload(
        ctx, champion, CaseloadQuery(everyone=True, risk=RiskLevel.MEDIUM, order_type=OrderType.DVPN)
    )
    assert refs(medium_dvpn) == [casework.obrien_dvpn]
    unassessed = caseload(ctx, champion, CaseloadQuery(everyone=True, risk_unassessed=True))
    assert refs(unassessed) == [casework.smith_dvpo, casework.obrien_dvpo]

    within_day = caseload(ctx, champion, CaseloadQuery(everyone=True, due_hours=24))
    assert refs(within_day) == [casework.smith_dapo, casework.smith_dvpo, casework.obrien_dvpn, casework.smith_dvpn]
    overdue = caseload(ctx, force.supervisor, CaseloadQuery(due_hours=0))
    assert refs(overdue) == [casework.smith_dvpo, casework.obrien_dvpn]
    week = caseload(ctx, champion, CaseloadQuery(everyone=True, due_hours=7 * 24, order_type=OrderType.DVPO))
    assert refs(week) == [casework.smith_dvpo, casework.obrien_dvpo]

    withdrawn = caseload(ctx, champion, CaseloadQuery(everyone=True, status=OrderStatus.WITHDRAWN))
    assert refs(withdrawn) == [casework.khan_dvpn]
    assert withdrawn.items[0].next_deadline is None
    every = caseload(ctx, champion, CaseloadQuery(everyone=True, status=None))
    assert every.total == 6 and refs(every)[-1] == casework.khan_dvpn  # no deadline: last


def test_pages_follow_on_without_gaps_or_repeats(ctx: ServiceContext, force: Force, casework: Seeded) -> None:
    query = CaseloadQuery(everyone=True)
    first = caseload(ctx, force.champion, query, limit=2)
    second = caseload(ctx, force.champion, query, offset=2, limit=2)
    third = caseload(ctx, force.champion, query, offset=4, limit=2)
    assert (first.remaining, second.remaining, third.remaining) == (3, 1, 0)
    everything = refs(caseload(ctx, force.champion, query))
    assert refs(first) + refs(second) + refs(third) == everything
    assert first.total == second.total == 5
    assert CaseloadQuery.load(query.dump()) == query


def test_a_query_survives_a_more_button(ctx: ServiceContext, force: Force) -> None:
    query = CaseloadQuery(team="Team A", order_type=OrderType.DVPO, risk=RiskLevel.HIGH, status=None, due_hours=168)
    assert CaseloadQuery.load(query.dump()) == query
    assert CaseloadQuery.load(CaseloadQuery().dump()) == CaseloadQuery()


@pytest.mark.parametrize(
    "who, query, fragment",
    [
        ("officer", CaseloadQuery(everyone=True), "Only champions and admins can see the whole force's caseload."),
        ("supervisor", CaseloadQuery(everyone=True), "You can ask for your own records, Team A"),
        ("officer", CaseloadQuery(team="Team B"), "Team B is not a team you work in or supervise."),
        ("supervisor", CaseloadQuery(team="Team B"), "Team B is not a team you work in or supervise."),
        ("officer", CaseloadQuery(officer="UOFFB1"), "<@UOFFB1> is not in your team. You can ask for"),
        ("supervisor", CaseloadQuery(officer="UOFFB1"), "or an officer in Team A"),
    ],
)
def test_asking_outside_your_scope_is_refused_with_what_you_can_ask(
    ctx: ServiceContext, force: Force, casework: Seeded, who: str, query: CaseloadQuery, fragment: str
) -> None:
    caseload(ctx, getattr(force, who), CaseloadQuery())  # first contact registers the user
    before = row_counts(ctx.engine)
    with pytest.raises(NotAllowed) as refused:
        caseload(ctx, getattr(force, who), query)
    assert fragment in problem(refused.value)
    assert row_counts(ctx.engine) == before


def test_unknown_teams_and_people_are_named(ctx: ServiceContext, force: Force, casework: Seeded) -> None:
    before = row_counts(ctx.engine)
    with pytest.raises(NotFound, match=r"No team is called 'Team Z'\. You can ask for your own records, Team A"):
        caseload(ctx, force.supervisor, CaseloadQuery(team="Team Z"))
    with pytest.raises(NotFound) as unknown:
        caseload(ctx, force.champion, CaseloadQuery(officer="UNOBODY"))
    assert problem(unknown.value).startswith("<@UNOBODY> does not use dvpn-bot")
    assert row_counts(ctx.engine) == before


def test_a_newcomer_without_a_team_is_told_how_to_get_placed(
    ctx: ServiceContext, force: Force, casework: Seeded
) -> None:
    before = row_counts(ctx.engine)
    with pytest.raises(NotAllowed) as refused:
        caseload(ctx, force.newcomer, CaseloadQuery())
    assert "Ask an admin to place you: they type `/dvpn admin team add TEAM @you`" in problem(refused.value)
    assert row_counts(ctx.engine) == before
