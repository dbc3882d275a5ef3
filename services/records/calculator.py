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
    lapse_deadline,
    notification_deadline,
    with_lapse,
)
from rules.disclosure import completion_target, target_working
from rules.monitoring import MonitoringError, longest_monitoring, monitoring_end
from rules.notification import CHANGES, Change, change_deadline
from rules.order_types import OrderType, rule_for
from services.errors import DomainError
from services.views import DeadlineView

__all__ = ["BailExtension", "ClockEvent", "calculate", "disclosure_target"]
DISCLOSURE_WORDS = frozenset({"DVDS", "CLARE"})  # what the calculator accepts as the type for Clare's Law


def disclosure_target(received_at: datetime, days: int, tz: ZoneInfo) -> DeadlineView:
    """The Clare's Law completion target for a request received at `received_at`, with its working."""
    end = completion_target(received_at, days, tz)
    return DeadlineView(end.label, end.at, end.citation, target_working(end, days))


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
    if event is ClockEvent.CHANGED:
        return _change_window(order_type, at, tz)
    if event is ClockEvent.MONITORING:
        try:  # refuses a type with no monitoring requirement, in the words the record form uses
            monitoring_end(order_type, at, at.astimezone(tz).date(), tz)
        except MonitoringError as error:
            raise DomainError(str(error), "order_type") from None
        return DeadlineView.of(longest_monitoring(at, tz))
    clock = hearing_deadline(rule, at, calendar, tz)
    if clock is not None:
        return DeadlineView.of(with_lapse(clock, lapse_deadline(rule, at, calendar, tz)))
    window = notification_deadline(rule, at, at, tz)
    if window is not None:
        return DeadlineView.of(window)
    with_deadline = [t.value for t in OrderType if rule_for(t).hearing_clock or rule_for(t).notification]
    with_deadline.append("or --event changed for DAPO, SPO, ISPO; --event monitoring for DAPO")
    raise DomainError(
        f"Service of a {order_type} starts no statutory clock; its expiry depends on the length the court "
        f"sets. Types with a deadline from service: {', '.join(with_deadline)}.",
        "order_type",
    )


def _change_window(order_type: OrderType, at: datetime, tz: ZoneInfo) -> DeadlineView:
    """The repeat notification window a change starts (DAA 2021 s41(4)-(6); SPA 2019 s9(3)-(4)). Every
    change has the same 3 days; the view names each provision."""
    changes = CHANGES.get(order_type)
    if not changes:
        with_duty = ", ".join(t.value for t in CHANGES)
        raise DomainError(
            f"A {order_type} carries no duty to notify changes. Types with one: {with_duty}.", "order_type"
        )
    window = change_deadline(order_type, Change.ADDRESS, at, tz)
    cited = "; ".join(f"{rule.words}: {rule.citation}" for rule in changes.values())
    label = "Notification of a change (3 days beginning with the day of the change)"
    return DeadlineView(
        label, window.at, window.citation, (*window.explanation(), f"The same window for each: {cited}.")
    )
