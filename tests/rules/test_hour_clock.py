"""Table-driven cases for rules.clock.excluded_day_deadline, each worked out by hand.

Rules used for the hand arithmetic (DOMAIN.md, "The excluded-day clock"; CSA 2010 s27(4),
DAA 2021 s29(4)):
- excluded: every Sunday, Christmas Day, Good Friday, every E&W bank holiday (substitute days and
  one-off royal days included);
- Saturdays count; a Saturday 26 December is counted by policy; a Saturday 1 January is counted
  because the proclamation moves the holiday to the Monday;
- service on an excluded day starts the clock at 00:00 of the next counted day;
- a deadline exactly at midnight is the end of the earlier day, shown as the next day's 00:00.

Each expected deadline is written as an ISO string WITH its UTC offset, so the GMT/BST offset of
the result is checked too. Comments give the hand arithmetic.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from rules.calendar import ExcludedDayCalendar
from rules.clock import ClockError, excluded_day_deadline

LONDON = ZoneInfo("Europe/London")
H48 = timedelta(hours=48)
H24 = timedelta(hours=24)


def L(text: str, fold: int = 0) -> datetime:
    """A Europe/London local time, e.g. L("2026-04-02 20:00")."""
    return datetime.fromisoformat(text).replace(tzinfo=LONDON, fold=fold)


@dataclass(frozen=True)
class Case:
    id: str
    service: datetime  # aware; normally Europe/London local
    expected: str  # ISO 8601 with offset, e.g. "2026-04-07T20:00:00+01:00"
    comment: str  # the hand arithmetic
    skipped: tuple[tuple[str, str], ...] = ()  # (ISO day, fragment of the reason), in order
    period: timedelta = H48
    notes: tuple[str, ...] = ()  # fragments expected among the deadline's notes


CASES = [
    # --- DOMAIN.md worked example -------------------------------------------------------------
    Case(
        "domain-example-easter-2026",
        L("2026-04-02 20:00"),
        "2026-04-07T20:00:00+01:00",
        "4h Thu + [Good Fri] + 24h Sat + [Sun, Easter Mon] + 20h Tue = 48h",
        (("2026-04-03", "Good Friday"), ("2026-04-05", "Sunday"), ("2026-04-06", "Easter Monday")),
    ),
    # --- Easter in several years --------------------------------------------------------------
    Case(
        "easter-2022-served-easter-saturday",
        L("2022-04-16 09:00"),
        "2022-04-20T09:00:00+01:00",
        "15h Sat + [Sun, Easter Mon 18 Apr] + 24h Tue + 9h Wed",
        (("2022-04-17", "Sunday"), ("2022-04-18", "Easter Monday")),
    ),
    Case(
        "easter-2023-served-on-good-friday",
        L("2023-04-07 11:00"),
        "2023-04-12T00:00:00+01:00",
        "served on Good Friday -> clock starts Sat 00:00; 24h Sat + [Sun, Easter Mon] + 24h Tue = end of Tue 11 Apr",
        (("2023-04-07", "Good Friday"), ("2023-04-09", "Sunday"), ("2023-04-10", "Easter Monday")),
    ),
    Case(
        "easter-2024-and-bst-start",
        L("2024-03-28 10:00"),
        "2024-04-02T10:00:00+01:00",
        "14h Thu (GMT) + [Good Fri 29 Mar] + 24h Sat + [Easter Sun 31 Mar = BST starts, "
        "Easter Mon 1 Apr] + 10h Tue (BST)",
        (("2024-03-29", "Good Friday"), ("2024-03-31", "Sunday"), ("2024-04-01", "Easter Monday")),
    ),
    Case(
        "easter-2024-24h-arrest-easter-saturday",
        L("2024-03-30 20:00"),
        "2024-04-02T20:00:00+01:00",
        "4h Sat (GMT) + [Sun, Easter Mon] + 20h Tue (BST) = 24h",
        (("2024-03-31", "Sunday"), ("2024-04-01", "Easter Monday")),
        H24,
    ),
    Case(
        "easter-2025-good-friday-only",
        L("2025-04-16 15:30"),
        "2025-04-19T15:30:00+01:00",
        "8h30 Wed + 24h Thu + [Good Fri 18 Apr] + 15h30 Sat",
        (("2025-04-18", "Good Friday"),),
    ),
    Case(
        "easter-2026-24h-arrest-easter-saturday",
        L("2026-04-04 10:00"),
        "2026-04-07T10:00:00+01:00",
        "14h Sat + [Sun, Easter Mon] + 10h Tue = 24h",
        (("2026-04-05", "Sunday"), ("2026-04-06", "Easter Monday")),
        H24,
    ),
    Case(
        "easter-2027-and-bst-start",
        L("2027-03-25 12:00"),
        "2027-03-30T12:00:00+01:00",
        "12h Thu (GMT) + [Good Fri 26 Mar] + 24h Sat + [Easter Sun 28 Mar = BST starts, "
        "Easter Mon 29 Mar] + 12h Tue (BST)",
        (("2027-03-26", "Good Friday"), ("2027-03-28", "Sunday"), ("2027-03-29", "Easter Monday")),
    ),
    Case(
        "easter-2029",
        L("2029-03-29 17:00"),
        "2029-04-03T17:00:00+01:00",
        "7h Thu + [Good Fri 30 Mar] + 24h Sat 31 Mar + [Sun 1 Apr, Easter Mon 2 Apr] + 17h Tue",
        (("2029-03-30", "Good Friday"), ("2029-04-01", "Sunday"), ("2029-04-02", "Easter Monday")),
    ),
    Case(
        "easter-2029-24h-served-easter-monday",
        L("2029-04-02 08:00"),
        "2029-04-04T00:00:00+01:00",
        "served on Easter Mon -> clock starts Tue 00:00; 24h Tue = end of Tue 3 Apr",
        (("2029-04-02", "Easter Monday"),),
        H24,
    ),
    Case(
        "easter-2011-and-royal-wedding",
        L("2011-04-28 19:00"),
        "2011-05-03T19:00:00+01:00",
        "5h Thu + [Fri 29 Apr royal wedding] + 24h Sat + [Sun 1 May, Mon 2 May May Day] + 19h Tue",
        (("2011-04-29", "Wedding of William and Catherine"), ("2011-05-01", "Sunday"), ("2011-05-02", "May Day")),
    ),
    # --- Christmas Day on each day of the week ------------------------------------------------
    Case(
        "christmas-mon-2023",
        L("2023-12-22 18:00"),
        "2023-12-27T18:00:00+00:00",
        "6h Fri + 24h Sat + [Sun 24, Christmas Mon 25, Boxing Tue 26] + 18h Wed",
        (("2023-12-24", "Sunday"), ("2023-12-25", "Christmas Day"), ("2023-12-26", "Boxing Day")),
    ),
    Case(
        "christmas-tue-2029-served-at-midnight",
        L("2029-12-24 00:00"),
        "2029-12-28T00:00:00+00:00",
        "served 00:00 Mon: 24h Mon + [Christmas Tue, Boxing Wed] + 24h Thu = end of Thu 27 Dec",
        (("2029-12-25", "Christmas Day"), ("2029-12-26", "Boxing Day")),
    ),
    Case(
        "christmas-wed-2024",
        L("2024-12-24 09:00"),
        "2024-12-28T09:00:00+00:00",
        "15h Tue + [Christmas Wed, Boxing Thu] + 24h Fri + 9h Sat",
        (("2024-12-25", "Christmas Day"), ("2024-12-26", "Boxing Day")),
    ),
    Case(
        "christmas-thu-2025",
        L("2025-12-24 22:00"),
        "2025-12-29T22:00:00+00:00",
        "2h Wed + [Christmas Thu, Boxing Fri] + 24h Sat + [Sun 28] + 22h Mon",
        (("2025-12-25", "Christmas Day"), ("2025-12-26", "Boxing Day"), ("2025-12-28", "Sunday")),
    ),
    Case(
        "christmas-fri-2026-saturday-boxing-day-counted",
        L("2026-12-24 12:00"),
        "2026-12-29T12:00:00+00:00",
        "12h Thu + [Christmas Fri] + 24h Sat 26 (Boxing Day, counted by policy) + [Sun 27, "
        "Mon 28 Boxing Day substitute] + 12h Tue",
        (("2026-12-25", "Christmas Day"), ("2026-12-27", "Sunday"), ("2026-12-28", "Boxing Day (observed)")),
        notes=("Boxing Day",),
    ),
    Case(
        "christmas-fri-2026-24h-arrest-on-saturday-boxing-day",
        L("2026-12-26 09:00"),
        "2026-12-29T09:00:00+00:00",
        "15h Sat 26 (counted by policy) + [Sun 27, Mon 28 substitute] + 9h Tue = 24h",
        (("2026-12-27", "Sunday"), ("2026-12-28", "Boxing Day (observed)")),
        H24,
        notes=("Boxing Day",),
    ),
    Case(
        "christmas-sat-2027-two-substitute-days",
        L("2027-12-24 10:00"),
        "2027-12-30T10:00:00+00:00",
        "14h Fri + [Christmas Sat 25, Sun 26, Mon 27 + Tue 28 substitutes] + 24h Wed + 10h Thu",
        (
            ("2027-12-25", "Christmas Day"),
            ("2027-12-26", "Sunday"),
            ("2027-12-27", "Christmas Day (observed)"),
            ("2027-12-28", "Boxing Day (observed)"),
        ),
    ),
    Case(
        "christmas-sat-2027-24h",
        L("2027-12-24 23:00"),
        "2027-12-29T23:00:00+00:00",
        "1h Fri + [Sat 25, Sun 26, Mon 27, Tue 28] + 23h Wed = 24h",
        (
            ("2027-12-25", "Christmas Day"),
            ("2027-12-26", "Sunday"),
            ("2027-12-27", "Christmas Day (observed)"),
            ("2027-12-28", "Boxing Day (observed)"),
        ),
        H24,
    ),
    Case(
        "christmas-sat-2021-served-on-christmas-day",
        L("2021-12-25 14:00"),
        "2021-12-31T00:00:00+00:00",
        "served Christmas Sat -> skip Sat 25, Sun 26, Mon 27, Tue 28; clock starts Wed 29 00:00; "
        "24h Wed + 24h Thu = end of Thu 30 Dec",
        (
            ("2021-12-25", "Christmas Day"),
            ("2021-12-26", "Sunday"),
            ("2021-12-27", "Christmas Day (observed)"),
            ("2021-12-28", "Boxing Day (observed)"),
        ),
    ),
    Case(
        "christmas-sun-2022",
        L("2022-12-24 16:00"),
        "2022-12-29T16:00:00+00:00",
        "8h Sat + [Christmas Sun 25, Boxing Mon 26, Tue 27 substitute] + 24h Wed + 16h Thu",
        (("2022-12-25", "Christmas Day"), ("2022-12-26", "Boxing Day"), ("2022-12-27", "Christmas Day (observed)")),
    ),
    Case(
        "christmas-fri-2020-saturday-boxing-day-counted",
        L("2020-12-24 18:00"),
        "2020-12-29T18:00:00+00:00",
        "6h Thu + [Christmas Fri] + 24h Sat 26 (counted by policy) + [Sun 27, Mon 28 substitute] + 18h Tue",
        (("2020-12-25", "Christmas Day"), ("2020-12-27", "Sunday"), ("2020-12-28", "Boxing Day (observed)")),
        notes=("Boxing Day",),
    ),
    # --- New Year and year ends ---------------------------------------------------------------
    Case(
        "new-year-2022-saturday-counted-monday-substitute",
        L("2021-12-31 20:00"),
        "2022-01-04T20:00:00+00:00",
        "4h Fri 31 Dec + 24h Sat 1 Jan (counted: holiday moved to Mon) + [Sun 2, Mon 3 substitute] + 20h Tue",
        (("2022-01-02", "Sunday"), ("2022-01-03", "New Year's Day (observed)")),
        notes=("New Year",),
    ),
    Case(
        "new-year-2022-24h-arrest-on-saturday-1-jan",
        L("2022-01-01 08:00"),
        "2022-01-04T08:00:00+00:00",
        "16h Sat 1 Jan + [Sun 2, Mon 3 substitute] + 8h Tue = 24h",
        (("2022-01-02", "Sunday"), ("2022-01-03", "New Year's Day (observed)")),
        H24,
        notes=("New Year",),
    ),
    Case(
        "new-year-2023-sunday-monday-substitute",
        L("2022-12-31 06:00"),
        "2023-01-04T06:00:00+00:00",
        "18h Sat 31 Dec + [Sun 1 Jan, Mon 2 substitute] + 24h Tue + 6h Wed",
        (("2023-01-01", "Sunday"), ("2023-01-02", "New Year's Day (observed)")),
    ),
    Case(
        "new-year-2028-saturday-counted",
        L("2027-12-31 23:00"),
        "2028-01-04T23:00:00+00:00",
        "1h Fri 31 Dec + 24h Sat 1 Jan (counted) + [Sun 2, Mon 3 substitute] + 23h Tue",
        (("2028-01-02", "Sunday"), ("2028-01-03", "New Year's Day (observed)")),
        notes=("New Year",),
    ),
    Case(
        "new-year-2026-thursday",
        L("2025-12-31 13:00"),
        "2026-01-03T13:00:00+00:00",
        "11h Wed 31 Dec + [New Year Thu] + 24h Fri + 13h Sat",
        (("2026-01-01", "New Year's Day"),),
    ),
    Case(
        "new-year-2026-thursday-24h",
        L("2025-12-31 13:00"),
        "2026-01-02T13:00:00+00:00",
        "11h Wed 31 Dec + [New Year Thu] + 13h Fri = 24h",
        (("2026-01-01", "New Year's Day"),),
        H24,
    ),
    # --- One-off and moved bank holidays ------------------------------------------------------
    Case(
        "platinum-jubilee-2022",
        L("2022-06-01 17:00"),
        "2022-06-06T17:00:00+01:00",
        "7h Wed + [Thu 2 Jun moved Spring BH, Fri 3 Jun Jubilee] + 24h Sat + [Sun] + 17h Mon",
        (("2022-06-02", "Spring Bank Holiday"), ("2022-06-03", "Platinum Jubilee"), ("2022-06-05", "Sunday")),
    ),
    Case(
        "state-funeral-2022",
        L("2022-09-17 12:00"),
        "2022-09-21T12:00:00+01:00",
        "12h Sat + [Sun 18, Mon 19 State Funeral] + 24h Tue + 12h Wed",
        (("2022-09-18", "Sunday"), ("2022-09-19", "State Funeral")),
    ),
    Case(
        "state-funeral-2022-24h-served-on-the-day",
        L("2022-09-19 10:00"),
        "2022-09-21T00:00:00+01:00",
        "served on the State Funeral day -> clock starts Tue 00:00; 24h Tue = end of Tue 20 Sep",
        (("2022-09-19", "State Funeral"),),
        H24,
    ),
    Case(
        "coronation-2023",
        L("2023-05-05 21:00"),
        "2023-05-09T21:00:00+01:00",
        "3h Fri + 24h Sat + [Sun 7, Mon 8 Coronation] + 21h Tue",
        (("2023-05-07", "Sunday"), ("2023-05-08", "Coronation")),
    ),
    Case(
        "may-day-2020-moved-to-friday-ve-day",
        L("2020-05-07 08:00"),
        "2020-05-11T08:00:00+01:00",
        "16h Thu + [Fri 8 May (May Day moved)] + 24h Sat + [Sun] + 8h Mon",
        (("2020-05-08", "May Day"), ("2020-05-10", "Sunday")),
    ),
    Case(
        "late-summer-bank-holiday-2026",
        L("2026-08-29 18:30"),
        "2026-09-02T18:30:00+01:00",
        "5h30 Sat + [Sun 30, Mon 31 Aug BH] + 24h Tue + 18h30 Wed",
        (("2026-08-30", "Sunday"), ("2026-08-31", "Late Summer Bank Holiday")),
    ),
    # --- Service on an excluded day, and at exactly 00:00 -------------------------------------
    Case(
        "served-on-sunday",
        L("2026-03-15 10:00"),
        "2026-03-18T00:00:00+00:00",
        "served Sun -> clock starts Mon 00:00; 24h Mon + 24h Tue = end of Tue 17 Mar",
        (("2026-03-15", "Sunday"),),
    ),
    Case(
        "served-on-sunday-24h",
        L("2026-05-10 10:00"),
        "2026-05-12T00:00:00+01:00",
        "served Sun -> clock starts Mon 00:00; 24h Mon = end of Mon 11 May",
        (("2026-05-10", "Sunday"),),
        H24,
    ),
    Case(
        "served-on-spring-bank-holiday",
        L("2026-05-25 14:00"),
        "2026-05-28T00:00:00+01:00",
        "served on Spring BH Mon -> clock starts Tue 00:00; 24h Tue + 24h Wed = end of Wed 27 May",
        (("2026-05-25", "Spring Bank Holiday"),),
    ),
    Case(
        "served-00-00-tuesday",
        L("2026-02-10 00:00"),
        "2026-02-12T00:00:00+00:00",
        "24h Tue + 24h Wed = end of Wed 11 Feb",
    ),
    Case(
        "served-00-00-saturday",
        L("2026-02-07 00:00"),
        "2026-02-10T00:00:00+00:00",
        "24h Sat + [Sun] + 24h Mon = end of Mon 9 Feb",
        (("2026-02-08", "Sunday"),),
    ),
    Case(
        "served-00-00-sunday",
        L("2026-02-08 00:00"),
        "2026-02-11T00:00:00+00:00",
        "served Sun 00:00 -> clock starts Mon 00:00; 24h Mon + 24h Tue = end of Tue 10 Feb",
        (("2026-02-08", "Sunday"),),
    ),
    Case(
        "served-00-00-monday-24h",
        L("2026-02-09 00:00"),
        "2026-02-10T00:00:00+00:00",
        "24h Mon = end of Mon 9 Feb",
        (),
        H24,
    ),
    # --- Clock changes (BST starts last Sun of March, ends last Sun of October) ---------------
    Case(
        "bst-starts-2026",
        L("2026-03-28 22:00"),
        "2026-03-31T22:00:00+01:00",
        "2h Sat (GMT) + [Sun 29 Mar, BST starts] + 24h Mon + 22h Tue (BST)",
        (("2026-03-29", "Sunday"),),
    ),
    Case(
        "bst-starts-2026-service-given-in-utc",
        datetime(2026, 3, 28, 23, 30, tzinfo=UTC),
        "2026-03-31T23:30:00+01:00",
        "23:30Z = 23:30 GMT Sat: 30min Sat + [Sun 29 Mar] + 24h Mon + 23h30 Tue (BST)",
        (("2026-03-29", "Sunday"),),
    ),
    Case(
        "bst-ends-2026",
        L("2026-10-23 15:00"),
        "2026-10-26T15:00:00+00:00",
        "9h Fri (BST) + 24h Sat + [Sun 25 Oct, BST ends] + 15h Mon (GMT)",
        (("2026-10-25", "Sunday"),),
    ),
    Case(
        "bst-ends-2026-24h",
        L("2026-10-24 01:30"),
        "2026-10-26T01:30:00+00:00",
        "22h30 Sat (BST) + [Sun 25 Oct] + 1h30 Mon (GMT) = 24h",
        (("2026-10-25", "Sunday"),),
        H24,
    ),
    Case(
        "bst-ends-2026-utc-saturday-is-local-sunday",
        datetime(2026, 10, 24, 23, 30, tzinfo=UTC),
        "2026-10-28T00:00:00+00:00",
        "23:30Z Sat = 00:30 BST Sun 25 Oct (excluded) -> clock starts Mon 00:00 GMT; "
        "24h Mon + 24h Tue = end of Tue 27 Oct",
        (("2026-10-25", "Sunday"),),
    ),
    Case(
        "bst-starts-2025",
        L("2025-03-29 09:00"),
        "2025-04-01T09:00:00+01:00",
        "15h Sat (GMT) + [Sun 30 Mar, BST starts] + 24h Mon + 9h Tue (BST)",
        (("2025-03-30", "Sunday"),),
    ),
    Case(
        "bst-ends-2025",
        L("2025-10-25 18:00"),
        "2025-10-28T18:00:00+00:00",
        "6h Sat (BST) + [Sun 26 Oct, BST ends] + 24h Mon + 18h Tue (GMT)",
        (("2025-10-26", "Sunday"),),
    ),
    Case(
        "bst-ends-2025-served-in-repeated-hour-first",
        L("2025-10-26 01:30", fold=0),
        "2025-10-29T00:00:00+00:00",
        "01:30 BST Sun 26 Oct (excluded) -> clock starts Mon 00:00; 24h Mon + 24h Tue = end of Tue",
        (("2025-10-26", "Sunday"),),
    ),
    Case(
        "bst-ends-2025-served-in-repeated-hour-second",
        L("2025-10-26 01:30", fold=1),
        "2025-10-29T00:00:00+00:00",
        "01:30 GMT Sun 26 Oct (excluded) -> clock starts Mon 00:00; 24h Mon + 24h Tue = end of Tue",
        (("2025-10-26", "Sunday"),),
    ),
    # --- Leap day (29 Feb 2028 is a Tuesday) --------------------------------------------------
    Case(
        "leap-day-2028-counted-in-full",
        L("2028-02-28 11:00"),
        "2028-03-01T11:00:00+00:00",
        "13h Mon 28 Feb + 24h Tue 29 Feb + 11h Wed 1 Mar",
    ),
    Case(
        "leap-day-2028-deadline-on-29-feb",
        L("2028-02-26 20:00"),
        "2028-02-29T20:00:00+00:00",
        "4h Sat + [Sun 27] + 24h Mon + 20h Tue 29 Feb",
        (("2028-02-27", "Sunday"),),
    ),
    Case(
        "leap-day-2028-24h",
        L("2028-02-29 06:00"),
        "2028-03-01T06:00:00+00:00",
        "18h Tue 29 Feb + 6h Wed 1 Mar = 24h",
        (),
        H24,
    ),
    # --- Deadline exactly at midnight (end of the earlier day) --------------------------------
    Case(
        "midnight-end-of-easter-saturday",
        L("2026-04-02 00:00"),
        "2026-04-05T00:00:00+01:00",
        "24h Thu + [Good Fri] + 24h Sat = end of Sat 4 Apr, shown as Sun 00:00",
        (("2026-04-03", "Good Friday"),),
    ),
    Case(
        "midnight-end-of-easter-saturday-24h",
        L("2026-04-04 00:00"),
        "2026-04-05T00:00:00+01:00",
        "24h Sat = end of Sat 4 Apr",
        (),
        H24,
    ),
]


def compute(service: datetime, period: timedelta, calendar: ExcludedDayCalendar | None = None):
    return excluded_day_deadline(
        service,
        period,
        calendar or ExcludedDayCalendar(),
        label="Test deadline",
        citation="CSA 2010 s27(3)-(4)",
    )


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_deadline(case: Case) -> None:
    deadline = compute(case.service, case.period)
    assert deadline.at.isoformat() == case.expected, case.comment
    # The stored instant is aware and shown in Europe/London.
    assert deadline.at.tzinfo is not None
    assert deadline.at.utcoffset() == datetime.fromisoformat(case.expected).utcoffset()


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_skipped_days_and_reasons(case: Case) -> None:
    deadline = compute(case.service, case.period)
    assert [r.day.isoformat() for r in deadline.skipped] == [d for d, _ in case.skipped], case.comment
    lines = deadline.explanation()
    for (iso_day, reason), ruling in zip(case.skipped, deadline.skipped, strict=True):
        assert ruling.excluded
        assert reason in ruling.reason
        day = date.fromisoformat(iso_day)
        matching = [line for line in lines if line.startswith(f"Skipped {day:%a %d %b %Y}:")]
        assert len(matching) == 1, lines
        assert reason in matching[0]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_counted_hours_sum_to_the_period(case: Case) -> None:
    deadline = compute(case.service, case.period)
    assert sum((s.hours for s in deadline.counted), timedelta(0)) == case.period
    # No counted day is excluded, and no day is both counted and skipped.
    calendar = ExcludedDayCalendar()
    counted_days = [s.day for s in deadline.counted]
    assert not any(calendar.is_excluded(d) for d in counted_days)
    assert not set(counted_days) & {r.day for r in deadline.skipped}
    # Counted and skipped days together form an unbroken run of days.
    all_days = sorted(counted_days + [r.day for r in deadline.skipped])
    assert all_days == [all_days[0] + timedelta(days=i) for i in range(len(all_days))]
    lines = deadline.explanation()
    assert sum(line.startswith("Counted ") for line in lines) == len(deadline.counted)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_midnight_deadlines_say_end_of(case: Case) -> None:
    deadline = compute(case.service, case.period)
    expected = datetime.fromisoformat(case.expected)
    at_midnight = expected.time() == time(0)
    assert deadline.ends_at_midnight is at_midnight
    last_line = deadline.explanation()[-1]
    if at_midnight:
        end_of_day = expected.date() - timedelta(days=1)
        assert deadline.last_counted_day == end_of_day
        assert f"the end of {end_of_day:%A %d %B %Y}" in last_line
        assert "midnight" in last_line
    else:
        assert "the end of" not in last_line
        assert deadline.last_counted_day == expected.date()


@pytest.mark.parametrize("case", [c for c in CASES if c.notes], ids=[c.id for c in CASES if c.notes])
def test_policy_notes_are_shown(case: Case) -> None:
    deadline = compute(case.service, case.period)
    text = "\n".join(deadline.explanation())
    for fragment in case.notes:
        assert any(fragment in note for note in deadline.notes), deadline.notes
        assert "counted" in text


def test_domain_worked_example_explanation() -> None:
    deadline = compute(L("2026-04-02 20:00"), H48)
    assert deadline.at == datetime(2026, 4, 7, 19, 0, tzinfo=UTC)
    assert deadline.at.isoformat() == "2026-04-07T20:00:00+01:00"
    assert [(s.day.isoformat(), s.hours) for s in deadline.counted] == [
        ("2026-04-02", timedelta(hours=4)),
        ("2026-04-04", timedelta(hours=24)),
        ("2026-04-07", timedelta(hours=20)),
    ]
    lines = deadline.explanation()
    assert lines[0].startswith("Test deadline: 48 hours (CSA 2010 s27(3)-(4))")
    assert lines[1] == "Clock event: Thu 02 Apr 2026 20:00 BST."
    assert lines[2:-1] == [
        "Counted 4 hours on Thu 02 Apr 2026 (20:00 to midnight).",
        "Skipped Fri 03 Apr 2026: Good Friday.",
        "Counted 24 hours on Sat 04 Apr 2026 (the whole day).",
        "Skipped Sun 05 Apr 2026: Sunday.",
        "Skipped Mon 06 Apr 2026: bank holiday (Easter Monday), BFDA 1971.",
        "Counted 20 hours on Tue 07 Apr 2026 (00:00 to 20:00).",
    ]
    assert lines[-1] == "Deadline: Tue 07 Apr 2026 20:00 BST."


def test_midnight_deadline_explanation_text() -> None:
    deadline = compute(L("2026-04-02 00:00"), H48)
    assert deadline.ends_at_midnight
    assert deadline.at.isoformat() == "2026-04-05T00:00:00+01:00"
    assert deadline.explanation()[-1] == (
        "Deadline: the end of Saturday 04 April 2026 (midnight, shown as Sun 05 Apr 2026 00:00 BST)."
    )


def test_clock_starts_at_next_counted_day_when_served_on_excluded_day() -> None:
    deadline = compute(L("2027-12-25 09:15"), H48)  # Christmas Sat; Sun, Mon 27, Tue 28 follow
    assert deadline.clock_started_at.isoformat() == "2027-12-29T00:00:00+00:00"
    assert deadline.started_at == L("2027-12-25 09:15")
    assert deadline.at.isoformat() == "2027-12-31T00:00:00+00:00"  # 24h Wed + 24h Thu


def test_clock_starts_at_service_on_counted_day() -> None:
    deadline = compute(L("2026-04-02 20:00"), H48)
    assert deadline.clock_started_at == L("2026-04-02 20:00")


def test_saturday_boxing_day_excluded_when_policy_switched_off() -> None:
    calendar = ExcludedDayCalendar(count_saturday_boxing_day=False)
    deadline = compute(L("2026-12-24 12:00"), H48, calendar)
    # 12h Thu + [Christmas Fri, Boxing Sat 26, Sun 27, Mon 28 substitute] + 24h Tue + 12h Wed
    assert deadline.at.isoformat() == "2026-12-30T12:00:00+00:00"
    assert [r.day.day for r in deadline.skipped] == [25, 26, 27, 28]
    assert "Boxing Day" in deadline.skipped[1].reason
    assert deadline.notes == ()


def test_admin_extra_day_is_skipped_and_explained() -> None:
    served = L("2026-05-29 12:00")  # Fri
    plain = compute(served, H48)
    # 12h Fri + 24h Sat + [Sun 31 May] + 12h Mon 1 Jun
    assert plain.at.isoformat() == "2026-06-01T12:00:00+01:00"
    calendar = ExcludedDayCalendar(extra_days={date(2026, 6, 1): "Test proclamation"})
    extra = compute(served, H48, calendar)
    # 12h Fri + 24h Sat + [Sun 31 May, Mon 1 Jun added by admin] + 12h Tue
    assert extra.at.isoformat() == "2026-06-02T12:00:00+01:00"
    line = next(line for line in extra.explanation() if line.startswith("Skipped Mon 01 Jun 2026"))
    assert "added by an admin" in line and "Test proclamation" in line


def test_naive_service_time_is_refused() -> None:
    with pytest.raises(ClockError):
        compute(datetime(2026, 4, 2, 20, 0), H48)


@pytest.mark.parametrize("period", [timedelta(0), timedelta(hours=-1)], ids=["zero", "negative"])
def test_non_positive_period_is_refused(period: timedelta) -> None:
    with pytest.raises(ClockError):
        compute(L("2026-04-02 20:00"), period)


# --- The calendar's rulings behind the cases above ----------------------------------------------

RULINGS = [
    # id, day, excluded, reason fragment (or "" for none), note fragment (or None)
    ("good-friday-2026", "2026-04-03", True, "Good Friday", None),
    ("easter-saturday-2026-counts", "2026-04-04", False, "", None),
    ("easter-monday-2026", "2026-04-06", True, "bank holiday (Easter Monday)", None),
    ("christmas-on-saturday-2027", "2027-12-25", True, "Christmas Day", None),
    ("christmas-on-sunday-2022", "2022-12-25", True, "Sunday and Christmas Day", None),
    ("christmas-substitute-2027", "2027-12-27", True, "Christmas Day (observed)", None),
    ("boxing-substitute-2027", "2027-12-28", True, "Boxing Day (observed)", None),
    ("saturday-boxing-day-2026-counted", "2026-12-26", False, "", "by force policy it is counted"),
    ("saturday-boxing-day-2020-counted", "2020-12-26", False, "", "earlier deadline"),
    ("saturday-new-year-2022-counted", "2022-01-01", False, "", "following Monday"),
    ("saturday-new-year-2028-counted", "2028-01-01", False, "", "following Monday"),
    ("new-year-substitute-2022", "2022-01-03", True, "New Year's Day (observed)", None),
    ("state-funeral-2022", "2022-09-19", True, "State Funeral", None),
    ("coronation-2023", "2023-05-08", True, "Coronation", None),
    ("jubilee-2022", "2022-06-03", True, "Platinum Jubilee", None),
    ("ordinary-saturday", "2026-02-07", False, "", None),
    ("ordinary-sunday", "2026-02-08", True, "Sunday", None),
    ("leap-day-2028", "2028-02-29", False, "", None),
]


@pytest.mark.parametrize("day, excluded, reason, note", [r[1:] for r in RULINGS], ids=[r[0] for r in RULINGS])
def test_calendar_rulings(day: str, excluded: bool, reason: str, note: str | None) -> None:
    ruling = ExcludedDayCalendar().ruling(date.fromisoformat(day))
    assert ruling.excluded is excluded
    if excluded:
        assert reason in ruling.reason
    else:
        assert ruling.reasons == ()
    if note is None:
        assert ruling.note is None
    else:
        assert ruling.note is not None and note in ruling.note
