"""The one wrapper around dateparser: English, day first, Europe/London, and a plausible window for
every time field.

"2/4/2026 20:00" is 2 April. Relative words ("friday 17:30", "yesterday 9pm") are read against the
injected clock. Each field names its `Kind`, and each kind a window of what it can mean (a service
is in the past and not more than a year ago; a hearing is in the coming weeks). A reading outside
its window, or one that could mean two instants (a two-digit year, a date without a year that fits
the window twice, a local time the clocks skip or repeat), is asked about, never saved: the
TimeQuestion says what was read and what to type instead. Text that is not a time is refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Literal
from zoneinfo import ZoneInfo

from services.errors import DomainError
from services.wording import Part, Typed

Kind = Literal[
    "service",  # a notice served or an order made
    "arrest",
    "breach",
    "decision",  # a court's decision on an application
    "notification",  # a notification received
    "check_done",  # a breach check carried out
    "ended",  # a record's end, given when closing it
    "hearing",  # a hearing booked or adjourned to
    "check_due",  # when a breach check falls due
    "order_end",  # the last day of an order ("until 1/5/2026")
    "calculator",  # the deadline calculator's start
    "console_clock",  # the console's simulated clock, moved forward
    "incident",  # an incident reported, attended, or a school told
    "meeting",  # a MARAC meeting, or when an action it agreed is due
]
Prefer = Literal["past", "future"]

DEFAULT_PAST_EVENT_DAYS = 365  # config.Settings.past_event_days: the law sets no limit


@dataclass(frozen=True)
class Window:
    """The plausible instants for a kind of time: from `back` before now to `ahead` after it."""

    what: str  # "service time"
    back: timedelta
    ahead: timedelta
    prefer: Prefer  # which way dateparser reads a bare weekday

    def earliest(self, now: datetime) -> datetime:
        return now - self.back

    def latest(self, now: datetime) -> datetime:
        return now + self.ahead

    def holds(self, instant: datetime, now: datetime) -> bool:
        return self.earliest(now) <= instant <= self.latest(now)


def window(kind: Kind, past_event_days: int = DEFAULT_PAST_EVENT_DAYS) -> Window:
    """The window for `kind`. Events that have happened reach back `past_event_days`
    (DVPN_PAST_EVENT_DAYS); the others are fixed here, each with why."""
    past = timedelta(days=past_event_days)
    windows: dict[Kind, Window] = {
        "service": Window("service time", past, timedelta(0), "past"),
        "arrest": Window("arrest time", past, timedelta(0), "past"),
        "breach": Window("breach time", past, timedelta(0), "past"),
        "decision": Window("decision time", past, timedelta(0), "past"),
        "notification": Window("notification time", past, timedelta(0), "past"),
        "check_done": Window("breach check time", past, timedelta(0), "past"),
        "ended": Window("end time", past, timedelta(0), "past"),
        # A hearing is booked ahead (a DVPO application within 48 hours, an adjournment some weeks
        # on), or recorded just after it sat.
        "hearing": Window("hearing time", timedelta(days=7), timedelta(weeks=26), "future"),
        # Checks recur weekly by default; one planned further ahead than six months is a typo.
        "check_due": Window("due time for a breach check", timedelta(days=1), timedelta(weeks=26), "future"),
        # Orders last weeks (DVPO: 14 to 28 days) or years (a fixed-term DAPO).
        "order_end": Window("last day of the order", past, timedelta(days=3653), "future"),
        # The calculator explains deadlines of past cases too (a review, a complaint), and may be
        # asked about a notice about to be served.
        "calculator": Window("start time", timedelta(days=3653), timedelta(days=31), "past"),
        "console_clock": Window("console time", timedelta(0), timedelta(days=3653), "future"),
        "incident": Window("incident time", past, timedelta(0), "past"),
        # A MARAC meets within weeks of a referral; its actions run for months at most.
        "meeting": Window("MARAC date", timedelta(days=60), timedelta(weeks=26), "future"),
    }
    return windows[kind]


DATE_OF_BIRTH_YEARS = 110  # the oldest plausible person; a date of birth is never in the future


class TimeQuestion(DomainError):
    """A time that was not saved: what was read, and what to type instead (`instead`, in the form the
    README teaches, when there is one to suggest)."""

    def __init__(self, message: tuple[Part, ...], field: str, instead: str | None = None) -> None:
        super().__init__(message, field)
        self.instead = instead


# The two written forms the README teaches, complete and unambiguous: read directly, because
# dateparser spends a fifth of a second building its time-zone patterns on its first call, and the
# command-line calculator should answer at once. Anything else goes to dateparser.
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2})?(Z|[+-]\d{2}:\d{2})?")
_DAY_FIRST = re.compile(r"\d{1,2}/\d{1,2}/\d{4} \d{1,2}:\d{2}")

_ALLOWED = re.compile(r"[A-Za-z0-9 :/.,+\-]+")
_SUFFIX = re.compile(r"^(.*\S)\s+(BST|GMT|UTC)$", re.I)
_OFFSETS = {"BST": timedelta(hours=1), "GMT": timedelta(0), "UTC": timedelta(0)}
_ISO_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")
_NUMERIC_DATE = re.compile(r"(?<![\d/\-])(\d{1,2})[/\-](\d{1,2})(?:[/\-](\d+))?(?![\d/\-])")
_CLOCK = re.compile(r"(?<![\d:.])(\d{1,2})[:.](\d{2})(?::\d{2})?(?![\d:.])\s*(am|pm)?", re.I)
_DOTTED_CLOCK = re.compile(r"(?<![\d:.])(\d{1,2})\.(\d{2})(?![\d:.])")
_HOUR_WORDS = re.compile(r"\d\s*(am|pm)\b|\b(noon|midday|midnight|now|ago)\b", re.I)
_MONTHS = "jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec"
_MONTH_NAME = re.compile(rf"\b({_MONTHS})[a-z]*\b", re.I)
_YEAR = re.compile(r"(?<!\d)\d{4}(?!\d)")
_TIME_WORDS = re.compile(
    r"\b(today|yesterday|tomorrow|tonight|noon|midday|midnight|ago|now|hours?|minutes?|days?|weeks?|"
    r"mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun|monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
    rf"{_MONTHS}|january|february|march|april|june|july|august|september|october|november|december)\b"
    r"|\d\s*(am|pm)\b",
    re.I,
)
HOW = "Write it day first, e.g. '2/4/2026 20:00', or 'today 14:30'."


def parse_when(
    text: str,
    *,
    now: datetime,
    tz: ZoneInfo,
    kind: Kind,
    field: str = "when",
    past_event_days: int = DEFAULT_PAST_EVENT_DAYS,
) -> datetime:
    """An aware instant for `text` inside the window of `kind`, or a DomainError (a TimeQuestion
    when the text was read but is implausible or ambiguous) saying what to type instead."""
    span = window(kind, past_event_days)
    cleaned = " ".join(text.strip().split())
    if not cleaned:
        raise DomainError(f"Give a date and time. {HOW}", field)
    if cleaned.lower() == "now":
        return _inside(now.astimezone(tz), cleaned, span, now, tz, field)
    suffix = _SUFFIX.match(cleaned)
    body, offset = (suffix[1], _OFFSETS[suffix[2].upper()]) if suffix else (cleaned, None)
    body = _DOTTED_CLOCK.sub(r"\1:\2", body)  # '9.30pm', which dateparser would read as 9pm
    typed = _check_typed(body, cleaned, field)
    wall_or_instant = _exact(body) or _dateparser(body, now, tz, span.prefer)
    if wall_or_instant is None:
        raise _unreadable(cleaned, field)
    if wall_or_instant.tzinfo is not None:  # an ISO time with its offset: an instant
        return _inside(wall_or_instant.astimezone(tz), cleaned, span, now, tz, field)
    wall = wall_or_instant
    _matches_typed(wall, typed, cleaned, field)
    if typed.without_year:
        wall = _the_year_in_window(wall, cleaned, span, now, tz, offset, field)
    dated = typed.day is not None or typed.without_year
    if dated and typed.clock is None and not _HOUR_WORDS.search(body) and kind != "order_end":
        written = f"{_written(wall.replace(hour=10, minute=0))}"
        raise TimeQuestion(
            ("'", Typed(cleaned[:40]), f"' has no time of day: add it, e.g. {written}. Nothing was saved."),
            field,
            instead=written,
        )
    if offset is not None:
        instant = wall.replace(tzinfo=timezone(offset)).astimezone(tz)
    else:
        instant = _local(wall, cleaned, tz, field)
    return _inside(instant, cleaned, span, now, tz, field)


@dataclass(frozen=True)
class _Typed:
    """What the text itself says, to check the reading against: the numeric date and clock time."""

    day: date | None
    clock: tuple[int, int] | None
    without_year: bool


def _check_typed(body: str, cleaned: str, field: str) -> _Typed:
    if not _ALLOWED.fullmatch(body) or body.startswith(("+", "-")):
        raise _unreadable(cleaned, field)
    day: date | None = None
    without_year = False
    iso = _ISO_DATE.search(body)
    numeric = _NUMERIC_DATE.search(_ISO_DATE.sub(" ", body))
    if iso:
        day = _real_date(int(iso[1]), int(iso[2]), int(iso[3]), iso[0], cleaned, field)
    elif numeric:
        d, m, year = int(numeric[1]), int(numeric[2]), numeric[3]
        if year is None:
            without_year = True
            _real_date(2000, m, d, numeric[0], cleaned, field)  # a leap year: 29/2 may exist
        elif len(year) == 2:
            full = f"{d}/{m}/20{year}"
            raise TimeQuestion(
                ("'", Typed(numeric[0]), f"' has a two-digit year: write the year in full, e.g. {full}."),
                field,
            )
        elif len(year) != 4:
            raise _unreadable(cleaned, field)
        else:
            day = _real_date(int(year), m, d, numeric[0], cleaned, field)
    elif _MONTH_NAME.search(body) and not _YEAR.search(body):
        without_year = True
    clock = _CLOCK.search(body)
    hours_minutes: tuple[int, int] | None = None
    if clock:
        hour, minute, half = int(clock[1]), int(clock[2]), (clock[3] or "").lower()
        if hour > 23 or minute > 59 or (half and not 1 <= hour <= 12):
            raise DomainError(
                ("'", Typed(clock[0].strip()), f"' is not a time of day (00:00 to 23:59): nothing was saved. {HOW}"),
                field,
            )
        if half:
            hour = hour % 12 + (12 if half == "pm" else 0)
        hours_minutes = (hour, minute)
    if day is None and not without_year and hours_minutes is None and not _TIME_WORDS.search(body):
        raise _unreadable(cleaned, field)
    return _Typed(day, hours_minutes, without_year)


def _real_date(year: int, month: int, day: int, shown: str, cleaned: str, field: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise DomainError(
            (
                "'",
                Typed(shown),
                f"' is not a date in the calendar (day first: day/month/year). Nothing was saved. {HOW}",
            ),
            field,
        ) from None


def _matches_typed(wall: datetime, typed: _Typed, cleaned: str, field: str) -> None:
    """dateparser drops what it cannot place; a reading that lost a typed date or time is refused."""
    if typed.day is not None and wall.date() != typed.day:
        raise _unreadable(cleaned, field)
    if typed.clock is not None and (wall.hour, wall.minute) != typed.clock:
        raise _unreadable(cleaned, field)


def _unreadable(cleaned: str, field: str) -> DomainError:
    return DomainError(
        (
            "Could not read '",
            Typed(cleaned[:40]),
            "' as a date and time. Nothing was saved: try '2/4/2026 20:00' (day first), "
            "'2026-04-02 20:00' or 'friday 17:30'.",
        ),
        field,
    )


def _exact(text: str) -> datetime | None:
    """'2026-04-02 20:00' (or with seconds, 'T', an offset) and '2/4/2026 20:00': a naive wall time,
    or an aware instant when an offset was given. None for anything else."""
    try:
        if _ISO.fullmatch(text):
            return datetime.fromisoformat(text)
        if _DAY_FIRST.fullmatch(text):
            return datetime.strptime(text, "%d/%m/%Y %H:%M")
    except ValueError:
        return None
    return None


def _dateparser(text: str, now: datetime, tz: ZoneInfo, prefer: Prefer) -> datetime | None:
    """The wall time dateparser reads in `text` (naive), or an instant if the text gave an offset."""
    import dateparser  # slow to import: only the texts the fast path cannot read need it

    parsed = dateparser.parse(
        text,
        languages=["en"],
        settings={
            "DATE_ORDER": "DMY",
            "PREFER_DAY_OF_MONTH": "first",
            "PREFER_DATES_FROM": prefer,
            "RELATIVE_BASE": now.astimezone(tz).replace(tzinfo=None),
            "RETURN_AS_TIMEZONE_AWARE": False,
            "STRICT_PARSING": False,
        },
    )
    return parsed.replace(microsecond=0) if parsed is not None else None


def _local(wall: datetime, cleaned: str, tz: ZoneInfo, field: str) -> datetime:
    """The instant a UK wall time names; asked about when the clocks skip it or show it twice."""
    first, second = wall.replace(tzinfo=tz, fold=0), wall.replace(tzinfo=tz, fold=1)
    if first.utcoffset() == second.utcoffset():
        return first
    if first.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != wall:
        before, after = _valid_wall(wall, tz, -1), _valid_wall(wall, tz, +1)
        raise TimeQuestion(
            (
                "'",
                Typed(cleaned[:40]),
                f"' does not exist in UK time: the clocks went forward that night. The nearest times are "
                f"{_written(before)} {before.replace(tzinfo=tz).tzname()} and {_written(after)} "
                f"{after.replace(tzinfo=tz).tzname()}: type one of those.",
            ),
            field,
            instead=_written(after),
        )
    names = first.tzname(), second.tzname()
    raise TimeQuestion(
        (
            "'",
            Typed(cleaned[:40]),
            f"' happened twice in UK time (the clocks went back that night). Add {names[0]} for the first "
            f"({_written(wall)} {names[0]}) or {names[1]} for the second ({_written(wall)} {names[1]}).",
        ),
        field,
        instead=f"{_written(wall)} {names[0]}",
    )


def _valid_wall(wall: datetime, tz: ZoneInfo, step: int) -> datetime:
    probe = wall
    for _ in range(24 * 60):
        probe += timedelta(minutes=step)
        if probe.replace(tzinfo=tz).astimezone(UTC).astimezone(tz).replace(tzinfo=None) == probe:
            return probe
    return probe


def _the_year_in_window(
    wall: datetime, cleaned: str, span: Window, now: datetime, tz: ZoneInfo, offset: timedelta | None, field: str
) -> datetime:
    """A date typed without a year: the one year that puts it in the window, or a question."""
    fits: list[datetime] = []
    for year in (now.year - 1, now.year, now.year + 1):
        try:
            candidate = wall.replace(year=year)
        except ValueError:  # 29/2 in a common year
            continue
        instant = candidate.replace(tzinfo=timezone(offset) if offset is not None else tz)
        if span.holds(instant, now):
            fits.append(candidate)
    if len(fits) == 1:
        return fits[0]
    readings = " or ".join(_written(f) for f in fits) if fits else None
    asked = (
        f"could be {readings}: type the one you mean."
        if readings
        else f"is not a plausible {span.what} in any year (between {show(span.earliest(now), tz)} and "
        f"{show(span.latest(now), tz)}): type the full date, e.g. {_written(_example(span, now, tz))}."
    )
    raise TimeQuestion(
        ("'", Typed(cleaned[:40]), f"' has no year and {asked}"), field, instead=_written(fits[0]) if fits else None
    )


def _inside(instant: datetime, cleaned: str, span: Window, now: datetime, tz: ZoneInfo, field: str) -> datetime:
    if span.holds(instant, now):
        return instant
    example = _written(_example(span, now, tz))
    if instant > now and span.ahead == timedelta(0):
        raise TimeQuestion(
            (
                f"The {span.what} ({show(instant, tz)}, read from '",
                Typed(cleaned[:40]),
                "') is in the future, so nothing was saved. Record it once it has happened, or check the date "
                f"(dates are read day first: 2/4 is 2 April), e.g. {example}.",
            ),
            field,
            instead=example,
        )
    raise TimeQuestion(
        (
            "Read '",
            Typed(cleaned[:40]),
            f"' as {show(instant, tz)}, which is not a plausible {span.what}: it should be between "
            f"{show(span.earliest(now), tz)} and {show(span.latest(now), tz)}. Nothing was saved: check the "
            f"date and type it in full, e.g. {example}.",
        ),
        field,
        instead=example,
    )


def _example(span: Window, now: datetime, tz: ZoneInfo) -> datetime:
    """A time inside the window, in the shape the README teaches, for the message to show."""
    local = now.astimezone(tz).replace(tzinfo=None, second=0, microsecond=0)
    if span.ahead > timedelta(0) and span.back <= timedelta(days=7):
        return (local + timedelta(days=7)).replace(hour=10, minute=0)
    return (local - timedelta(hours=1)).replace(minute=0)


def example(kind: Kind, now: datetime, tz: ZoneInfo, past_event_days: int = DEFAULT_PAST_EVENT_DAYS) -> str:
    """A plausible time for `kind`, written as the README teaches: for a message's "type ..." part."""
    return _written(_example(window(kind, past_event_days), now, tz))


