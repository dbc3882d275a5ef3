"""/dvpn stats figures against a seeded April (tests/support/april.py has the working),
for each role, the weekly trend's series, and the period parser."""

from __future__ import annotations

from datetime import date

import pytest

from services.clock import ManualClock
from services.context import ServiceContext
from services.errors import DomainError, NotAllowed, NotFound
from services.reporting import stats
from services.reporting.period import Period, parse_period, period_then_team, weeks_in
from services.reporting.report_results import Figures
from services.reporting.stats import trend_from_counts
from tests.support.database import row_counts
from tests.support.force import Force

APRIL = parse_period("2026-04", date(2026, 4, 30))

FORCE_APRIL = Figures(
    notices_issued=6,  # N0-N5; M0 was served on 31 March (local time)
    applications_heard=4,  # N1, N2, N4 (adjourned), N5
    heard_in_time=4,  # every hearing was listed by its deadline
    orders_granted=2,  # N1, N5
    orders_refused=1,  # N2
    notices_converted=2,
    notices_lapsed=3,  # M0, N0, N3
    breaches=4,
    breaches_crime_reference_24h=2,  # B1, B4; B2's came after 25 hours, B3 has none
    checks_due=13,
    checks_on_time=4,
    median_hours_service_to_hearing=35.875,  # of 22, 24, 47.75, 110
)
TEAM_A_APRIL = Figures(
    notices_issued=5,
    applications_heard=3,
    heard_in_time=3,
    orders_granted=1,
    orders_refused=1,
    notices_converted=1,
    notices_lapsed=3,
    breaches=3,
    breaches_crime_reference_24h=1,
    checks_due=10,
    checks_on_time=3,
    median_hours_service_to_hearing=47.75,  # of 22, 47.75, 110
)
TEAM_B_APRIL = Figures(
    notices_issued=1,
    applications_heard=1,
    heard_in_time=1,
    orders_granted=1,
    orders_refused=0,
    notices_converted=1,
    notices_lapsed=0,
    breaches=1,
    breaches_crime_reference_24h=1,
    checks_due=3,
    checks_on_time=1,
    median_hours_service_to_hearing=24.0,
)


@pytest.mark.parametrize(
    "who, team, label, expected",
    [
        ("champion", None, "the force", FORCE_APRIL),
        ("admin", None, "the force", FORCE_APRIL),
        ("champion", "team b", "Team B", TEAM_B_APRIL),
        ("admin", "Team A", "Team A", TEAM_A_APRIL),
        ("supervisor", None, "Team A", TEAM_A_APRIL),
        ("supervisor", "Team A", "Team A", TEAM_A_APRIL),
        ("officer", None, "Team A", TEAM_A_APRIL),
        ("other_officer", None, "Team B", TEAM_B_APRIL),
    ],
)
def test_each_role_sees_the_figures_of_its_scope(
    ctx: ServiceContext, april: Force, who: str, team: str | None, label: str, expected: Figures
) -> None:
    before = row_counts(ctx.engine)
    report = stats.stats(ctx, getattr(april, who), APRIL, team)

    assert report.scope.label == label
    assert report.figures == expected
    assert row_counts(ctx.engine) == before  # reading figures writes nothing, not even an audit row


def test_the_conversion_rate_is_granted_over_issued(ctx: ServiceContext, april: Force) -> None:
    assert stats.stats(ctx, april.champion, APRIL).figures.conversion_rate == pytest.approx(2 / 6)
    assert stats.stats(ctx, april.champion, APRIL, "Team B").figures.conversion_rate == 1.0


def test_the_weekly_trend_has_one_count_per_iso_week(ctx: ServiceContext, april: Force) -> None:
    trend = stats.stats(ctx, april.champion, APRIL).trend

    assert trend.weeks == ("2026-W14", "2026-W15", "2026-W16", "2026-W17", "2026-W18")
    assert trend.series == {
        "Notices issued": (2, 2, 1, 1, 0),  # N0 N1 | N2 N5 | N3 | N4
        "Orders granted": (0, 2, 0, 0, 0),  # N1 on 7 Apr, N5 on 10 Apr
        "Breaches": (0, 2, 1, 1, 0),  # B1 B4 | B2 | B3
    }


def test_a_period_with_nothing_in_it_has_zeros_and_no_median(ctx: ServiceContext, april: Force) -> None:
    report = stats.stats(ctx, april.champion, parse_period("2025-Q1", date(2026, 4, 30)))
    assert report.figures == Figures(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, None)
    assert report.figures.conversion_rate is None
    assert all(set(series) == {0} for series in report.trend.series.values())
    assert len(report.trend.weeks) == 14  # 30 Dec 2024 to 31 Mar 2025 touches 14 ISO weeks


def test_checks_not_yet_due_are_not_counted_as_missed(ctx: ServiceContext, clock: ManualClock, april: Force) -> None:
    clock.set(clock.now().replace(day=27, hour=12))  # before N4's second check (28 Apr) fell due
    assert stats.stats(ctx, april.champion, APRIL).figures.checks_due == 12


@pytest.mark.parametrize(
    "who, team, error, fragment",
    [
        ("officer", "Team B", NotAllowed, "You do not work in Team B"),
        ("supervisor", "Team B", NotAllowed, "You do not supervise Team B"),
        ("newcomer", None, NotAllowed, "not in a team"),
        ("champion", "Team Z", NotFound, "No team is called 'Team Z'. Teams: Team A, Team B."),
    ],
)
def test_refusals_say_why_and_write_nothing(
    ctx: ServiceContext, april: Force, who: str, team: str | None, error: type[Exception], fragment: str
) -> None:
    before = row_counts(ctx.engine)
    with pytest.raises(error) as refused:
        stats.stats(ctx, getattr(april, who), APRIL, team)
    assert fragment in str(refused.value)
    assert row_counts(ctx.engine) == before


