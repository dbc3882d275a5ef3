"""The perpetrator's duties after the order is recorded: a notification owed again after a change
(DAA 2021 s41(4)-(6); SPA 2019 s9(3)-(4)), an exemption from the duties (DAA 2021 s41(8); SPA 2019
s9(1)(a), (5)), and a DAPO's electronic monitoring requirement (DAA 2021 s38(5)-(6))."""

from __future__ import annotations

from datetime import date, datetime

from models import Notification, NotificationKind, OrderStatus, ProtectionOrder
from models.types import pk
from rules import validation
from rules.lifecycle import Event
from rules.monitoring import MonitoringError, monitoring_end, require_monitored
from rules.notification import (
    Change,
    Exemption,
    ExemptionRule,
    NotificationRuleError,
    change_deadline,
    change_rule,
    exemption_of,
    exemption_rule,
)
from rules.order_types import OrderType
from services.context import ServiceContext
from services.errors import Conflict, DomainError, raise_if_any
from services.governance.audit import snapshot
from services.records.state import require
from services.unit_of_work import changing
from services.views import RecordView


def exemption_for(order: ProtectionOrder) -> ExemptionRule | None:
    """The rule behind the record's exemption, if it has one."""
    return exemption_of(order.order_type, order.notification_exempt)


def check_exemption(order_type: OrderType, exemption: Exemption | None) -> ExemptionRule | None:
    """The exemption's rule for a new record, or DomainError when it cannot apply to the type."""
    if exemption is None:
        return None
    try:
        return exemption_rule(order_type, exemption)
    except NotificationRuleError as error:
        raise DomainError(str(error), "notification_exempt") from None


def record_change(
    ctx: ServiceContext, actor_slack_id: str, reference: str, change: Change, happened_at: datetime
) -> RecordView:
    """A change the subject must notify (a new name, a new home address, no home address any more):
    a new 3-day window beginning with the day it happened, with its reminders. Recorded when the
    police learn of it, however late: a window already past is flagged at once."""
    tz = ctx.settings.timezone
    with changing(ctx, actor_slack_id, reference) as change_of:
        require(change_of.session, change_of.order, Event.NOTIFICATION, change_of.now)  # a duty to notify
        order, now = change_of.order, change_of.now
        try:
            rule = change_rule(order.order_type, change)
        except NotificationRuleError as error:
            raise DomainError(str(error), "change") from None
        if order.status is not OrderStatus.ACTIVE:
            raise Conflict(f"{order.reference} is {order.status.value}: its notification duties have ended.", "change")
        exempt = exemption_for(order)
        if exempt is not None and exempt.covers_changes:
            raise Conflict(
                f"{order.reference} is exempt from the notification duties ({exempt.citation}: {exempt.words}); "
                "no change is owed under this order.",
                "change",
            )
        start = order.made_at or order.served_at
        assert start is not None
        raise_if_any(
            [
                validation.not_in_future("happened_at", "change", happened_at, now),
                validation.not_before("happened_at", "change", happened_at, "order being made", start),
            ]
        )
        window = change_deadline(order.order_type, change, happened_at, tz)
        row = Notification(
            order_id=pk(order),
            kind=NotificationKind.CHANGE,
            change=change,
            happened_at=happened_at,
            due_at=window.at,
            created_at=now,
        )
        change_of.created(row, order_id=order.id)
        warnings: tuple[str, ...] = ()
        if window.at <= now:
            warnings = (
                f"The window to notify {rule.words} ended {window.last_day:%a %d %b %Y} ({rule.citation}) and no "
                "notification is recorded. If it was given, record it with notified; if not, failing to notify "
                "may be an offence: consider action.",
            )
        return change_of.view(warnings=warnings)


def record_exemption(ctx: ServiceContext, actor_slack_id: str, reference: str, exemption: Exemption) -> RecordView:
    """The subject is exempt from the notification duties, on the basis given: the reminders for
    notifications it does not owe stop (they were false alarms)."""
    with changing(ctx, actor_slack_id, reference) as change:
        require(change.session, change.order, Event.NOTIFICATION, change.now)  # a duty to notify
        order = change.order
        rule = check_exemption(order.order_type, exemption)
        assert rule is not None
        before = snapshot(order)
        order.notification_exempt = exemption
        change.changed(order, before, order_id=order.id)
        return change.view(warnings=(f"Exempt from notifying: {rule.words} ({rule.citation}).",))


def record_monitoring(
    ctx: ServiceContext, actor_slack_id: str, reference: str, last_day: date, starts_at: datetime | None = None
) -> RecordView:
    """A DAPO's electronic monitoring requirement, from `starts_at` (default: the day the order was
    made) to the end of `last_day`; refused beyond 12 months (DAA 2021 s38(5))."""
    tz = ctx.settings.timezone
    with changing(ctx, actor_slack_id, reference) as change:
        order = change.order
        # A requirement of the order in force, as the court set it: recorded as a variation is.
        require(change.session, order, Event.VARY, change.now)
        try:
            require_monitored(order.order_type)  # said before asking for a start it would not use
            start = starts_at or order.made_at
            if start is None:
                raise DomainError("Say when the monitoring starts: add from WHEN.", "monitoring_starts_at")
            end = monitoring_end(order.order_type, start, last_day, tz)
        except MonitoringError as error:
            raise DomainError(str(error), "monitoring_ends_at") from None
        if order.made_at is not None:
            made = order.made_at
            raise_if_any([validation.not_before("monitoring_starts_at", "monitoring", start, "order being made", made)])
        before = snapshot(order)
        order.monitoring_starts_at, order.monitoring_ends_at = start, end.at
        change.changed(order, before, order_id=order.id)
        return change.view()