def _written(wall: datetime) -> str:
    return f"{wall.day}/{wall.month}/{wall.year} {wall:%H:%M}"


def parse_day(text: str, *, field: str) -> date:
    """A calendar day typed as '15/1/1990' (day first) or '1990-01-15', for a date picker typed in a
    terminal. A time's window does not apply: the form checks the day for what it means."""
    cleaned = text.strip()
    numeric = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", cleaned)
    iso = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", cleaned)
    if numeric:
        return _real_date(int(numeric[3]), int(numeric[2]), int(numeric[1]), cleaned, cleaned, field)
    if iso:
        return _real_date(int(iso[1]), int(iso[2]), int(iso[3]), cleaned, cleaned, field)
    raise DomainError(
        ("Could not read '", Typed(cleaned[:40]), "' as a day: write it day first, e.g. 15/1/1990."), field
    )


def date_of_birth(day: date | None, *, today: date, field: str) -> date | None:
    """A date of birth between DATE_OF_BIRTH_YEARS ago and today, or a DomainError asking again."""
    if day is None:
        return None
    earliest = today.replace(year=today.year - DATE_OF_BIRTH_YEARS, day=min(today.day, 28))
    if earliest <= day <= today:
        return day
    raise TimeQuestion(
        (
            f"A date of birth of {day:%d %b %Y} is not plausible: choose a date between {earliest:%d %b %Y} "
            "and today (leave it empty if it is not known). Nothing was saved.",
        ),
        field,
    )


