"""Operation Encompass: a child's school is told before the start of the next school day.

A school day is a weekday that is neither a bank holiday in England and Wales (the `holidays`
package, plus days an admin added: rules.calendar) nor inside the school holidays the force has
configured for the child's school's local authority (rules/school_holidays.toml, and terms an
admin adds). The school day starts at a set time (DVPN_SCHOOL_DAY_START, 08:30 by default): the
notification is due by then. An incident before that time on a school day is due the same morning.

Operation Encompass is a national scheme agreed between police forces and schools, not statute;
its expectation is that the school's key adult is told before the start of the next school day.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from rules.calendar import Disregarded, ExcludedDayCalendar

ENCOMPASS_ID = "encompass.notification"
ENCOMPASS_SOURCE = "Operation Encompass: the school told before the start of the next school day"
SCHOOL_START_SETTING = "DVPN_SCHOOL_DAY_START"
DEFAULT_SCHOOL_START = time(8, 30)
HOLIDAYS_FILE = Path(__file__).with_name("school_holidays.toml")
# A weekday's bank holidays: Good Friday and Christmas Day are listed by the package by name.
_BANK_HOLIDAYS = frozenset({Disregarded.CHRISTMAS_DAY, Disregarded.GOOD_FRIDAY, Disregarded.BANK_HOLIDAY})
# More than any real run of non-school days (a summer holiday is about 6 weeks).
MAX_DAYS_AHEAD = 120
LONDON = ZoneInfo("Europe/London")


class SchoolCalendarError(ValueError):
    """The school calendar cannot answer (a data file that does not read, or no school day ahead)."""


@dataclass(frozen=True)
class SchoolHoliday:
    area: str  # the local authority, as the force names it ("worcestershire")
    first: date
    last: date  # inclusive
    name: str

    def covers(self, day: date) -> bool:
        return self.first <= day <= self.last


@dataclass(frozen=True)
class SchoolDayRuling:
    day: date
    school_day: bool
    reasons: tuple[str, ...] = ()

    @property
    def reason(self) -> str:
        return " and ".join(self.reasons)


@dataclass(frozen=True)
class SchoolCalendar:
    holidays: tuple[SchoolHoliday, ...] = ()
    bank_holidays: ExcludedDayCalendar = field(default_factory=ExcludedDayCalendar)

    def areas(self) -> frozenset[str]:
        return frozenset(h.area for h in self.holidays)

    def ruling(self, day: date, area: str) -> SchoolDayRuling:
        reasons: list[str] = []
        if day.weekday() >= 5:
            reasons.append(f"{day:%A}")
        bank = self.bank_holidays.ruling(day, _BANK_HOLIDAYS)
        if bank.excluded:
            reasons.append(bank.reason)
        reasons += [f"{h.name} ({area} school holiday)" for h in self.holidays if h.area == area and h.covers(day)]
        return SchoolDayRuling(day, not reasons, tuple(reasons))


@dataclass(frozen=True)
class EncompassDeadline:
    incident_at: datetime
    area: str
    at: datetime  # aware, in the calendar's timezone
    skipped: tuple[SchoolDayRuling, ...]
    notes: tuple[str, ...]

    @property
    def working(self) -> tuple[str, ...]:
        lines = [f"incident at {self.incident_at:%H:%M %a %d %b %Y}"]
        lines += [f"{r.day:%a %d %b %Y}: not a school day ({r.reason})" for r in self.skipped]
        lines.append(f"due before the school day starts: {self.at:%H:%M %a %d %b %Y}")
        return (*lines, *self.notes)


def encompass_deadline(
    incident_at: datetime,
    area: str,
    calendar: SchoolCalendar,
    start: time = DEFAULT_SCHOOL_START,
    tz: ZoneInfo = LONDON,
) -> EncompassDeadline:
    """The start of the first school day in `area` that begins after the incident. An area with
    no configured school holidays is counted as term time, which gives the earliest deadline."""
    if incident_at.tzinfo is None:
        raise SchoolCalendarError("The incident's time needs its timezone.")
    local = incident_at.astimezone(tz)
    notes: tuple[str, ...] = ()
    if area not in calendar.areas():
        notes = (f"no school holidays are configured for {area}: every weekday that is not a bank holiday counts",)
    skipped: list[SchoolDayRuling] = []
    day = local.date()
    for _ in range(MAX_DAYS_AHEAD):
        ruling = calendar.ruling(day, area)
        starts = datetime.combine(day, start, tzinfo=tz)
        if ruling.school_day and starts > local:
            return EncompassDeadline(incident_at, area, starts, tuple(skipped), notes)
        if not ruling.school_day:
            skipped.append(ruling)
        day += timedelta(days=1)
    raise SchoolCalendarError(f"No school day in {area} within {MAX_DAYS_AHEAD} days of {local:%d %b %Y}.")


def read_holidays(text: str) -> tuple[SchoolHoliday, ...]:
    """[[area.holiday]] tables: `[[worcestershire]]` entries with name, first, last (TOML dates)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise SchoolCalendarError(f"The school holidays file does not read: {error}") from error
    found: list[SchoolHoliday] = []
    for area, entries in data.items():
        for entry in entries:
            first, last, name = entry["first"], entry["last"], entry["name"]
            if not isinstance(first, date) or not isinstance(last, date) or last < first:
                raise SchoolCalendarError(f"{area}: {name!r} needs first <= last, as dates.")
            found.append(SchoolHoliday(area, first, last, str(name)))
    return tuple(found)


def shipped_holidays() -> tuple[SchoolHoliday, ...]:
    return read_holidays(HOLIDAYS_FILE.read_text(encoding="utf-8"))


def school_calendar(
    holidays: Iterable[SchoolHoliday] = (), extra_bank_holidays: Mapping[date, str] | None = None, **policy: bool
) -> SchoolCalendar:
    """The shipped holidays plus `holidays` (terms an admin added), over the bank-holiday calendar."""
    return SchoolCalendar(
        (*shipped_holidays(), *holidays), ExcludedDayCalendar(extra_days=extra_bank_holidays, **policy)
    )
