"""Breach checks (visits or calls to confirm an order is kept) and perpetrators' notifications."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from models import BreachCheck, Notification, NotificationKind, OrderStatus
from models.db import session_scope
from models.types import column_length, pk
from rules import validation
from rules.order_types import rule_for
from services.access import acting_user
from services.audit import snapshot, write_audit, write_change, write_creation
from services.context import ServiceContext
from services.errors import Conflict, DomainError, raise_if_any
from services.lookup import order_to_change
from services.planning import replan
from services.record_view import build_view
from services.views import RecordView


def complete_check(
    ctx: ServiceContext, actor_slack_id: str, reference: str, done_at: datetime, outcome: str | None = None
) -> RecordView:
    """Mark the earliest open check done and, while the order is in force, plan the next one
    (every DVPN_BREACH_CHECK_INTERVAL_DAYS, a force policy)."""
    raise_if_any([validation.text_fits("outcome", "The outcome", outcome, column_length(BreachCheck, "outcome"))])
    now = ctx.clock.now()
    with session_scope(ctx.engine) as session:
        user = acting_user(session, ctx, actor_slack_id)
        order = order_to_change(session, user, reference)
        check = session.exec(
            select(BreachCheck)
            .where(BreachCheck.order_id == order.id, col(BreachCheck.done_at).is_(None))
            .order_by(col(BreachCheck.due_at))
        ).first()
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
        check.done_at, check.done_by_id, check.outcome = done_at, user.id, (outcome or "").strip() or None
        write_change(session, actor=user, at=now, row=check, before=before, order_id=order.id, source=ctx.source)
        next_due = done_at + timedelta(days=ctx.settings.reminders.breach_check_interval_days)
        if order.status is OrderStatus.ACTIVE and (order.expires_at is None or next_due < order.expires_at):
            _add_check(session, ctx, pk(order), check.assigned_to_id, next_due, now)
        replan(session, order, ctx.settings.reminders, ctx.settings.timezone, now)
        return build_view(session, ctx, order, with_people=True)


def plan_check(ctx: ServiceContext, actor_slack_id: str, reference: str, due_at: datetime) -> RecordView:
    now = ctx.clock.now()
    with session_scope(ctx.engine) as session:
        user = acting_user(session, ctx, actor_slack_id)
        order = order_to_change(session, user, reference)
        if order.status is not OrderStatus.ACTIVE:
            raise Conflict(f"{order.reference} is {order.status.value}: no checks are needed.", "due_at")
        if due_at < now:
            raise DomainError("A planned check must be due in the future. To record one done, use: done.", "due_at")
        _add_check(session, ctx, pk(order), order.officer_id, due_at, now)
        replan(session, order, ctx.settings.reminders, ctx.settings.timezone, now)
        return build_view(session, ctx, order, with_people=True)


def _add_check(
    session: Session, ctx: ServiceContext, order_id: int, assignee_id: int, due_at: datetime, now: datetime
) -> None:
    check = BreachCheck(order_id=order_id, due_at=due_at, assigned_to_id=assignee_id, created_at=now)
    session.add(check)
    session.flush()
    write_creation(
        session, actor=None, at=now, row=check, source=ctx.source, order_id=order_id, system_actor="check-planner"
    )


def record_notification(ctx: ServiceContext, actor_slack_id: str, reference: str, received_at: datetime) -> RecordView:
    """The perpetrator told police their names and home address (DAA 2021 s41(2); SPA 2019 s9(1))."""
    now = ctx.clock.now()
    with session_scope(ctx.engine) as session:
        user = acting_user(session, ctx, actor_slack_id)
        order = order_to_change(session, user, reference)
        waiting = session.exec(
            select(Notification)
            .where(Notification.order_id == order.id, col(Notification.received_at).is_(None))
            .order_by(col(Notification.due_at))
        ).first()
        if waiting is None:
            if order.notification_due_at is None:
                raise Conflict(f"A {order.order_type} carries no duty to notify.", "received_at")
            waiting = Notification(order_id=pk(order), kind=NotificationKind.CHANGE, due_at=received_at, created_at=now)
            session.add(waiting)
        start = order.made_at or order.served_at
        assert start is not None
        raise_if_any(
            [
                validation.not_in_future("received_at", "notification", received_at, now),
                validation.not_before("received_at", "notification", received_at, "order being made", start),
            ]
        )
        waiting.received_at, waiting.recorded_by_id = received_at, user.id
        session.flush()
        write_audit(
            session,
            actor=user,
            at=now,
            action="update",
            entity_type="notification",
            entity_id=waiting.id,
            order_id=order.id,
            after=snapshot(waiting),
            source=ctx.source,
        )
        replan(session, order, ctx.settings.reminders, ctx.settings.timezone, now)
        warnings: tuple[str, ...] = ()
        if received_at > waiting.due_at:
            window = rule_for(order.order_type).notification
            # SPA 2019 s11(1)(a): a failure to notify is its own offence, not a breach of the order.
            what = window.failure if window and window.failure else "Failing to notify may be an offence"
            warnings = (f"The notification came after its 3-day window ended. {what}: consider action.",)
        return build_view(session, ctx, order, with_people=True, warnings=warnings)
