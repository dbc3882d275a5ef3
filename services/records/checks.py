"""Breach checks (visits or calls to confirm an order is kept) and perpetrators' notifications."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TypeVar

from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import col, select

from models import BreachCheck, Notification, NotificationKind, OrderStatus
from models.types import pk
from rules import validation
from rules.lifecycle import Event
from rules.notification import exemption_of, owed
from rules.order_types import rule_for
from services import stored_text
from services.context import ServiceContext
from services.errors import Conflict, DomainError, raise_if_any
from services.governance.audit import snapshot
from services.records.state import require
from services.unit_of_work import Change, changing
from services.views import RecordView

Awaited = TypeVar("Awaited", BreachCheck, Notification)  # a row that falls due and is then settled


def complete_check(
    ctx: ServiceContext, actor_slack_id: str, reference: str, done_at: datetime, outcome: str | None = None
) -> RecordView:
    """Mark the earliest open check done and, while the order is in force, plan the next one
    (every DVPN_BREACH_CHECK_INTERVAL_DAYS, a force policy)."""
    raise_if_any([stored_text.violation(BreachCheck, "outcome", outcome)])
    with changing(ctx, actor_slack_id, reference) as change:
        order, now = change.order, change.now
        require(change.session, order, Event.CHECK, now)
        check = _earliest(change, BreachCheck, col(BreachCheck.done_at).is_(None))
        if check is None:
            raise Conflict(f"{order.reference} has no breach check waiting. Plan one with: due <when>.", "check")
        start = order.served_at or order.made_at
        assert start is not None
        raise_if_any(
            [
                validation.not_in_future("done_at", "check", done_at, now),
                validation.not_before("done_at", "check", done_at, "service", start),
            ]
        )
        before = snapshot(check)
        check.done_at, check.done_by_id, check.outcome = done_at, change.user.id, (outcome or "").strip() or None
        change.changed(check, before, order_id=order.id)
        next_due = done_at + timedelta(days=ctx.settings.reminders.breach_check_interval_days)
        if order.status is OrderStatus.ACTIVE and (order.expires_at is None or next_due < order.expires_at):
            _add_check(change, check.assigned_to_id, next_due)
        return change.view()


def plan_check(ctx: ServiceContext, actor_slack_id: str, reference: str, due_at: datetime) -> RecordView:
    with changing(ctx, actor_slack_id, reference) as change:
        order = change.order
        require(change.session, order, Event.CHECK, change.now)
        if order.status is not OrderStatus.ACTIVE:
            raise Conflict(f"{order.reference} is {order.status.value}: no checks are needed.", "due_at")
        if due_at < change.now:
            raise DomainError("A planned check must be due in the future. To record one done, use: done.", "due_at")
        _add_check(change, order.officer_id, due_at)
        return change.view()


def _earliest(change: Change, model: type[Awaited], still_open: ColumnElement[bool]) -> Awaited | None:
    """The record's `model` row falling due first among those still open."""
    query = select(model).where(model.order_id == change.order.id, still_open).order_by(col(model.due_at))
    return change.session.exec(query).first()


def _add_check(change: Change, assignee_id: int, due_at: datetime) -> None:
    order_id = pk(change.order)
    check = BreachCheck(order_id=order_id, due_at=due_at, assigned_to_id=assignee_id, created_at=change.now)
    change.created(check, order_id=order_id, system_actor="check-planner")


def record_notification(ctx: ServiceContext, actor_slack_id: str, reference: str, received_at: datetime) -> RecordView:
    """The perpetrator told police their names and home address (DAA 2021 s41(2); SPA 2019 s9(1))."""
    with changing(ctx, actor_slack_id, reference) as change:
        order, now = change.order, change.now
        require(change.session, order, Event.NOTIFICATION, now)
        # The earliest notification still owed: an exemption recorded later (DAA 2021 s41(8)) leaves the
        # rows it covers unanswered, and they are not what the subject has now given.
        awaiting = change.session.exec(
            select(Notification)
            .where(Notification.order_id == order.id, col(Notification.received_at).is_(None))
            .order_by(col(Notification.due_at))
        ).all()
        is_change = NotificationKind.CHANGE
        waiting = next(
            (n for n in awaiting if owed(order.order_type, order.notification_exempt, n.kind is is_change)), None
        )
        exempt = exemption_of(order.order_type, order.notification_exempt)
        if waiting is None and exempt is not None and exempt.covers_changes:
            raise Conflict(
                f"{order.reference} is exempt from notifying ({exempt.citation}: {exempt.words}): nothing is owed.",
                "received_at",
            )
        if waiting is None:
            if order.notification_due_at is None:
                raise Conflict(f"A {order.order_type} carries no duty to notify.", "received_at")
            waiting = Notification(order_id=pk(order), kind=NotificationKind.CHANGE, due_at=received_at, created_at=now)
            change.session.add(waiting)
        start = order.made_at or order.served_at
        assert start is not None
        raise_if_any(
            [
                validation.not_in_future("received_at", "notification", received_at, now),
                validation.not_before("received_at", "notification", received_at, "order being made", start),
            ]
        )
        waiting.received_at, waiting.recorded_by_id = received_at, change.user.id
        change.session.flush()
        change.audit("update", "notification", waiting.id, order_id=order.id, after=snapshot(waiting))
        warnings: tuple[str, ...] = ()
        if received_at > waiting.due_at:
            window = rule_for(order.order_type).notification
            # SPA 2019 s11(1)(a): a failure to notify is its own offence, not a breach of the order.
            what = window.failure if window and window.failure else "Failing to notify may be an offence"
            warnings = (f"The notification came after its 3-day window ended. {what}: consider action.",)
        return change.view(warnings=warnings)
