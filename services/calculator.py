"""The deadline calculator: `/dvpn deadline` and `dvpn-bot deadline`. Reads, never writes."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from rules.calendar import ExcludedDayCalendar
from rules.deadlines import breach_court_deadline, hearing_deadline, notification_deadline
from rules.order_types import OrderType, rule_for
from services.calendar import force_calendar
from services.context import ServiceContext
from services.errors import DomainError
from services.unit_of_work import system
from services.views import DeadlineView


class ClockEvent(StrEnum):
    SERVED = "served"
    ARRESTED = "arrested"


def calculate(
    order_type: OrderType, event: ClockEvent, at: datetime, calendar: ExcludedDayCalendar, tz: ZoneInfo
) -> DeadlineView:
    """The statutory deadline that `event` starts for this type, with its working."""
    rule = rule_for(order_type)
    if event is ClockEvent.ARRESTED:
        clock = breach_court_deadline(rule, at, calendar, tz)
        if clock is None:
            with_clock = [t.value for t in OrderType if rule_for(t).breach_arrest_clock]
            raise DomainError(
                f"A breach of a {order_type} has no statutory court clock ({rule.breach.consequence}). "
                f"Types with one: {', '.join(with_clock)}.",
                "order_type",
            )
        return DeadlineView.of(clock)
    clock = hearing_deadline(rule, at, calendar, tz)
    if clock is not None:
        return DeadlineView.of(clock)
    window = notification_deadline(rule, at, at, tz)
    if window is not None:
        return DeadlineView.of(window)
    with_deadline = [t.value for t in OrderType if rule_for(t).hearing_clock or rule_for(t).notification]
    raise DomainError(
        f"Service of a {order_type} starts no statutory clock; its expiry depends on the length the court "
        f"sets. Types with a deadline from service: {', '.join(with_deadline)}.",
        "order_type",
    )


def calculate_for_force(ctx: ServiceContext, order_type: OrderType, event: ClockEvent, at: datetime) -> DeadlineView:
    """The calculator on the force's calendar (bank holidays plus the days its admins added)."""
    with system(ctx) as work:
        calendar = force_calendar(work.session, ctx.settings)
    return calculate(order_type, event, at, calendar, ctx.settings.timezone)
