"""The statutory deadlines of one notice or order, from its rule table and its facts."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from rules.calendar import ExcludedDayCalendar
from rules.clock import LONDON, Deadline, excluded_day_deadline
from rules.order_types import OrderTypeRule
from rules.periods import PeriodEnd, days_beginning_with, end_of_day, months_beginning_with


def hearing_deadline(
    rule: OrderTypeRule, served_at: datetime, calendar: ExcludedDayCalendar, tz: ZoneInfo = LONDON
) -> Deadline | None:
    """When the application that follows a notice must be heard (CSA 2010 s27(3); DAA 2021 s29(2))."""
    clock = rule.hearing_clock
    if clock is None:
        return None
    return excluded_day_deadline(served_at, clock.period, calendar, label=clock.label, citation=clock.citation, tz=tz)


def breach_court_deadline(
    rule: OrderTypeRule, arrested_at: datetime, calendar: ExcludedDayCalendar, tz: ZoneInfo = LONDON
) -> Deadline | None:
    """When a person arrested for breach must be before the court (CSA 2010 s26(2), s29(2); DAA 2021 s26(2))."""
    clock = rule.breach_arrest_clock
    if clock is None:
        return None
    return excluded_day_deadline(arrested_at, clock.period, calendar, label=clock.label, citation=clock.citation, tz=tz)


def notification_deadline(
    rule: OrderTypeRule, made_at: datetime | None, served_at: datetime | None, tz: ZoneInfo = LONDON
) -> PeriodEnd | None:
    """The end of the window in which the perpetrator must notify their details (DAA 2021 s41)."""
    window = rule.notification
    if window is None:
        return None
    start = made_at if window.counted_from == "made" else (served_at or made_at)
    if start is None:
        return None
    return days_beginning_with(
        start,
        window.days,
        label=f"Notification of name and address ({window.days} days beginning with the day "
        f"the order was {window.counted_from})",
        citation=window.citation,
        tz=tz,
    )


def order_expiry(
    rule: OrderTypeRule,
    made_at: datetime,
    *,
    days: int | None = None,
    last_day: date | None = None,
    months: int | None = None,
    tz: ZoneInfo = LONDON,
) -> PeriodEnd | None:
    """The end of an order that runs for a set period beginning with the day it was made.

    Give one of `days`, `last_day` or `months`; with none, the statutory default length applies
    (pre-charge bail: 3 months, PACE 1984 s47ZB), or None for an order until further order.
    """
    duration = rule.duration
    citation = duration.citation if duration else rule.statute
    label = f"{rule.code} expiry"
    if days is not None:
        return days_beginning_with(made_at, days, label=label, citation=citation, tz=tz)
    if last_day is not None:
        first = made_at.astimezone(tz).date()
        return PeriodEnd(label, citation, first, last_day, end_of_day(last_day, tz))
    if months is None and duration is not None:
        months = duration.default_months
    if months is not None:
        return months_beginning_with(made_at, months, label=label, citation=citation, tz=tz)
    return None
