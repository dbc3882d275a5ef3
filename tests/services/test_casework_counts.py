"""The kept casework daily counts (casework_daily_count and casework_spread, maintained by triggers on
incident, incident_child, marac_referral and disclosure_request, migration 0029) and the stats read
from them: the casework figures and the Clare's Law figures summed from the counts are those counted
from the rows, over several periods, scopes and MARAC referral settings, the clock-change week among
them; a local day is the Europe/London day either side of the clock changes; every kind of write
keeps them, a school holiday's moved deadlines too. The stateful incident and casework tests check
the counts against the rows after every random step (tests/properties/invariants.py)."""

from __future__ import annotations

import importlib
import statistics
from collections import Counter
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import col, select

from domain.enums import RiskLevel
from models import (
    AppUser,
    CaseworkDailyCount,
    CaseworkSpread,
    DisclosureRequest,
    Incident,
    IncidentChild,
    MaracAction,
    MaracReferral,
    Reminder,
    Team,
)
from models.db import session_scope
from rules.disclosure import Decision, Route, days_taken
from rules.plans import ActionKind
from services.clock import ManualClock
from services.context import ServiceContext
from services.disclosures import requests
from services.disclosures.figures import request_figures
from services.disclosures.requests import NewRequest
from services.incidents import changes, school_terms
from services.incidents.recording import ChildInput, NewIncident, record_incident
from services.people import plans
from services.records.order_writer import PersonInput
from services.reporting import casework_counts
from services.reporting.casework_stats import casework_figures
from services.reporting.period import parse_period
from services.reporting.report_results import ReportScope
from services.reporting.scope import FORCE
from tests.properties.invariants import casework_counted_days, the_casework_counts_are_the_rows
from tests.support.force import Force, london
from tests.support.records import dvpn, record

PERIODS = [
    "2026-04",
    "2026-03",
    "2026-Q1",
    "2026",
    "2026-03-29..2026-04-05",  # from the day the clocks went forward
    "2026-03-28..2026-03-28",  # one day, the last of GMT
    "2026-03-29..2026-03-29",
    "last 7 days",
    "last 4 weeks",
]
TODAY = date(2026, 4, 4)


def wrong(ctx: ServiceContext) -> list[str]:
    with session_scope(ctx.engine) as session:
        return the_casework_counts_are_the_rows(session)


def scopes(ctx: ServiceContext) -> list[ReportScope]:
    with session_scope(ctx.engine) as session:
        teams = {t.name: t.id for t in session.exec(select(Team)).all()}
    a, b = teams["Team A"], teams["Team B"]
    assert a is not None and b is not None
    return [FORCE, ReportScope("Team A", (a,)), ReportScope("Team B", (b,)), ReportScope("both", (a, b))]


def _incident(
    ctx: ServiceContext,
    clock: ManualClock,
    actor: str,
    reported: str,
    children: int = 0,
    dash_yes: int | None = None,
    judgement: RiskLevel | None = None,
) -> str:
    at = london(reported)
    clock.set(at + timedelta(minutes=30))
    kids = tuple(ChildInput(f"Kit Sample {n}", "Oak Primary", "Worcestershire") for n in range(children))
    dash_at = at + timedelta(minutes=20) if dash_yes is not None else None
    new = NewIncident(
        at, PersonInput("Sam Sample"), PersonInput("Alex Example"), kids, dash_yes, judgement, dash_at=dash_at
    )
    return record_incident(ctx, actor, new)


def _referred(ctx: ServiceContext, clock: ManualClock, actor: str, ref: str, hours_after_dash: float) -> None:
    with session_scope(ctx.engine) as session:
        dash_at = session.exec(select(Incident.dash_at).where(Incident.reference == ref)).one()
    assert dash_at is not None
    clock.set(dash_at + timedelta(hours=hours_after_dash))
    changes.record_referral(ctx, actor, ref)


def _request(ctx: ServiceContext, actor: str, received: str, route: Route) -> str:
    new = NewRequest(route, PersonInput("Dana Whitlock"), PersonInput("Gareth Pellow"), london(received))
    return requests.new_request(ctx, actor, new).reference


def _closed(ctx: ServiceContext, clock: ManualClock, actor: str, ref: str, at: str) -> None:
    clock.set(london(at))
    requests.close(ctx, actor, ref, "withdrawn by the applicant")


