"""The App Home's record sections read whole only their first HOME_LISTED items and count the rest,
and a supervisor's "My team" leaves out their own records: the breach checks due and the breaches
with no crime reference it lists first, and how many it says there are, are what reading every one
gave. More than the Home lists of each, in the supervisor's team (an officer's, a colleague's and
the supervisor's own) and one in another team; on both databases."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from models import AppUser, Team
from services.context import ServiceContext
from services.records import breaches, checks
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
