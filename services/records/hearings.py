"""Booking, adjourning and deciding hearings. A granted notice application creates the order."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import col, select

from models import (
    AppUser,
    Hearing,
    HearingOutcome,
    OrderProtectedPerson,
    OrderStatus,
    Perpetrator,
    ProtectedPerson,
    ProtectionOrder,
)
from models.types import pk
from rules import validation
from rules.lifecycle import Event, entered_late_in_time
from rules.order_types import rule_for
from rules.validation import Violation
from services import stored_text
from services.context import ServiceContext
from services.errors import Conflict, DomainError, raise_if_any
from services.governance.audit import snapshot
from services.records.breach_court import refresh_court_deadlines
from services.records.calendar import force_calendar
from services.records.lifecycle import end_record
from services.records.order_writer import OrderTerms, insert_order, validate_length
from services.records.state import require, require_hearing_held, situation
from services.unit_of_work import Change, changing
from services.views import RecordView
from services.when import show


@dataclass(frozen=True)
class GrantTerms:
    """What the court set when it granted the order."""

    duration_days: int | None = None
    last_day: date | None = None
    until_further_order: bool = False
    conditions: str | None = None


def book_hearing(
    ctx: ServiceContext, actor_slack_id: str, reference: str, scheduled_at: datetime, court: str | None = None
) -> RecordView:
    raise_if_any([stored_text.violation(Hearing, "court", court)])
    with changing(ctx, actor_slack_id, reference) as change:
        hearings_so_far = change.hearings_of(change.order)
        if not entered_late_in_time(situation(change.order, hearings_so_far), scheduled_at):
            require(change.session, change.order, Event.BOOK_HEARING, change.now, hearings_so_far)
        if _pending_hearing(change) is not None:
            raise Conflict(
                f"{change.order.reference} already has a hearing booked. Record its outcome, or adjourn it to a "
                "new time.",
                "scheduled_at",
            )
        _, warnings = _add_hearing(change, scheduled_at, court)
        # An arrest for breach before this hearing: the hearing may now be the earlier court deadline.
        refresh_court_deadlines(change, change.order, force_calendar(change.session, ctx.settings))
        return change.view(warnings=warnings)


def adjourn_hearing(
    ctx: ServiceContext, actor_slack_id: str, reference: str, to: datetime, court: str | None = None
) -> RecordView:
    """The notice continues in effect through adjournments (DAA 2021 s29(7); CSA 2010 s27)."""
    raise_if_any([stored_text.violation(Hearing, "court", court)])
    with _changing(ctx, actor_slack_id, reference, Event.ADJOURN_HEARING) as change:
        pending = _pending_hearing(change)
        if pending is None:
            raise Conflict(
                f"{change.order.reference} has no hearing booked to adjourn. Book one first.", "scheduled_at"
            )
        require_hearing_held(change.order, pending, Event.ADJOURN_HEARING, change.now)
        before = snapshot(pending)
        pending.outcome, pending.outcome_recorded_at = HearingOutcome.ADJOURNED, change.now
        new_hearing, warnings = _add_hearing(change, to, court or pending.court, after=pending)
        pending.adjourned_to_id = new_hearing.id
        change.changed(pending, before, order_id=change.order.id)
        refresh_court_deadlines(change, change.order, force_calendar(change.session, ctx.settings))
        return change.view(warnings=warnings)


def record_outcome(
    ctx: ServiceContext,
    actor_slack_id: str,
    reference: str,
    outcome: HearingOutcome,
    decided_at: datetime,
    terms: GrantTerms | None = None,
) -> RecordView:
    """Granted: the follow-on order (DVPO, DAPO) is created and linked, the notice superseded.
    Refused or withdrawn: the notice ends."""
    if outcome is HearingOutcome.ADJOURNED:
        raise DomainError("To adjourn, use adjourn with the new hearing time.", "outcome")
    with _changing(ctx, actor_slack_id, reference, Event.DECIDE_HEARING) as change:
        order, now = change.order, change.now
        rule = rule_for(order.order_type)
        hearing = _pending_hearing(change)
        if hearing is None:
            raise Conflict(
                f"{order.reference} has no hearing booked. Book the hearing first, then its outcome.", "outcome"
            )
        require_hearing_held(order, hearing, Event.DECIDE_HEARING, now)
        raise_if_any(
            [
                validation.not_in_future("decided_at", "decision", decided_at, now),
                validation.not_before("decided_at", "decision", decided_at, "hearing", hearing.scheduled_at),
            ]
        )
        before = snapshot(hearing)
        hearing.outcome, hearing.outcome_recorded_at = outcome, now
        change.changed(hearing, before, order_id=order.id)
        follow_on = None
        if rule.is_notice:
            if outcome is HearingOutcome.GRANTED:
                follow_on = _grant(change, decided_at, terms or GrantTerms(), hearing)
            end_record(change, order, _notice_status(outcome), decided_at, f"application {outcome.value}")
        return change.view(follow_on)


def _notice_status(outcome: HearingOutcome) -> OrderStatus:
    return {
        HearingOutcome.GRANTED: OrderStatus.SUPERSEDED,
        HearingOutcome.REFUSED: OrderStatus.REFUSED,
        HearingOutcome.WITHDRAWN: OrderStatus.WITHDRAWN,
    }[outcome]


def _grant(change: Change, made_at: datetime, terms: GrantTerms, hearing: Hearing) -> ProtectionOrder:
    """The order protects the same people from the same person as the notice it follows."""
    session, notice = change.session, change.order
    rule = rule_for(notice.order_type)
    assert rule.follow_on is not None
    order_rule = rule_for(rule.follow_on)
    order_terms = OrderTerms(
        order_type=order_rule.code,
        made_at=made_at,
        served_at=made_at,
        court=hearing.court or notice.court,
        conditions=terms.conditions,
        duration_days=terms.duration_days,
        last_day=terms.last_day,
        until_further_order=terms.until_further_order,
        risk_level=notice.risk_level,
        children_present=notice.children_present,
        crime_reference=notice.crime_reference,
    )
    raise_if_any(validate_length(order_rule, order_terms, made_at))
    officer = session.get(AppUser, notice.officer_id)
    assert officer is not None
    perpetrator = session.get(Perpetrator, notice.perpetrator_id)
    assert perpetrator is not None
    protected = session.exec(
        select(ProtectedPerson)
        .join(OrderProtectedPerson, col(OrderProtectedPerson.person_id) == ProtectedPerson.id)
        .where(OrderProtectedPerson.order_id == notice.id)
    ).all()
    order, _ = insert_order(
        session,
        change.ctx,
        change.user,
        officer,
        order_rule,
        order_terms,
        perpetrator=perpetrator,
        protected=protected,
        parent=notice,
        now=change.now,
    )
    return order


def _add_hearing(
    change: Change, scheduled_at: datetime, court: str | None, after: Hearing | None = None
) -> tuple[Hearing, tuple[str, ...]]:
    order = change.order
    start = order.served_at or order.made_at
    problems: list[Violation | None] = []
    if start is not None:
        problems.append(validation.not_before("scheduled_at", "hearing", scheduled_at, "service", start))
    if after is not None and scheduled_at <= after.scheduled_at:
        problems.append(Violation("scheduled_at", "An adjourned hearing must be later than the one adjourned."))
    raise_if_any(problems)
    # A hearing after the statutory deadline is a fact: allowed, but flagged loudly.
    late = bool(after is None and order.hearing_deadline_at and scheduled_at > order.hearing_deadline_at)
    hearing = Hearing(
        order_id=pk(order),
        scheduled_at=scheduled_at,
        court=court,
        after_statutory_deadline=late,
        created_by_id=pk(change.user),
        created_at=change.now,
    )
    change.created(hearing, order_id=order.id)
    warnings: tuple[str, ...] = ()
    tz = change.ctx.settings.timezone
    day = force_calendar(change.session, change.ctx.settings).ruling(scheduled_at.astimezone(tz).date())
    if day.excluded:
        # Magistrates' courts rarely sit on such a day: a likely slip in the date, so say so.
        warnings += (
            f"The hearing is booked on {show(scheduled_at, tz)}, an excluded day ({day.reason}). "
            "Check the date with the court, and correct the record if it is wrong.",
        )
    if late:
        assert order.hearing_deadline_at is not None
        warnings += (
            f"This hearing ({show(scheduled_at, tz)}) is after the statutory deadline "
            f"({show(order.hearing_deadline_at, tz)}, {_clock_citation(order)}). "
            "It is recorded and flagged: unless it can be brought forward the notice will lapse.",
        )
    return hearing, warnings


def _clock_citation(order: ProtectionOrder) -> str:
    clock = rule_for(order.order_type).hearing_clock
    return clock.citation if clock else rule_for(order.order_type).statute


def _pending_hearing(change: Change) -> Hearing | None:
    """The earliest hearing with no outcome yet."""
    pending = (hearing for hearing in change.hearings_of(change.order) if hearing.outcome is None)
    return min(pending, key=lambda hearing: hearing.scheduled_at, default=None)


@contextmanager
def _changing(ctx: ServiceContext, actor_slack_id: str, reference: str, event: Event) -> Iterator[Change]:
    """A change to a record whose state allows `event` (rules/lifecycle.py)."""
    with changing(ctx, actor_slack_id, reference) as change:
        require(change.session, change.order, event, change.now, change.hearings_of(change.order))
        yield change
