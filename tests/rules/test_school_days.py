"""Operation Encompass: the school told before the start of the next school day. Worked cases over
weekends, half terms, Christmas with its bank holidays, clock changes and early-morning incidents,
on the shipped calendar's published Cumbria dates and on an area with none configured."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from rules.school_days import (
    SchoolCalendarError,
    SchoolHoliday,
    encompass_deadline,
    read_holidays,
    school_calendar,
)

CALENDAR = school_calendar()
AREA = "cumbria"
TERM_ONLY = "nowhere-configured"


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("incident", "area", "due", "why"),
    [
        # Friday night in term: Monday morning (GMT, so 08:30 is 08:30 UTC).
        (utc(2026, 11, 6, 22, 15), AREA, utc(2026, 11, 9, 8, 30), "Friday night"),
        # Sunday 23:59 GMT: Monday 08:30.
        (utc(2026, 11, 8, 23, 59), AREA, utc(2026, 11, 9, 8, 30), "Sunday 23:59"),
        # 07:00 on a school day: the same morning's start.
        (utc(2026, 11, 10, 7, 0), AREA, utc(2026, 11, 10, 8, 30), "before school"),
        # At the start itself the day has begun: the next school day.
        (utc(2026, 11, 10, 8, 30), AREA, utc(2026, 11, 11, 8, 30), "at the start"),
        # Friday night before half term, the clocks going back on the Sunday: Monday 2 November, GMT.
        (utc(2026, 10, 23, 21, 0), AREA, utc(2026, 11, 2, 8, 30), "half term and DST"),
        # Clocks go forward Sunday 29 March 2026: Monday 08:30 BST is 07:30 UTC.
        (utc(2026, 3, 27, 20, 0), TERM_ONLY, utc(2026, 3, 30, 7, 30), "spring forward"),
        # Christmas where no school holiday is configured: Fri 25 Dec, the weekend and the Boxing Day
        # substitute (Mon 28 Dec 2026) are passed over.
        (utc(2026, 12, 24, 19, 0), TERM_ONLY, utc(2026, 12, 29, 8, 30), "Christmas bank holidays"),
        # Christmas in Cumbria: the school holiday runs to Monday 4 January 2027.
        (utc(2026, 12, 18, 17, 0), AREA, utc(2027, 1, 5, 8, 30), "Christmas holiday"),
        # The early May bank holiday in term (BST): Tuesday 5 May 2026, 07:30 UTC.
        (utc(2026, 5, 1, 18, 0), AREA, utc(2026, 5, 5, 7, 30), "May Day"),
    ],
)
def test_worked_cases(incident: datetime, area: str, due: datetime, why: str) -> None:
    deadline = encompass_deadline(incident, area, CALENDAR)
    assert deadline.at == due, why
    assert deadline.at.astimezone(UTC) == due


def test_the_working_names_every_day_passed_over_and_why() -> None:
    deadline = encompass_deadline(utc(2026, 10, 23, 21, 0), AREA, CALENDAR)
    assert [r.day for r in deadline.skipped] == [date(2026, 10, d) for d in range(24, 32)] + [date(2026, 11, 1)]
    assert deadline.skipped[0].reason == "Saturday"
    assert "October half term (cumbria school holiday)" in deadline.skipped[2].reason
    assert deadline.working[-1] == "due before the school day starts: 08:30 Mon 02 Nov 2026"
    christmas = encompass_deadline(utc(2026, 12, 24, 19, 0), TERM_ONLY, CALENDAR)
    assert "Christmas Day" in christmas.skipped[0].reason
    assert "Boxing Day" in christmas.skipped[-1].reason
    assert "no school holidays are configured for nowhere-configured" in christmas.working[-1]


def test_the_school_start_is_a_setting_and_an_admin_s_terms_count() -> None:
    assert encompass_deadline(utc(2026, 11, 10, 7, 0), AREA, CALENDAR, time(7, 45)).at == utc(2026, 11, 10, 7, 45)
    inset = SchoolHoliday(AREA, date(2026, 11, 9), date(2026, 11, 9), "training day")
    with_inset = school_calendar([inset])
    assert encompass_deadline(utc(2026, 11, 6, 22, 15), AREA, with_inset).at == utc(2026, 11, 10, 8, 30)
    proclaimed = school_calendar(extra_bank_holidays={date(2026, 11, 9): "a proclaimed day"})
    assert encompass_deadline(utc(2026, 11, 6, 22, 15), TERM_ONLY, proclaimed).at == utc(2026, 11, 10, 8, 30)


def test_a_naive_time_or_a_malformed_holiday_is_refused() -> None:
    with pytest.raises(SchoolCalendarError, match="timezone"):
        encompass_deadline(datetime(2026, 11, 10, 7, 0), AREA, CALENDAR)
    with pytest.raises(SchoolCalendarError, match="first <= last"):
        read_holidays('[[x]]\nname = "backwards"\nfirst = 2026-01-05\nlast = 2026-01-01\n')
    with pytest.raises(SchoolCalendarError, match="does not read"):
        read_holidays("[[x]\n")