@pytest.fixture
def work(ctx: ServiceContext, clock: ManualClock, force: Force) -> Force:
    """Incidents either side of the clock change (29 March 2026, 01:00 UTC) and of local midnight,
    of every risk level, with children told in time, late and not yet; referrals in time, late and
    exactly at 24 hours; Clare's Law requests completed 2, 5, 24 and 31 days after receipt (an
    even count in some periods: a median between two), one open past its target. The clock ends at
    Sat 4 Apr 2026 09:00 BST."""
    high_gmt = _incident(ctx, clock, force.officer, "2026-03-28 23:30", children=2, dash_yes=16)
    _referred(ctx, clock, force.officer, high_gmt, 20)
    changes.record_school_told(ctx, force.officer, high_gmt, 1)
    high_change = _incident(ctx, clock, force.officer, "2026-03-29 00:30", dash_yes=15)  # GMT, the change day
    _referred(ctx, clock, force.officer, high_change, 30)
    judged = _incident(
        ctx, clock, force.colleague, "2026-03-30 09:00", children=1, dash_yes=4, judgement=RiskLevel.HIGH
    )
    _referred(ctx, clock, force.colleague, judged, 24)  # exactly the setting's hours: in time
    medium = _incident(
        ctx, clock, force.officer, "2026-04-02 00:30", children=1, dash_yes=11
    )  # 23:30 UTC the day before
    changes.record_school_told(ctx, force.officer, medium, 1)
    _incident(ctx, clock, force.other_officer, "2026-04-01 10:00", children=1)  # no DASH yet, school untold
    _incident(ctx, clock, force.other_officer, "2026-03-31 12:00", dash_yes=3)
    _incident(ctx, clock, force.officer, "2026-04-01 23:30", dash_yes=17)  # high, not referred
    clock.set(london("2026-04-02 21:00"))
    disclosed = _request(ctx, force.officer, "2026-03-10 14:00", Route.ASK)
    requests.record_checks(ctx, force.officer, disclosed, london("2026-03-12 10:00"))
    requests.decide(ctx, force.supervisor, disclosed, Decision.DISCLOSE, "history of violence")
    requests.record_disclosure(ctx, force.officer, disclosed, "in person", london("2026-04-02 21:00"))
    late = _request(ctx, force.other_officer, "2026-03-01 10:00", Route.KNOW)
    quick = _request(ctx, force.officer, "2026-03-25 09:00", Route.ASK)
    quicker = _request(ctx, force.colleague, "2026-04-01 09:00", Route.ASK)
    _request(ctx, force.other_officer, "2026-03-20 09:00", Route.KNOW)  # open, target ahead
    _request(ctx, force.officer, "2026-02-20 09:00", Route.ASK)  # open past its target
    _closed(ctx, clock, force.other_officer, late, "2026-03-31 23:30")  # day 31, 22:30 UTC
    _closed(ctx, clock, force.officer, quick, "2026-03-29 00:30")  # day 5, the last GMT hour
    _closed(ctx, clock, force.colleague, quicker, "2026-04-02 10:00")  # day 2
    clock.set(london("2026-04-04 09:00"))
    return force


@pytest.mark.parametrize("text", PERIODS)
def test_casework_from_the_counts_is_the_casework_from_the_rows(
    ctx: ServiceContext, work: Force, clock: ManualClock, text: str
) -> None:
    period = parse_period(text, TODAY)
    assert wrong(ctx) == []
    with session_scope(ctx.engine) as session:
        for scope in scopes(ctx):
            summed = casework_figures(session, scope, period, ctx.settings, clock.now(), kept=True)
            counted = casework_figures(session, scope, period, ctx.settings, clock.now(), kept=False)
            assert summed == counted, (text, scope.label)
            tz = ctx.settings.timezone
            clare = request_figures(session, scope.team_ids, period, clock.now(), tz, "x", kept=True)
            assert clare == request_figures(session, scope.team_ids, period, clock.now(), tz, "x", kept=False)


