"""The calculator for the incident clocks: when a school must be told (Operation Encompass), and
the attendance, DASH, crime-recording, protective-notice and MARAC clocks, each with its working
and its source. Reads, never writes."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from config import Settings
from domain.enums import RiskLevel
from rules.calendar import ExcludedDayCalendar
from rules.incidents import (
    CONSIDERED,
    CRIME_RECORDED,
    DASH_COMPLETED,
    MARAC_REFERRAL,
    ClockDue,
    attendance_due,
    clock_due,
)
from rules.school_days import ENCOMPASS_SOURCE, SchoolCalendar, SchoolHoliday, encompass_deadline, shipped_holidays
from services.context import ServiceContext
from services.errors import DomainError
from services.incidents.calendar import school_calendar_now
from services.unit_of_work import system
from services.views import DeadlineView

CLOCKS = ("encompass", "attend", "dash", "crime", "considered", "marac")
_OTHERS = {"dash": DASH_COMPLETED, "crime": CRIME_RECORDED, "considered": CONSIDERED, "marac": MARAC_REFERRAL}


def is_incident_clock(word: str) -> bool:
    return word.lower() in CLOCKS


def incident_deadline(
    clock: str,
    at: datetime,
    settings: Settings,
    calendar: SchoolCalendar,
    *,
    area: str | None = None,
    level: RiskLevel | None = None,
) -> DeadlineView:
    """`at`: the report (the DASH assessed high, for a MARAC referral)."""
    word = clock.lower()
    if word == "encompass":
        if not area:
            raise DomainError("Give the school's local authority, e.g. `in cumbria`.", "area")
        due = encompass_deadline(at, area.lower(), calendar, settings.incidents.school_day_start, settings.timezone)
        return DeadlineView("School told (Operation Encompass)", due.at, ENCOMPASS_SOURCE, due.working)
    hours = settings.incidents.hours()
    if word == "attend":
        return _view(attendance_due(at, level, hours), "from the report")
    if word in _OTHERS:
        return _view(
            clock_due(_OTHERS[word], at, hours), "from the assessment" if word == "marac" else "from the report"
        )
    raise DomainError(f"'{clock[:20]}' is not an incident clock: one of {', '.join(CLOCKS)}.", "clock")


def _view(due: ClockDue, counted: str) -> DeadlineView:
    lines = (
        f"{due.hours} hour{'s' if due.hours != 1 else ''} {counted}, every hour counted (no days disregarded).",
        f"Source: {due.clock.citation}; not law. The hours are the force's setting {due.clock.setting}.",
    )
    return DeadlineView(due.clock.label.capitalize(), due.at, due.clock.citation, lines)


def plain_school_calendar(bank_holidays: ExcludedDayCalendar, added: Iterable[SchoolHoliday] = ()) -> SchoolCalendar:
    """The shipped school holidays over a bank-holiday calendar (the command line without a database)."""
    return SchoolCalendar((*shipped_holidays(), *added), bank_holidays)


def school_calendar_for_force(ctx: ServiceContext) -> SchoolCalendar:
    """The force's school-day calendar: shipped and admin-added school holidays, and bank holidays."""
    with system(ctx, "calculator") as work:
        return school_calendar_now(work.session, ctx.settings)


def incident_deadline_for_force(
    ctx: ServiceContext, clock: str, at: datetime, *, area: str | None = None, level: RiskLevel | None = None
) -> DeadlineView:
    """The calculator in Slack, on the force's school and bank-holiday calendars."""
    with system(ctx, "calculator") as work:
        calendar = school_calendar_now(work.session, ctx.settings)
    return incident_deadline(clock, at, ctx.settings, calendar, area=area, level=level)
