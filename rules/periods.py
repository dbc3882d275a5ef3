"""Calendar-day and calendar-month periods "beginning with" the day of an event.

Order lengths (CSA 2010 s28(10): "no fewer than 14 days beginning with the day on which it is
made"), notification windows (DAA 2021 s41; Stalking Protection Act 2019 s9: "within the period of
3 days beginning with" the day) and pre-charge bail periods (PACE 1984 s47ZB: "3 months beginning
with the person's bail start date") have no excluded days. The day of the event is day 1, and the
period ends at the end of its last day in Europe/London.
"""

from __future__ import annotations

import calendar as gregorian
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from rules.clock import LONDON


class PeriodError(ValueError):
    """The period cannot be computed from its inputs."""


@dataclass(frozen=True)
class PeriodEnd:
    """The end of a period: its last day, and the instant that day ends."""

    label: str
    citation: str
    first_day: date
    last_day: date
    at: datetime  # 00:00 of the day after `last_day`, aware
    length: str = ""  # "28 days", "3 months"; derived from the days when empty

    def explanation(self) -> list[str]:
        days = (self.last_day - self.first_day).days + 1
        length = self.length or f"{days} day{'s' if days != 1 else ''}"
        return [
            f"{self.label}: {length} beginning with {self.first_day:%a %d %b %Y} ({self.citation}); every day counts.",
            f"Last day: {self.last_day:%a %d %b %Y}. Ends at the end of that day "
            f"(shown as {self.at:%a %d %b %Y %H:%M} {self.at.tzname()}).",
        ]


def end_of_day(day: date, tz: ZoneInfo = LONDON) -> datetime:
    """The instant a local day ends: the next day's 00:00."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz)


def local_day(instant: datetime, tz: ZoneInfo = LONDON) -> date:
    if instant.tzinfo is None:
        raise PeriodError("the event time must carry a timezone")
    return instant.astimezone(tz).date()


def days_beginning_with(
    event_at: datetime, days: int, *, label: str, citation: str, tz: ZoneInfo = LONDON
) -> PeriodEnd:
    """A period of `days` calendar days, the event's own day being the first."""
    if days < 1:
        raise PeriodError("a period must be at least one day long")
    first = local_day(event_at, tz)
    last = first + timedelta(days=days - 1)
    return PeriodEnd(label, citation, first, last, end_of_day(last, tz))


def months_beginning_with(
    event_at: datetime, months: int, *, label: str, citation: str, tz: ZoneInfo = LONDON
) -> PeriodEnd:
    """A period of `months` calendar months, the event's own day being the first.

    It ends on the day before the corresponding date `months` later (bail from 1 January for
    3 months ends with 31 March). Where the later month has no corresponding date (31 January
    plus one month), the period ends with that month's last day.
    """
    if months < 1:
        raise PeriodError("a period must be at least one month long")
    first = local_day(event_at, tz)
    month_index = first.month - 1 + months
    year, month = first.year + month_index // 12, month_index % 12 + 1
    month_length = gregorian.monthrange(year, month)[1]
    if first.day > month_length:
        last = date(year, month, month_length)
    else:
        last = date(year, month, first.day) - timedelta(days=1)
    length = f"{months} month{'s' if months != 1 else ''}"
    return PeriodEnd(label, citation, first, last, end_of_day(last, tz), length)


def period_length_days(event_at: datetime, until: date, tz: ZoneInfo = LONDON) -> int:
    """How many days a period lasts if it begins with the event's day and ends with `until`."""
    return (until - local_day(event_at, tz)).days + 1