@pytest.mark.parametrize("hours", [1, 20, 21, 23, 24, 29, 30, 31, 1000])
def test_any_referral_setting_reads_its_count_from_the_spread(
    ctx: ServiceContext, work: Force, clock: ManualClock, hours: int
) -> None:
    settings = replace(ctx.settings, incidents=replace(ctx.settings.incidents, marac_referral_hours=hours))
    with session_scope(ctx.engine) as session:
        for text in ("2026-03-29..2026-04-05", "2026-03-28..2026-03-28", "2026"):
            period = parse_period(text, TODAY)
            summed = casework_figures(session, FORCE, period, settings, clock.now(), kept=True)
            counted = casework_figures(session, FORCE, period, settings, clock.now(), kept=False)
            assert summed == counted, (hours, text)


def test_the_figures_are_worked_by_hand_and_read_from_the_counts(
    ctx: ServiceContext, work: Force, clock: ManualClock
) -> None:
    week = parse_period("2026-03-29..2026-04-05", TODAY)
    with session_scope(ctx.engine) as session:
        before = casework_figures(session, FORCE, week, ctx.settings, clock.now(), kept=True)
    # The incident of 28 March 23:30 GMT is the 28th's; the one of 2 April 00:30 BST the 2nd's.
    assert (before.incidents_high, before.incidents_medium, before.incidents_standard) == (3, 1, 1)
    assert (before.incidents_unassessed, before.high_risk, before.marac_referred_in_time) == (1, 3, 1)
    assert (before.children, before.schools_told_in_time) == (3, 1)
    clare = before.disclosures
    assert (clare.received_ask, clare.received_know, clare.completed, clare.disclosures) == (1, 0, 4, 1)
    assert (clare.within_target, clare.median_days, clare.open_past_target) == (3, 14.5, 1)  # 2, 5, 24, 31 days
    with ctx.engine.begin() as connection:  # throw the kept counts off: the answer must show it
        connection.execute(sa.update(CaseworkDailyCount).values(high_risk=CaseworkDailyCount.high_risk + 1))
        connection.execute(sa.update(CaseworkSpread).values(value=CaseworkSpread.value + 100))
    assert wrong(ctx) != []
    with session_scope(ctx.engine) as session:
        after = casework_figures(session, FORCE, week, ctx.settings, clock.now(), kept=True)
        rows = casework_figures(session, FORCE, week, ctx.settings, clock.now(), kept=False)
    assert after.high_risk > before.high_risk and after.marac_referred_in_time == 0
    assert after.disclosures.median_days == 114.5 and rows == before


# UTC instants either side of the clock changes of 2025 (30 March, 26 October) and 2026 (29 March,
# 25 October: 01:00 UTC), with the Europe/London day each falls on.
EDGES = [
    (datetime(2026, 3, 29, 0, 59, tzinfo=UTC), date(2026, 3, 29)),
    (datetime(2026, 3, 29, 23, 0, tzinfo=UTC), date(2026, 3, 30)),  # midnight BST
    (datetime(2026, 3, 28, 23, 30, tzinfo=UTC), date(2026, 3, 28)),  # still GMT
    (datetime(2026, 10, 24, 23, 0, tzinfo=UTC), date(2026, 10, 25)),
    (datetime(2026, 10, 25, 23, 30, tzinfo=UTC), date(2026, 10, 25)),  # GMT again
    (datetime(2025, 3, 29, 23, 59, tzinfo=UTC), date(2025, 3, 29)),
    (datetime(2025, 3, 30, 23, 0, tzinfo=UTC), date(2025, 3, 31)),
    (datetime(2025, 10, 25, 23, 0, tzinfo=UTC), date(2025, 10, 26)),
    (datetime(2025, 10, 26, 23, 0, tzinfo=UTC), date(2025, 10, 26)),
]