def show(instant: datetime, tz: ZoneInfo) -> str:
    """How an instant appears on screen: 'Thu 02 Apr 2026 20:00 BST'."""
    local = instant.astimezone(tz)
    return f"{local:%a %d %b %Y %H:%M} {local.tzname()}"


# A notice is recorded as it is served, or within hours: a service time more than this long ago is
# more often a misreading ('1/2' typed for yesterday, read as 1 February) than a late entry, and it
# would start alerts for deadlines long gone. It is asked about, and saved once confirmed.
SERVICE_CONFIRM_AFTER = timedelta(hours=48)


def service_long_ago(instant: datetime, typed: str, *, now: datetime, tz: ZoneInfo, field: str) -> TimeQuestion | None:
    """A "did you mean …?" for a service time more than 48 hours before now, or None. The suggestion
    is the day and month swapped when that falls within the 48 hours, else the same time of day on
    the latest day that is not in the future."""
    if instant >= now - SERVICE_CONFIRM_AFTER:
        return None
    local, today = instant.astimezone(tz), now.astimezone(tz)
    candidates: list[datetime] = []
    if local.day <= 12:  # a day that can be a month, and every month number is a day of any month
        candidates.append(local.replace(month=local.day, day=local.month, fold=0))
    same_time = today.replace(hour=local.hour, minute=local.minute, second=0, microsecond=0, fold=0)
    candidates.append(same_time if same_time <= today else same_time - timedelta(days=1))
    likely = next((c for c in candidates if now - SERVICE_CONFIRM_AFTER <= c <= now), candidates[-1])
    days = (now - instant).days
    suggestion = _written(likely.replace(tzinfo=None))
    return TimeQuestion(
        (
            "Read '",
            Typed(typed[:40]),
            f"' as {show(instant, tz)}, {days} days ago: more than 48 hours before now. Did you mean "
            f"{suggestion} ({show(likely, tz)})? Nothing was saved.",
        ),
        field,
        instead=suggestion,
    )
