"""Reporting periods as people type them after the stats and export commands, and the ISO weeks a
period's trend chart is drawn in. Pure: no database, no Slack, and "today" is passed in.

A period is a run of whole Europe/London days, start inclusive, end exclusive; its instants are
local midnights converted to UTC, so a day that changes the clocks is still one day.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from services.errors import DomainError

DEFAULT_PERIOD = "last 4 weeks"
MAX_DAYS = 3 * 366  # a longer period makes an unreadable weekly chart and a slow export
# No record can start before this (events are read at most ten years back), and a period past next
# year holds nothing either; beyond both, a year such as 0000 or 9999 overflows the calendar.
EARLIEST_YEAR = 2000
PERIOD_HELP = (
    "Periods: `last 4 weeks` (the default), `last 30 days`, `this week|month|quarter|year`, "
    "`last week|month|quarter|year`, `2026-Q3`, `2026-04`, `2026`, or `2026-04-01..2026-06-30`."
)

_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\s*(?:\.\.|to)\s*(\d{4}-\d{2}-\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-?q([1-4])$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_YEAR = re.compile(r"^(\d{4})$")
_LAST_N = re.compile(r"^last\s+(\d{1,4})\s+(day|days|week|weeks)$")
_NAMED = re.compile(r"^(this|last)\s+(week|month|quarter|year)$")


@dataclass(frozen=True)
class Period:
    """Whole local days from `start` up to, not including, `end`."""

    start: date
    end: date
    label: str

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    def start_at(self, tz: ZoneInfo) -> datetime:
        return local_midnight(self.start, tz)

    def end_at(self, tz: ZoneInfo) -> datetime:
        return local_midnight(self.end, tz)

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    def describe(self) -> str:
        """'last 4 weeks (6 Mar 2026 to 2 Apr 2026)'."""
        return f"{self.label} ({_day(self.start)} to {_day(self.last_day)})"


@dataclass(frozen=True)
class Week:
    """One ISO week of a period's trend, cut to the period at either end."""

    label: str  # "2026-W14"
    start: date  # the Monday, or the period's first day if later
    end: date  # the next Monday, or the period's end if earlier

    def start_at(self, tz: ZoneInfo) -> datetime:
        return local_midnight(self.start, tz)


def _day(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def local_midnight(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tz).astimezone(UTC)


def parse_period(text: str, today: date) -> Period:
    """The period `text` names, read against `today` (a local date); a DomainError says how to write one."""
    cleaned = " ".join(text.lower().split()) or DEFAULT_PERIOD
    try:
        period = _read(cleaned, today)
    except (ValueError, OverflowError):  # a year 0, or a month past 9999
        raise DomainError(_outside(text, today), "period") from None
    if period is None:
        raise DomainError(f"Could not read '{text.strip()[:40]}' as a period. {PERIOD_HELP}", "period")
    return checked_period(period, today, text)


def checked_period(period: Period, today: date, text: str | None = None) -> Period:
    """`period` if a report may cover it; else a DomainError saying why. Every use case that reports
    on a period calls it on the period it is given, however it arrived (typed now, or carried in a
    form's metadata, which the client could have changed)."""
    text = period.label if text is None else text
    if period.end <= period.start:
        raise DomainError(f"The period '{text.strip()[:40]}' ends before it starts. {PERIOD_HELP}", "period")
    if period.start.year < EARLIEST_YEAR or period.end > date(today.year + 2, 1, 1):
        raise DomainError(_outside(text, today), "period")
    if period.days > MAX_DAYS:
        raise DomainError("Ask for at most three years at a time, e.g. `2025` or `2026-Q1`.", "period")
    return period


def _outside(text: str, today: date) -> str:
    return (
        f"'{text.strip()[:40]}' is outside the years the bot can report on "
        f"({EARLIEST_YEAR} to {today.year + 1}). {PERIOD_HELP}"
    )


def _read(text: str, today: date) -> Period | None:
    if match := _LAST_N.match(text):
        count = int(match[1]) * (7 if match[2].startswith("week") else 1)
        if count < 1:
            return None
        return Period(today - timedelta(days=count - 1), today + timedelta(days=1), text)
    if match := _NAMED.match(text):
        return _named(match[1], match[2], today, text)
    if match := _RANGE.match(text):
        try:
            first, last = date.fromisoformat(match[1]), date.fromisoformat(match[2])
        except ValueError:
            return None
        return Period(first, last + timedelta(days=1), f"{first.isoformat()}..{last.isoformat()}")
    if match := _QUARTER.match(text):
        year, quarter = int(match[1]), int(match[2])
        start = date(year, 3 * quarter - 2, 1)
        return Period(start, _add_months(start, 3), f"{year}-Q{quarter}")
    if (match := _MONTH.match(text)) and 1 <= int(match[2]) <= 12:
        start = date(int(match[1]), int(match[2]), 1)
        return Period(start, _add_months(start, 1), text)
    if match := _YEAR.match(text):
        year = int(match[1])
        return Period(date(year, 1, 1), date(year + 1, 1, 1), text)
    return None


def _named(which: str, unit: str, today: date, label: str) -> Period:
    """'this month' runs from the 1st up to and including today; 'last month' is the whole month before."""
    if unit == "week":
        start = today - timedelta(days=today.weekday())
        length = timedelta(days=7)
        if which == "last":
            return Period(start - length, start, label)
        return Period(start, today + timedelta(days=1), label)
    months = {"month": 1, "quarter": 3, "year": 12}[unit]
    first_month = ((today.month - 1) // months) * months + 1
    start = date(today.year, first_month, 1)
    if which == "last":
        return Period(_add_months(start, -months), start, label)
    return Period(start, today + timedelta(days=1), label)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def weeks_in(period: Period) -> list[Week]:
    """The ISO weeks the period touches, in order, each cut to the period."""
    weeks = []
    monday = period.start - timedelta(days=period.start.weekday())
    while monday < period.end:
        year, number, _ = monday.isocalendar()
        next_monday = monday + timedelta(days=7)
        weeks.append(Week(f"{year}-W{number:02d}", max(monday, period.start), min(next_monday, period.end)))
        monday = next_monday
    return weeks


def period_then_team(text: str, today: date) -> tuple[Period, str | None]:
    """'last 4 weeks Team A' -> (the period, 'Team A'). The longest run of leading words that reads
    as a period is the period; what follows is a team name. No period at all: the default one, and
    every word is the team's name."""
    words = text.split()
    for size in range(len(words), 0, -1):
        try:
            period = parse_period(" ".join(words[:size]), today)
        except DomainError as error:
            if "Could not read" in error.message:
                continue
            raise
        return period, " ".join(words[size:]) or None
    return parse_period(DEFAULT_PERIOD, today), " ".join(words) or None
