"""The school-day calendar as this force has it: rules/school_holidays.toml, the terms admins
added, and the bank-holiday calendar with its admin-added days (services.records.calendar)."""

from __future__ import annotations

from sqlmodel import Session, select

from config import Settings
from models import SchoolHolidayTerm
from rules.school_days import SchoolCalendar, SchoolHoliday, shipped_holidays
from services.records.calendar import force_calendar


def school_calendar_now(session: Session, settings: Settings) -> SchoolCalendar:
    added = [SchoolHoliday(t.area, t.first, t.last, t.name) for t in session.exec(select(SchoolHolidayTerm)).all()]
    return SchoolCalendar((*shipped_holidays(), *added), force_calendar(session, settings))
