"""Property tests for rules.clock.excluded_day_deadline over service instants 2000-2035."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from rules.calendar import (
    CHRISTMAS_DAY_REASON,
    GOOD_FRIDAY_REASON,
    SUNDAY_REASON,
    SUNDAYS_CHRISTMAS_GOOD_FRIDAY,
    ExcludedDayCalendar,
)
from rules.clock import excluded_day_deadline
from rules.deadlines import hearing_deadline, lapse_deadline
from rules.monitoring import MonitoringError, longest_monitoring, monitoring_end
from rules.notification import Change, change_deadline
from rules.order_types import OrderType, rule_for

LONDON = ZoneInfo("Europe/London")
UTC = UTC
CALENDAR = ExcludedDayCalendar()
PERIODS = [timedelta(hours=48), timedelta(hours=24)]

PROPERTY_SETTINGS = settings(max_examples=300, deadline=None)

# Instants between 2000 and 2035, given in UTC (so they fall at any local time, either side of
# clock changes) or in Europe/London (hypothesis also tries repeated and skipped local hours).
utc_instants = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2035, 12, 31), timezones=st.just(UTC))
london_instants = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2035, 12, 31), timezones=st.just(LONDON)
)
instants = st.one_of(utc_instants, london_instants)
periods = st.sampled_from(PERIODS)


def deadline_for(service: datetime, period: timedelta, calendar: ExcludedDayCalendar = CALENDAR):
    return excluded_day_deadline(service, period, calendar, label="Test", citation="CSA 2010 s27(3)")


def utc(instant: datetime) -> datetime:
    # Compare in UTC: Python compares datetimes sharing a tzinfo by wall clock, not by instant.
    return instant.astimezone(UTC)


@PROPERTY_SETTINGS
@given(service=instants, period=periods)
def test_counted_hours_sum_to_the_period(service: datetime, period: timedelta) -> None:
    deadline = deadline_for(service, period)
    assert sum((span.hours for span in deadline.counted), timedelta(0)) == period
    for span in deadline.counted:
        assert timedelta(0) < span.hours <= timedelta(days=1)
        assert not CALENDAR.is_excluded(span.day)


@PROPERTY_SETTINGS
@given(service=instants, period=periods)
def test_deadline_never_lies_inside_an_excluded_day(service: datetime, period: timedelta) -> None:
    local = deadline_for(service, period).at.astimezone(LONDON)
    if CALENDAR.is_excluded(local.date()):
        # Only the first instant of an excluded day is allowed: the end of the counted day before.
        assert local.time() == time(0), local


@PROPERTY_SETTINGS
@given(service=instants, period=periods)
def test_deadline_is_at_least_the_period_after_service(service: datetime, period: timedelta) -> None:
    deadline = deadline_for(service, period)
    assert utc(deadline.at) >= utc(service) + period
    assert utc(deadline.clock_started_at) >= utc(service)
    # Counted days are all whole 24 h days in London, so the real time counted is the period.
    assert utc(deadline.at) - utc(deadline.clock_started_at) >= period


@PROPERTY_SETTINGS
@given(first=utc_instants, gap=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=10)), period=periods)
def test_later_service_never_gives_an_earlier_deadline(first: datetime, gap: timedelta, period: timedelta) -> None:
    earlier = deadline_for(first, period)
    later = deadline_for(first + gap, period)
    assert utc(later.at) >= utc(earlier.at)


@PROPERTY_SETTINGS
@given(service=instants, period=periods)
def test_every_day_in_between_is_counted_in_full_or_skipped(service: datetime, period: timedelta) -> None:
    deadline = deadline_for(service, period)
    service_day = service.astimezone(LONDON).date()
    deadline_day = deadline.at.astimezone(LONDON).date()
    counted = {span.day: span for span in deadline.counted}
    skipped = {ruling.day: ruling for ruling in deadline.skipped}
    assert len(skipped) == len(deadline.skipped)  # no day skipped twice
    day = service_day + timedelta(days=1)
    while day < deadline_day:
        if day in counted:
            assert counted[day].hours == timedelta(days=1), day
            assert counted[day].start == time(0), day
            assert day not in skipped
        else:
            assert day in skipped, day
            assert skipped[day].excluded and skipped[day].reason, day
        day += timedelta(days=1)
    # The service day itself is either skipped (served on an excluded day) or counted from service.
    if CALENDAR.is_excluded(service_day):
        assert service_day in skipped
    else:
        assert deadline.counted[0].day == service_day


@PROPERTY_SETTINGS
@given(
    service=instants,
    period=periods,
    offset_days=st.integers(min_value=-1, max_value=8),
)
def test_admin_extra_day_never_makes_a_deadline_earlier(service: datetime, period: timedelta, offset_days: int) -> None:
    extra_day = service.astimezone(LONDON).date() + timedelta(days=offset_days)
    with_extra = ExcludedDayCalendar(extra_days={extra_day: "Admin-added day"})
    base = deadline_for(service, period)
    extended = deadline_for(service, period, with_extra)
    assert utc(extended.at) >= utc(base.at)
    # It only moves the deadline if the day was one the clock counted.
    if extra_day not in {span.day for span in base.counted}:
        assert extended.at == base.at


@PROPERTY_SETTINGS
@given(
    service=instants,
    period=periods,
    extra=st.sets(st.dates(min_value=date(2000, 1, 1), max_value=date(2036, 1, 31)), max_size=3),
)
def test_extra_days_far_or_near_never_make_a_deadline_earlier(
    service: datetime, period: timedelta, extra: set[date]
) -> None:
    near = {service.astimezone(LONDON).date() + timedelta(days=1)}
    calendar = ExcludedDayCalendar(extra_days={d: "Admin-added day" for d in extra | near})
    assert utc(deadline_for(service, period, calendar).at) >= utc(deadline_for(service, period).at)


@pytest.mark.parametrize("year", range(2000, 2036))
def test_no_year_has_an_impossibly_long_run_of_excluded_days(year: int) -> None:
    # Runs: Sun + Easter Mon (2); Christmas with Sunday and substitutes (up to 4, e.g. 2027).
    run = longest = 0
    day = date(year, 1, 1)
    while day.year == year:
        run = run + 1 if CALENDAR.is_excluded(day) else 0
        longest = max(longest, run)
        day += timedelta(days=1)
    assert 2 <= longest <= 4


# -- per-clock excluded days: the occupation order clock (FLA 1996 s47(7)) -------------------------
# s47(7): "no account is to be taken of Christmas Day, Good Friday or any Sunday": bank holidays count.

OO_DAYS = SUNDAYS_CHRISTMAS_GOOD_FRIDAY
OO_WORDS = {SUNDAY_REASON, CHRISTMAS_DAY_REASON, GOOD_FRIDAY_REASON}


def oo_deadline(arrest: datetime, calendar: ExcludedDayCalendar = CALENDAR):
    return excluded_day_deadline(
        arrest, timedelta(hours=24), calendar, label="Test", citation="FLA 1996 s47(7)", disregards=OO_DAYS
    )


@PROPERTY_SETTINGS
@given(arrest=instants)
def test_the_oo_clock_skips_only_christmas_good_friday_and_sundays(arrest: datetime) -> None:
    deadline = oo_deadline(arrest)
    for ruling in deadline.skipped:
        assert set(ruling.reasons) <= OO_WORDS, ruling
        assert (
            ruling.day.weekday() == 6
            or (ruling.day.month, ruling.day.day) == (12, 25)
            or ruling.reasons == (GOOD_FRIDAY_REASON,)
        )
    # Every day from the arrest's to the deadline's that is not one of the three is counted, bank
    # holiday or not.
    counted_days = {span.day for span in deadline.counted}
    day = arrest.astimezone(LONDON).date()
    last = deadline.last_counted_day
    while day <= last:
        if not CALENDAR.is_excluded(day, OO_DAYS):
            assert day in counted_days or day == arrest.astimezone(LONDON).date(), day
        day += timedelta(days=1)


@PROPERTY_SETTINGS
@given(arrest=instants)
def test_the_oo_clock_never_skips_a_bank_holiday_that_is_not_one_of_its_three(arrest: datetime) -> None:
    for span in oo_deadline(arrest).counted:
        ruling = CALENDAR.ruling(span.day)  # the general clock's view of the same day
        if ruling.excluded:
            assert not (set(ruling.reasons) & OO_WORDS), ruling  # a bank holiday only: counted here


@PROPERTY_SETTINGS
@given(arrest=instants, offset_days=st.integers(min_value=0, max_value=3))
def test_the_oo_clock_never_ends_after_the_general_clock(arrest: datetime, offset_days: int) -> None:
    # It disregards a subset of the general clock's days, so it can only end earlier or at the same
    # instant, whatever extra bank holidays an admin added (which the OO clock ignores).
    extra = ExcludedDayCalendar(extra_days={arrest.astimezone(LONDON).date() + timedelta(days=offset_days): "Extra"})
    for calendar in (CALENDAR, extra):
        general = deadline_for(arrest, timedelta(hours=24), calendar)
        oo = oo_deadline(arrest, calendar)
        assert utc(oo.at) <= utc(general.at)
        assert utc(oo.at) >= utc(arrest) + timedelta(hours=24) - timedelta(hours=1)  # a clock change at most
        assert oo.at == oo_deadline(arrest, CALENDAR).at  # admin-added bank holidays never move it


# --- the literal lapse, the repeat notification windows, electronic monitoring ---------------------

LITERAL = ExcludedDayCalendar(count_saturday_boxing_day=False)


def _saturday_boxing_day_between(start: datetime, end: datetime) -> bool:
    first, last = start.astimezone(LONDON).date(), end.astimezone(LONDON).date()
    return any(
        (day := first + timedelta(days=n)).month == 12 and day.day == 26 and day.weekday() == 5
        for n in range((last - first).days + 1)
    )


@PROPERTY_SETTINGS
@given(service=instants)
def test_the_lapse_is_never_before_the_countdown_deadline_and_differs_only_over_a_saturday_boxing_day(
    service: datetime,
) -> None:
    # rules.deadlines.lapse_deadline: the notice is never treated as lapsed while the literal reading
    # (s29(3)(d), BFDA 1971 Sch 1) may still have it in force.
    rule = rule_for(OrderType.DAPN)
    safe, lapse = hearing_deadline(rule, service, CALENDAR), lapse_deadline(rule, service, CALENDAR)
    assert safe is not None and lapse is not None
    assert utc(lapse.at) >= utc(safe.at)
    if utc(lapse.at) != utc(safe.at):
        assert _saturday_boxing_day_between(service, lapse.at)
        # At most the Saturday, the Sunday and the proclaimed Monday: served Wed 23 Dec 2009 01:00,
        # the countdowns end Sat 26 Dec 01:00 (the Saturday counted), and the literal reading, which
        # disregards it, runs on past Sun 27 and Mon 28 to Tue 29 Dec 01:00: 3 days later.
        assert utc(lapse.at) - utc(safe.at) <= timedelta(days=3, hours=1)
    # Under the literal policy the two are one.
    literal = hearing_deadline(rule, service, LITERAL)
    assert literal is not None and utc(literal.at) == utc(lapse_deadline(rule, service, LITERAL).at)  # type: ignore[union-attr]


@PROPERTY_SETTINGS
@given(happened=instants, order_type=st.sampled_from([OrderType.DAPO, OrderType.SPO, OrderType.INTERIM_SPO]))
@example(happened=datetime(2008, 3, 28, 23, 0, tzinfo=UTC), order_type=OrderType.DAPO)
@example(happened=datetime(2026, 3, 27, 23, 59, 59, tzinfo=UTC), order_type=OrderType.SPO)
def test_a_change_window_ends_at_local_midnight_three_days_on(happened: datetime, order_type: OrderType) -> None:
    # DAA 2021 s41(4)-(6); SPA 2019 s9(3)-(4): 3 days beginning with the (local) day of the change.
    window = change_deadline(order_type, Change.ADDRESS, happened)
    local = window.at.astimezone(LONDON)
    assert local.time() == time(0)
    assert local.date() == happened.astimezone(LONDON).date() + timedelta(days=3)
    # Just before local midnight the window is just over 2 days long, an hour less when the clocks go
    # forward inside it (served Fri 28 Mar 2008 23:00 GMT: ends Mon 31 Mar 00:00 BST, exactly 2 days);
    # from midnight it is 3 days, an hour more when they go back.
    assert timedelta(days=2, hours=-1) < utc(window.at) - utc(happened) <= timedelta(days=3, hours=1)


@PROPERTY_SETTINGS
@given(start=instants)
def test_monitoring_accepts_twelve_months_and_refuses_a_day_more(start: datetime) -> None:
    # DAA 2021 s38(5): not "more than 12 months", counted from the requirement's first day.
    longest = longest_monitoring(start)
    first = start.astimezone(LONDON).date()
    assert 364 <= (longest.last_day - first).days <= 365
    assert monitoring_end(OrderType.DAPO, start, longest.last_day).last_day == longest.last_day
    with pytest.raises(MonitoringError):
        monitoring_end(OrderType.DAPO, start, longest.last_day + timedelta(days=1))
