"""The App Home's record sections read whole only their first HOME_LISTED items and count the rest,
and a supervisor's "My team" leaves out their own records: the breach checks due and the breaches
with no crime reference it lists first, and how many it says there are, are what reading every one
gave. More than the Home lists of each, in the supervisor's team (an officer's, a colleague's and
the supervisor's own) and one in another team; on both databases."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, col, select

from models import AppUser, BreachCheck, OrderStatus, ProtectionOrder, Team
from services.context import ServiceContext
from services.records import breaches, checks, lifecycle
from services.reminders import digest_sections
from services.reminders.digest_items import Owner, TeamRows
from services.reminders.results import HOME_LISTED, DigestSection
from tests.support.force import Force, london
from tests.support.records import dvpn, record

NOW = london("2026-04-02 21:00")  # the clock fixture's
EACH = HOME_LISTED // 2 + 3  # an officer's and a colleague's: more than the Home lists together


@pytest.fixture
def work(ctx: ServiceContext, force: Force) -> None:
    """Every notice with a breach check due tonight and a breach with no crime reference, served
    and breached in turn across the officers, so the first due are not one officer's."""
    people = [force.officer, force.colleague] * EACH + [force.supervisor, force.supervisor, force.other_officer]
    for n, officer in enumerate(people):
        served = london("2026-04-02 05:00") + timedelta(minutes=10 * n)
        reference = record(ctx, officer, dvpn(served.strftime("%Y-%m-%d %H:%M"))).reference
        checks.plan_check(ctx, officer, reference, london("2026-04-02 22:00") + timedelta(minutes=(7 * n) % 60))
        breaches.record_breach(ctx, officer, reference, london("2026-04-02 20:00") - timedelta(minutes=(5 * n) % 45))


def _drawn(ctx: ServiceContext, force: Force, cut: bool, others: bool) -> dict[str, DigestSection]:
    with Session(ctx.engine) as session:
        team = session.exec(select(Team).where(Team.name == "Team A")).one()
        user = session.exec(select(AppUser).where(AppUser.slack_user_id == force.supervisor)).one()
        assert team.id is not None and user.id is not None
        listed = {"listed": HOME_LISTED, "cut_records": True} if cut else {}
        rows = TeamRows(session, team.id, ctx.settings, owner=Owner(user.id, others=others), **listed)
        at = digest_sections.When.at(NOW, rows)
        return {s.__name__: s(rows, at) for s in (digest_sections.checks, digest_sections.crime)}


@pytest.mark.usefixtures("work")
@pytest.mark.parametrize("others", [True, False], ids=["the team's", "the supervisor's own"])
def test_the_first_checks_and_breaches_are_listed_and_the_rest_counted(
    ctx: ServiceContext, force: Force, others: bool
) -> None:
    every = _drawn(ctx, force, cut=False, others=others)
    home = _drawn(ctx, force, cut=True, others=others)
    for name in ("checks", "crime"):
        assert every[name].unlisted == 0
        wanted = every[name].items
        assert len(wanted) == (2 * EACH if others else 2)
        assert home[name].items == wanted[:HOME_LISTED]  # the first, in the same order
        assert len(home[name].items) + home[name].unlisted == len(wanted)
        if others:
            assert home[name].unlisted > 0  # the cut read fewer than every item
            assert force.supervisor not in {i.officer_slack_id for i in home[name].items}


def _read_from_the_records(ctx: ServiceContext, force: Force, others: bool) -> list[str]:
    """The supervisor's (or everyone else's) checks due in Team A as the section read them before
    migration 0041: the checks not done of the team's active records, first due first."""
    with Session(ctx.engine) as session:
        team = session.exec(select(Team).where(Team.name == "Team A")).one()
        user = session.exec(select(AppUser).where(AppUser.slack_user_id == force.supervisor)).one()
        midnight = digest_sections.When.at(NOW, TeamRows(session, team.id or 0, ctx.settings)).local_midnight(1)
        whose = Owner(user.id or 0, others=others).of(ProtectionOrder.officer_id)
        query = (
            select(ProtectionOrder.reference)
            .join(BreachCheck, col(BreachCheck.order_id) == col(ProtectionOrder.id))
            .where(
                ProtectionOrder.team_id == team.id,
                ProtectionOrder.status == OrderStatus.ACTIVE,
                whose,
                col(BreachCheck.done_at).is_(None),
                col(BreachCheck.due_at) < midnight,
            )
            .order_by(col(BreachCheck.due_at), col(ProtectionOrder.id), col(BreachCheck.id))
        )
        return list(session.exec(query).all())


def _references_of(ctx: ServiceContext, slack_id: str) -> list[str]:
    with Session(ctx.engine) as session:
        query = (
            select(ProtectionOrder.reference)
            .join(AppUser, col(AppUser.id) == col(ProtectionOrder.officer_id))
            .where(AppUser.slack_user_id == slack_id)
            .order_by(col(ProtectionOrder.id))
        )
        return list(session.exec(query).all())


@pytest.mark.usefixtures("work")
@pytest.mark.parametrize("others", [True, False], ids=["the team's", "the supervisor's own"])
def test_the_checks_listed_are_those_of_active_records_not_done(
    ctx: ServiceContext, force: Force, others: bool
) -> None:
    """Records that ended leave their checks undone, and a check done is done: neither is listed or
    counted, first due or not."""
    officer_s, supervisor_s = _references_of(ctx, force.officer), _references_of(ctx, force.supervisor)
    lifecycle.close(ctx, force.officer, officer_s[0], "Order discharged by the court on application")
    lifecycle.close(ctx, force.supervisor, supervisor_s[0], "Order discharged by the court on application")
    checks.complete_check(ctx, force.officer, officer_s[1], NOW)
    wanted = _read_from_the_records(ctx, force, others)
    home = _drawn(ctx, force, cut=True, others=others)["checks"]
    assert [i.reference for i in home.items] == wanted[:HOME_LISTED]
    assert len(home.items) + home.unlisted == len(wanted) == (2 * EACH - 2 if others else 1)