def test_a_day_is_the_europe_london_day_across_the_clock_changes(ctx: ServiceContext, work: Force) -> None:
    with ctx.engine.begin() as connection:  # an incident and a closed request at each edge, as a bulk INSERT would
        incident = connection.execute(sa.select(Incident).order_by(Incident.id).limit(1)).mappings().one()
        request = (
            connection.execute(
                sa.select(DisclosureRequest).where(col(DisclosureRequest.closed_at).is_not(None)).limit(1)
            )
            .mappings()
            .one()
        )
        for n, (at, _) in enumerate(EDGES):
            copied = {k: v for k, v in incident.items() if k != "id"}
            connection.execute(sa.insert(Incident).values({**copied, "reference": f"EDGE-{n}", "reported_at": at}))
            asked = {k: v for k, v in request.items() if k != "id"}
            values = {"reference": f"EDGE-R{n}", "received_at": at - timedelta(days=3), "closed_at": at}
            connection.execute(sa.insert(DisclosureRequest).values({**asked, **values}))
    assert wrong(ctx) == []
    with session_scope(ctx.engine) as session:
        counted, spread = casework_counted_days(session)
        kept = session.exec(select(CaseworkDailyCount)).all()
        kept_days = {row.day for row in kept if row.incidents_high and row.team_id == incident["team_id"]}
        completed_days = {row.day for row in kept if row.requests_completed}
    assert {day for _, day in EDGES} <= kept_days
    assert {day for _, day in EDGES} <= completed_days
    # Received three days (72 hours) before: four local days, five when received in GMT and done after midnight BST.
    days = {(d, v) for (m, d, _, v) in spread if m == casework_counts.COMPLETION_DAYS}
    assert days >= {(d, days_taken(at - timedelta(days=3), at)) for at, d in EDGES}
    assert (date(2026, 3, 30), 5) in days and (date(2026, 3, 29), 4) in days
    assert counted


def test_the_counts_follow_every_write(ctx: ServiceContext, work: Force) -> None:
    """Bulk updates of what the figures read (DASH, referral times, schools told, completions), an
    incident moving team and day with its children and referral, and erasure (retention's order:
    what refers to an incident first)."""
    with ctx.engine.begin() as connection:
        connection.execute(sa.update(Incident).values(dash_at=Incident.reported_at))  # every referral later
        connection.execute(sa.update(MaracReferral).values(referred_at=MaracReferral.created_at))
        connection.execute(sa.update(IncidentChild).values(told_at=IncidentChild.due_at))
        connection.execute(
            sa.update(Incident).where(col(Incident.risk_level).is_(None)).values(risk_level=RiskLevel.HIGH)
        )
        connection.execute(sa.update(DisclosureRequest).values(target_at=DisclosureRequest.received_at))
    assert wrong(ctx) == []
    with ctx.engine.begin() as connection:
        teams = connection.execute(sa.select(Team.id).order_by(Team.id)).scalars().all()
        moved = connection.execute(sa.select(MaracReferral.incident_id).order_by(MaracReferral.id)).scalars().first()
        reported = connection.execute(sa.select(Incident.reported_at).where(col(Incident.id) == moved)).scalar_one()
        earlier = reported - timedelta(days=40)  # another day and month, another team: its children and referral too
        connection.execute(
            sa.update(Incident).where(col(Incident.id) == moved).values(team_id=teams[-1], reported_at=earlier)
        )
        connection.execute(sa.update(IncidentChild).values(due_at=IncidentChild.created_at))  # told late now
        connection.execute(sa.update(DisclosureRequest).values(team_id=teams[-1], route=Route.KNOW))
        connection.execute(
            sa.update(DisclosureRequest).values(disclosed_at=None, closed_at=DisclosureRequest.received_at)
        )
    assert wrong(ctx) == []
    with ctx.engine.begin() as connection:
        connection.execute(sa.delete(MaracAction))
        connection.execute(sa.delete(MaracReferral).where(col(MaracReferral.incident_id) == moved))
        connection.execute(sa.delete(IncidentChild).where(col(IncidentChild.incident_id) == moved))
    assert wrong(ctx) == []
    with ctx.engine.begin() as connection:  # what refers to an incident or a request first
        connection.execute(sa.delete(MaracReferral))
        connection.execute(sa.delete(IncidentChild))
        reminders = sa.or_(col(Reminder.incident_id).is_not(None), col(Reminder.disclosure_id).is_not(None))
        connection.execute(sa.delete(Reminder).where(reminders))
        connection.execute(sa.delete(Incident))
        connection.execute(sa.delete(DisclosureRequest))
    assert wrong(ctx) == []
    with session_scope(ctx.engine) as session:
        left = session.exec(select(CaseworkDailyCount)).all()
        assert left and not [row for row in left if any(getattr(row, m) for m in casework_counts.MEASURES)]
        assert not [row for row in session.exec(select(CaseworkSpread)).all() if row.n]