# -- the period parser and the week buckets (pure) ----------------------------------------------------

TODAY = date(2026, 4, 30)  # a Thursday


@pytest.mark.parametrize(
    "text, start, end",
    [
        ("", date(2026, 4, 3), date(2026, 5, 1)),  # last 4 weeks: 28 days up to and including today
        ("last 4 weeks", date(2026, 4, 3), date(2026, 5, 1)),
        ("Last  30 days", date(2026, 4, 1), date(2026, 5, 1)),
        ("this month", date(2026, 4, 1), date(2026, 5, 1)),
        ("last month", date(2026, 3, 1), date(2026, 4, 1)),
        ("this week", date(2026, 4, 27), date(2026, 5, 1)),
        ("last week", date(2026, 4, 20), date(2026, 4, 27)),
        ("this quarter", date(2026, 4, 1), date(2026, 5, 1)),
        ("last quarter", date(2026, 1, 1), date(2026, 4, 1)),
        ("last year", date(2025, 1, 1), date(2026, 1, 1)),
        ("2026-Q3", date(2026, 7, 1), date(2026, 10, 1)),
        ("2025q4", date(2025, 10, 1), date(2026, 1, 1)),
        ("2026-02", date(2026, 2, 1), date(2026, 3, 1)),
        ("2024", date(2024, 1, 1), date(2025, 1, 1)),
        ("2026-04-01..2026-06-30", date(2026, 4, 1), date(2026, 7, 1)),
        ("2026-04-01 to 2026-04-01", date(2026, 4, 1), date(2026, 4, 2)),
    ],
)
def test_periods_people_type(text: str, start: date, end: date) -> None:
    period = parse_period(text, TODAY)
    assert (period.start, period.end) == (start, end)


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("last fortnight", "Could not read 'last fortnight' as a period"),
        ("2026-13", "Could not read"),
        ("2026-02-30..2026-03-01", "Could not read"),
        ("2026-06-30..2026-04-01", "ends before it starts"),
        ("2020..2026", "Could not read"),
        ("2020-01-01..2026-01-01", "at most three years"),
        ("last 0 days", "Could not read"),
    ],
)
def test_bad_periods_say_how_to_write_one(text: str, fragment: str) -> None:
    with pytest.raises(DomainError) as refused:
        parse_period(text, TODAY)
    assert fragment in refused.value.message
    assert refused.value.field == "period"


def test_the_period_runs_between_local_midnights_across_the_clock_change() -> None:
    from zoneinfo import ZoneInfo

    march = parse_period("2026-03", TODAY)
    london = ZoneInfo("Europe/London")
    assert march.start_at(london).isoformat() == "2026-03-01T00:00:00+00:00"  # GMT
    assert march.end_at(london).isoformat() == "2026-03-31T23:00:00+00:00"  # 1 April 00:00 BST
    assert march.describe() == "2026-03 (1 Mar 2026 to 31 Mar 2026)"


def test_weeks_are_iso_weeks_cut_to_the_period() -> None:
    weeks = weeks_in(Period(date(2026, 4, 1), date(2026, 5, 1), "April"))
    assert [(w.label, w.start, w.end) for w in weeks] == [
        ("2026-W14", date(2026, 4, 1), date(2026, 4, 6)),
        ("2026-W15", date(2026, 4, 6), date(2026, 4, 13)),
        ("2026-W16", date(2026, 4, 13), date(2026, 4, 20)),
        ("2026-W17", date(2026, 4, 20), date(2026, 4, 27)),
        ("2026-W18", date(2026, 4, 27), date(2026, 5, 1)),
    ]
    new_year = weeks_in(Period(date(2026, 12, 28), date(2027, 1, 5), "turn of the year"))
    assert [w.label for w in new_year] == ["2026-W53", "2027-W01"]


def test_the_trend_fills_weeks_with_nothing_with_zeros() -> None:
    weeks = weeks_in(Period(date(2026, 4, 1), date(2026, 4, 20), "x"))
    trend = trend_from_counts(weeks, {"Notices issued": {0: 3, 2: 1}, "Breaches": {1: 5}})
    assert trend.weeks == ("2026-W14", "2026-W15", "2026-W16")
    assert trend.series == {"Notices issued": (3, 0, 1), "Orders granted": (0, 0, 0), "Breaches": (0, 5, 0)}


@pytest.mark.parametrize(
    "text, period, team",
    [
        ("", "last 4 weeks", None),
        ("this month", "this month", None),
        ("2026-Q1 PPU North", "2026-Q1", "PPU North"),
        ("Team A", "last 4 weeks", "Team A"),
        ("last 4 weeks team b", "last 4 weeks", "team b"),
    ],
)
def test_a_period_then_a_team(text: str, period: str, team: str | None) -> None:
    found, rest = period_then_team(text, TODAY)
    assert (found.label, rest) == (period, team)


def test_a_period_that_is_wrong_in_itself_is_not_taken_for_a_team() -> None:
    with pytest.raises(DomainError, match="ends before it starts"):
        period_then_team("2026-06-30..2026-04-01 Team A", TODAY)
