"""The deadline calculator: the deadline command in Slack and `dvpn-bot deadline`. Reads, never writes."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from rules.calendar import ExcludedDayCalendar
from rules.deadlines import (
    BAIL_MONTHS,
    BailExtension,
    ClockEvent,
    bail_end,
    breach_court_deadline,
    hearing_deadline,
    notification_deadline,
)
from rules.order_types import OrderType, rule_for
from services.errors import DomainError
from services.views import DeadlineView

__all__ = ["BailExtension", "ClockEvent", "calculate"]


def calculate(
    order_type: OrderType,
    event: ClockEvent,
    at: datetime,
    calendar: ExcludedDayCalendar,
    tz: ZoneInfo,
    *,
    extended_by: BailExtension | None = None,
    hearing_at: datetime | None = None,
) -> DeadlineView:
    """The statutory deadline that `event` starts for this type, with its working. For pre-charge
    bail `at` is always the arrest (PACE 1984 s47ZB(4)(a)); `extended_by` gives a longer period.
    For a notice's breach arrest, `hearing_at` is the application's hearing, used if earlier."""
    rule = rule_for(order_type)
    if extended_by is not None and order_type is not OrderType.BAIL:
        raise DomainError("Only pre-charge bail (BAIL) is extended by an inspector, superintendent or court.", "type")
    if order_type is OrderType.BAIL:
        end = bail_end(rule, at, BAIL_MONTHS[extended_by] if extended_by else None, tz=tz)
        view = DeadlineView.of(end)
        extra = ["The time given is the arrest: the bail start date is the next day (PACE 1984 s47ZB(4)(a))."]
        if extended_by is BailExtension.COURT:
            extra.append("A court may set 18 months where s47ZF(7) applies, and extend further (s47ZG).")
        return DeadlineView(view.label, view.at, view.citation, (*view.explanation, *extra))
    if event is ClockEvent.ARRESTED:
        clock = breach_court_deadline(rule, at, calendar, tz, hearing_at=hearing_at)
        if clock is not None and rule.breach_arrest_clock and rule.breach_arrest_clock.needs_power_of_arrest:
            view = DeadlineView.of(clock)
            note = "Only after an arrest under a power of arrest the court attached to the order (FLA 1996 s47(6))."
            return DeadlineView(view.label, view.at, view.citation, (*view.explanation, note))
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