def test_a_school_holiday_moves_the_due_time_and_the_count_follows(
    ctx: ServiceContext, work: Force, clock: ManualClock
) -> None:
    """The child of 1 April (Team B, school untold) is due before the next school day; a holiday from
    2 April moves that to after it, and a school told on 7 April is then told in time."""
    with session_scope(ctx.engine) as session:
        due_before = session.exec(select(IncidentChild.due_at).where(col(IncidentChild.told_at).is_(None))).all()
    school_terms.add_term(ctx, work.admin, "worcestershire", date(2026, 4, 2), date(2026, 4, 10), "Easter")
    with session_scope(ctx.engine) as session:
        untold = session.exec(select(IncidentChild).where(col(IncidentChild.told_at).is_(None))).all()
    assert untold and [c.due_at for c in untold] != due_before
    assert wrong(ctx) == []
    clock.set(london("2026-04-07 12:00"))
    for child in untold:
        with session_scope(ctx.engine) as session:
            ref, officer = session.exec(
                select(Incident.reference, AppUser.slack_user_id)
                .join(AppUser, col(AppUser.id) == col(Incident.officer_id))
                .where(Incident.id == child.incident_id)
            ).one()
        changes.record_school_told(ctx, officer, ref, child.number)
    assert wrong(ctx) == []
    april = parse_period("2026-04", TODAY)
    with session_scope(ctx.engine) as session:
        summed = casework_figures(session, FORCE, april, ctx.settings, clock.now(), kept=True)
        counted = casework_figures(session, FORCE, april, ctx.settings, clock.now(), kept=False)
    assert summed == counted and summed.schools_told_in_time == 2  # the medium's, and the moved one's
    school_terms.remove_term(ctx, work.admin, "worcestershire", date(2026, 4, 2))  # told: not rewritten
    assert wrong(ctx) == []


@given(st.lists(st.integers(-3, 400), max_size=40))
def test_the_median_of_a_histogram_is_the_median_of_the_values(values: list[int]) -> None:
    expected = float(statistics.median(values)) if values else None
    assert casework_counts.median(Counter(values)) == expected


def test_the_migration_fills_the_counts_from_the_rows_already_there(ctx: ServiceContext, work: Force) -> None:
    migration = importlib.import_module("migrations.versions.0029_casework_daily_counts")
    with ctx.engine.begin() as connection:
        connection.execute(sa.delete(CaseworkDailyCount))
        connection.execute(sa.delete(CaseworkSpread))
    assert wrong(ctx) != []
    with ctx.engine.begin() as connection:
        for statement in migration.fill(connection.dialect.name):
            connection.execute(sa.text(statement))
    assert wrong(ctx) == []


def test_the_plans_now_count_each_overdue_action_and_each_late_plan_once(
    ctx: ServiceContext, force: Force, clock: ManualClock
) -> None:
    """A plan with two overdue actions and one not yet due, a plan whose review is past with none
    overdue, a plan with nothing late, a closed plan with an overdue action: 3 open, 2 late, 2
    actions overdue (the snapshot /dvpn stats counts at the time asked, from the rows)."""
    two_late, reviewed, on_track, closed = (
        record(ctx, force.officer, dvpn(perpetrator=PersonInput(name))).reference
        for name in ("Perp One", "Perp Two", "Perp Three", "Perp Four")  # a plan per person
    )
    for ref in (two_late, reviewed, on_track, closed):
        plans.adopt(ctx, force.supervisor, ref, london("2026-05-01 09:00"))
    for due in ("2026-04-03 10:00", "2026-04-03 11:00", "2026-04-20 17:00"):
        plans.add_action(ctx, force.officer, two_late, ActionKind.ENFORCE, force.officer, london(due), "bail")
    plans.add_action(ctx, force.officer, closed, ActionKind.SUPPORT, force.officer, london("2026-04-03 10:00"), "x")
    plans.set_review(ctx, force.officer, reviewed, london("2026-04-03 09:00"))
    plans.close_plan(ctx, force.supervisor, closed, "risk reduced")
    clock.set(london("2026-04-04 09:00"))
    with session_scope(ctx.engine) as session:
        figures = casework_figures(session, FORCE, parse_period("2026-04", TODAY), ctx.settings, clock.now(), kept=True)
    assert (figures.plans_open, figures.plans_overdue, figures.plan_actions_overdue) == (3, 2, 2)
