"""The end of a record: closed by an officer, discharged or varied by a court, lapsed or expired
by the passage of time (the scheduler's daily rollover calls `apply_time`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel import Session, col, func, select

from models import Breach, BreachCheck, OrderStatus, ProtectionOrder
from models.types import pk
from rules import validation
from rules.deadlines import order_expiry
from rules.lifecycle import Event
from rules.order_types import rule_for
from services import stored_text
from services.context import ServiceContext
from services.errors import Conflict, DomainError, raise_if_any
from services.governance.audit import snapshot
from services.records.order_writer import OrderTerms, validate_length
from services.records.planning import refresh_next_deadline
from services.records.state import lapse_time, lapsed_unmarked, require
from services.unit_of_work import Work, changing, system
from services.views import RecordView

ROLLOVER = "rollover"  # the daily job that applies the passage of time, as the audit trail names it
CLOSING_STATUSES = {
    "discharged": OrderStatus.DISCHARGED,
    "withdrawn": OrderStatus.WITHDRAWN,
    "closed": OrderStatus.CLOSED,
}


def close(
    ctx: ServiceContext,
    actor_slack_id: str,
    reference: str,
    reason: str,
    *,
    status: str = "closed",
    at: datetime | None = None,
) -> RecordView:
    now = ctx.clock.now()
    if not reason.strip():
        raise DomainError("Say why the record is being closed (it goes in the audit trail).", "reason")
    raise_if_any([stored_text.violation(ProtectionOrder, "close_reason", reason.strip())])
    if status not in CLOSING_STATUSES:
        raise DomainError(f"Close as one of: {', '.join(CLOSING_STATUSES)}.", "status")
    ended = at or now
    with changing(ctx, actor_slack_id, reference) as change:
        order = change.order
        if order.status is not OrderStatus.ACTIVE:
            raise Conflict(f"{order.reference} is already {order.status.value}.")
        require(change.session, order, Event.CLOSE, change.now)
        raise_if_any([validation.not_in_future("at", "closing", ended, now)])
        end_record(change, order, CLOSING_STATUSES[status], ended, reason.strip())
        return change.view()


@dataclass(frozen=True)
class Variation:
    last_day: date | None = None
    until_further_order: bool = False
    conditions: str | None = None


def vary(ctx: ServiceContext, actor_slack_id: str, reference: str, change: Variation) -> RecordView:
    """A court varied the order: a new end date or conditions. The length rules still apply."""
    if change.last_day is None and not change.until_further_order and change.conditions is None:
        raise DomainError("Nothing to vary: give a new end date, until further order, or new conditions.")
    with changing(ctx, actor_slack_id, reference) as work:
        order = work.order
        rule = rule_for(order.order_type)
        require(work.session, order, Event.VARY, work.now)
        if order.status is not OrderStatus.ACTIVE or rule.is_notice:
            raise Conflict(f"{order.reference} cannot be varied: only an order in force can be.")
        before = snapshot(order)
        if change.last_day is not None or change.until_further_order:
            start = order.made_at or order.served_at
            assert start is not None
            terms = OrderTerms(
                order_type=order.order_type,
                last_day=change.last_day,
                until_further_order=change.until_further_order,
                authoriser_rank=order.authoriser_rank,
            )
            raise_if_any(validate_length(rule, terms, start))
            expiry = None if change.until_further_order else order_expiry(rule, start, last_day=change.last_day)
            order.expires_at = expiry.at if expiry else None
            order.until_further_order = change.until_further_order
        if change.conditions is not None:
            order.conditions = change.conditions.strip() or None
        work.changed(order, before, order_id=order.id)
        return work.view()


def end_record(work: Work, order: ProtectionOrder, status: OrderStatus, at: datetime, reason: str) -> None:
    """The record ends `at` (by whoever `work` acts for: an officer, a court's decision, the rollover)."""
    before = snapshot(order)
    order.status, order.closed_at, order.close_reason = status, at, reason
    work.changed(order, before, order_id=order.id)
    _cancel_checks_after(work, order, at)
    work.touch(order)


def _cancel_checks_after(work: Work, order: ProtectionOrder, ended: datetime) -> None:
    """Open checks falling due after the record ended are no longer needed: they are marked so,
    with the end as the time, and leave the figures of checks due (services.reporting.stats)."""
    checks = work.session.exec(
        select(BreachCheck).where(
            BreachCheck.order_id == order.id,
            col(BreachCheck.done_at).is_(None),
            col(BreachCheck.cancelled_at).is_(None),
            col(BreachCheck.due_at) > ended,
        )
    ).all()
    for check in checks:
        before = snapshot(check)
        check.cancelled_at = ended
        work.changed(check, before, order_id=order.id)


@dataclass(frozen=True)
class TimeApplied:
    lapsed: tuple[str, ...]
    expired: tuple[str, ...]
    deadlines_passed: tuple[str, ...] = ()  # records whose stored next deadline was a passed court deadline


def apply_time(ctx: ServiceContext) -> TimeApplied:
    """Notices whose hearing deadline passed with no hearing held by then have lapsed (CSA 2010
    s27(3); DAA 2021 s29(2)); orders past their end have expired. A notice with a hearing listed in
    time but no outcome recorded is left active: it may have been heard, and its officer is alerted."""
    expired: list[str] = []
    with system(ctx, ROLLOVER) as work:
        session, now = work.session, work.now
        lapsed = _lapse_overdue(work)
        ended = session.exec(
            select(ProtectionOrder)
            .where(ProtectionOrder.status == OrderStatus.ACTIVE, col(ProtectionOrder.expires_at) <= now)
            .with_for_update(skip_locked=True)
        ).all()
        for order in ended:
            assert order.expires_at is not None
            require(session, order, Event.EXPIRE, now)
            end_record(work, order, OrderStatus.EXPIRED, order.expires_at, "reached its end date")
            expired.append(order.reference)
        work.replan_touched()  # the ended records' next deadlines are stored before the stale ones are sought
        passed = _past_court_deadlines(session, now)
    return TimeApplied(lapsed, tuple(expired), passed)


def _lapse_overdue(work: Work) -> tuple[str, ...]:
    """Mark lapsed the notices lapsed in law (services.records.state.lapsed_unmarked). A hearing
    listed after the deadline does not save one: CSA 2010 s27(3); DAA 2021 s29(2)."""
    overdue = work.session.exec(
        select(ProtectionOrder).where(lapsed_unmarked(work.now)).with_for_update(skip_locked=True)
    ).all()
    for order in overdue:
        lapsed_at = lapse_time(order)
        assert lapsed_at is not None
        require(work.session, order, Event.LAPSE, work.now)
        reason = "no hearing within 48 hours of service: the notice lapsed; remove it from the PNC"
        if lapsed_at != order.hearing_deadline_at:
            reason += " (lapse timed by the literal reading: Saturday 26 December disregarded, BFDA 1971 Sch 1)"
        end_record(work, order, OrderStatus.LAPSED, lapsed_at, reason)
    return tuple(order.reference for order in overdue)


def store_passed_deadlines(ctx: ServiceContext) -> tuple[str, ...]:
    """Between daily rollovers: notices lapsed in law are marked lapsed at once (so no card,
    list or digest calls one active), and records whose stored next deadline was a passed breach
    court deadline have it stored again. Cheap (index ranges) and safe from several processes.
    Returns the references whose next deadline was stored again."""
    with system(ctx, ROLLOVER) as work:
        _lapse_overdue(work)
        work.replan_touched()
        return _past_court_deadlines(work.session, work.now)


def _past_court_deadlines(session: Session, now: datetime) -> tuple[str, ...]:
    """A breach court deadline stops counting once it has passed (services.records.planning.deadlines_ahead),
    so a record whose stored next deadline is one has its next deadline stored again. Only time
    changed, not the record, so nothing is audited and no reminder is replanned."""
    is_court_deadline = (
        select(Breach.id)
        .where(
            col(Breach.order_id) == col(ProtectionOrder.id),
            col(Breach.court_deadline_at) == col(ProtectionOrder.next_deadline_at),
        )
        .exists()
    )
    stale = session.exec(
        select(ProtectionOrder)
        .where(col(ProtectionOrder.next_deadline_at) < now, is_court_deadline)
        .with_for_update(skip_locked=True)
    ).all()
    for order in stale:
        refresh_next_deadline(session, order, now)
    return tuple(order.reference for order in stale)


def plan_due_checks(ctx: ServiceContext) -> tuple[str, ...]:
    """Every order in force has a breach check waiting: the first DVPN_FIRST_BREACH_CHECK_HOURS after
    service, then every DVPN_BREACH_CHECK_INTERVAL_DAYS after the last one done (a force policy),
    while the order is in force. Plans a check for each active order with none open; safe to run
    twice and from several processes (orders are locked, and one with a check open is skipped).
    Returns the references given a check."""
    policy = ctx.settings.reminders
    planned: list[str] = []
    with system(ctx, ROLLOVER) as work:
        session, now = work.session, work.now
        open_check = select(BreachCheck.id).where(
            col(BreachCheck.order_id) == col(ProtectionOrder.id), col(BreachCheck.done_at).is_(None)
        )
        orders = session.exec(
            select(ProtectionOrder)
            .where(ProtectionOrder.status == OrderStatus.ACTIVE, ~open_check.exists())
            .with_for_update(skip_locked=True)
        ).all()
        for order in orders:
            done = select(func.max(BreachCheck.done_at)).where(BreachCheck.order_id == order.id)
            last_done = session.exec(done).one()
            start = order.served_at or order.made_at
            if last_done is not None:
                due = last_done + timedelta(days=policy.breach_check_interval_days)
            elif start is not None:
                due = start + timedelta(hours=policy.first_breach_check_hours)
            else:
                continue
            if order.expires_at is not None and due >= order.expires_at:
                continue
            check = BreachCheck(order_id=pk(order), due_at=due, assigned_to_id=order.officer_id, created_at=now)
            work.created(check, order_id=order.id)
            work.touch(order)
            planned.append(order.reference)
    return tuple(planned)
