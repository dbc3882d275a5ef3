"""Hour-clocks that disregard whole excluded days.

DAA 2021 s29(2)-(3) (and CSA 2010 s27 for a DVPN): a notice's application must be heard within 48
hours of service, disregarding Sundays, Christmas Day, Good Friday and bank holidays.
DAA 2021 s26(2)(a), (4) (and CSA 2010 s26 for a DVPN, s29 for a DVPO): a person arrested for breach
must be brought before the court within 24 hours of arrest, disregarding the same days.
FLA 1996 s47(7): after an arrest under an occupation order's power of arrest, 24 hours disregarding
only Christmas Day, Good Friday and Sundays. Which days a clock skips is passed in (`disregards`).

Counting (DOMAIN.md): start at the moment of service or arrest, walk forward, skip every excluded
day in full, and add up the hours on the other days. Time is counted in Europe/London wall-clock
hours: clock changes happen on Sundays, which are skipped, so every counted day has 24 hours.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from rules.calendar import ALL_EXCLUDED_DAYS, DayRuling, Disregarded, ExcludedDayCalendar, disregarded_words

LONDON = ZoneInfo("Europe/London")
DAY = timedelta(days=1)
# Far beyond any real run of excluded days (the longest is four: Good Friday to Easter Monday,
# or Christmas with substitutes); reaching it means the calendar is broken, not the law.
MAX_CONSECUTIVE_EXCLUDED_DAYS = 14


class ClockError(ValueError):
    """The clock cannot be computed from its inputs."""


@dataclass(frozen=True)
class CountedSpan:
    """Hours counted on one day."""

    day: date
    start: time
    hours: timedelta


@dataclass(frozen=True)
class Deadline:
    """A statutory deadline with the working an officer needs to check it."""

    label: str
    citation: str
    started_at: datetime  # the event (service or arrest), as given
    clock_started_at: datetime  # where counting began (later than the event if it fell on an excluded day)
    at: datetime  # the deadline instant, aware, in the clock's timezone
    period: timedelta
    counted: tuple[CountedSpan, ...]
    skipped: tuple[DayRuling, ...]
    notes: tuple[str, ...] = field(default=())
    disregards: frozenset[Disregarded] = ALL_EXCLUDED_DAYS
    # Set when an earlier limit than the counted period applies (the hearing of the application,
    # DAA 2021 s26(2)(b)): the words saying which limit applies. `at` is then that earlier instant.
    earlier_limit: str | None = None

    @property
    def ends_at_midnight(self) -> bool:
        """True when the deadline is the end of a day (shown as the next day's 00:00)."""
        return self.at.timetz().replace(tzinfo=None) == time(0)

    @property
    def last_counted_day(self) -> date:
        return self.counted[-1].day

    def explanation(self) -> list[str]:
        """The working, one line each, in words an officer can check."""
        tz = self.at.tzinfo
        lines = [
            f"{self.label}: {self.period_words()} ({self.citation}), not counting {disregarded_words(self.disregards)}."
        ]
        event = self.started_at.astimezone(tz)
        lines.append(f"Clock event: {_when(event)}.")
        steps = [(r.day, f"Skipped {r.day:%a %d %b %Y}: {r.reason}.") for r in self.skipped]
        steps += [(s.day, f"Counted {_hours(s.hours)} on {s.day:%a %d %b %Y}{_from(s)}.") for s in self.counted]
        lines.extend(line for _, line in sorted(steps, key=lambda step: step[0]))
        lines.extend(self.notes)
        if self.earlier_limit is not None:
            lines.append(self.earlier_limit)
            lines.append(f"Deadline: {_when(self.at)} (the earlier of the two).")
        elif self.ends_at_midnight:
            lines.append(
                f"Deadline: the end of {self.last_counted_day:%A %d %B %Y} (midnight, shown as {_when(self.at)})."
            )
        else:
            lines.append(f"Deadline: {_when(self.at)}.")
        return lines

    def period_words(self) -> str:
        return f"{_hours(self.period)}"


def _hours(span: timedelta) -> str:
    total_minutes = int(span.total_seconds() // 60)
    hours, minutes = divmod(total_minutes, 60)
    if minutes:
        return f"{hours} h {minutes:02d} min"
    return f"{hours} hour" + ("" if hours == 1 else "s")


def _from(span: CountedSpan) -> str:
    if span.start == time(0) and span.hours == DAY:
        return " (the whole day)"
    end = (datetime.combine(span.day, span.start) + span.hours).time()
    end_words = "midnight" if end == time(0) else f"{end:%H:%M}"
    return f" ({span.start:%H:%M} to {end_words})"


def _when(instant: datetime) -> str:
    return f"{instant:%a %d %b %Y %H:%M} {instant.tzname()}"


def excluded_day_deadline(
    event_at: datetime,
    period: timedelta,
    calendar: ExcludedDayCalendar,
    *,
    label: str,
    citation: str,
    tz: ZoneInfo = LONDON,
    disregards: frozenset[Disregarded] = ALL_EXCLUDED_DAYS,
) -> Deadline:
    """Count `period` of wall-clock hours from `event_at`, skipping whole the days `disregards` names."""
    if event_at.tzinfo is None:
        raise ClockError("the event time must carry a timezone")
    if period <= timedelta(0):
        raise ClockError("the period must be positive")

    local = event_at.astimezone(tz)
    day = local.date()
    offset = local.replace(tzinfo=None) - datetime.combine(day, time(0))
    skipped: list[DayRuling] = []
    notes: list[str] = []
    counted: list[CountedSpan] = []
    remaining = period

    day, offset = _first_counted_moment(day, offset, calendar, skipped, notes, disregards)
    clock_start = _aware(day, offset, tz)
    while True:
        available = DAY - offset
        if remaining <= available:
            counted.append(CountedSpan(day, _time_of(offset), remaining))
            deadline = _aware(day, offset + remaining, tz)
            return Deadline(
                label=label,
                citation=citation,
                started_at=event_at,
                clock_started_at=clock_start,
                at=deadline,
                period=period,
                counted=tuple(counted),
                skipped=tuple(skipped),
                notes=tuple(notes),
                disregards=disregards,
            )
        counted.append(CountedSpan(day, _time_of(offset), available))
        remaining -= available
        day, offset = _first_counted_moment(day + DAY, timedelta(0), calendar, skipped, notes, disregards)


def _first_counted_moment(
    day: date,
    offset: timedelta,
    calendar: ExcludedDayCalendar,
    skipped: list[DayRuling],
    notes: list[str],
    disregards: frozenset[Disregarded],
) -> tuple[date, timedelta]:
    """Walk forward from (day, offset) to the first moment of a counted day."""
    for _ in range(MAX_CONSECUTIVE_EXCLUDED_DAYS):
        ruling = calendar.ruling(day, disregards)
        if not ruling.excluded:
            if ruling.note and ruling.note not in notes:
                notes.append(ruling.note)
            return day, offset
        skipped.append(ruling)
        # Service on an excluded day: the clock starts at 00:00 of the next counted day.
        day, offset = day + DAY, timedelta(0)
    raise ClockError(f"more than {MAX_CONSECUTIVE_EXCLUDED_DAYS} excluded days in a row from {day}")


def _time_of(offset: timedelta) -> time:
    return (datetime.min + offset).time()


def _aware(day: date, offset: timedelta, tz: ZoneInfo) -> datetime:
    # Offsets up to 24 h on a counted day: 24 h is the next day's 00:00 (the "end of" the day).
    naive = datetime.combine(day, time(0)) + offset
    return naive.replace(tzinfo=tz)
