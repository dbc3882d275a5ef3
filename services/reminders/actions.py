"""The reminder message's buttons. Acknowledge (seen, stop the escalation) and Dismiss (clear the
message) settle the reminder only; the buttons named for work do it: record the breach check, add
the breach's crime reference, book the hearing or record its outcome (the last two through their
forms, then `followed`). Snoozes never end after the deadline the reminder is about. Each is
authorised (the recipient, an officer of the record's team, or a supervisor of that team), audited,
and returns what the handler needs to update the message in place."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from models import AppUser, Reminder, ReminderState
from services.context import ServiceContext
from services.errors import Conflict, DomainError, NotAllowed, NotFound
from services.governance.access import can_write
from services.governance.audit import changes, snapshot
from services.records import breaches, checks
from services.records.planning import ask_update, follow_up_source, is_follow_up
from services.reminders.about import record_of, same_record
from services.reminders.facts import facts_for
from services.reminders.results import Offer, Person, ReminderActionResult
from services.reminders.snoozing import SNOOZE_CHOICES, fits, snooze_until
from services.unit_of_work import Acting, acting
from services.views import RecordView

# A reminder can be settled while it waits (snoozed or retrying) or after it was posted.
SETTLEABLE = (ReminderState.PENDING, ReminderState.SENT, ReminderState.FAILED)
# What a reminder's message says once the work its button names was done through a form.
FOLLOWED = {Offer.CHECK: "check_recorded", Offer.CRIME_REFERENCE: "crime_reference_added"}
FOLLOWED |= {Offer.HEARING: "hearing_booked", Offer.OUTCOME: "outcome_recorded"}


@dataclass(frozen=True)
class ReminderWork:
    """What a reminder's work button acts on: the record, and the work still to do."""

    reminder_id: int
    reference: str
    offer: Offer


def acknowledge(ctx: ServiceContext, actor_slack_id: str, reminder_id: int) -> ReminderActionResult:
    """Seen and in hand: stops the re-notification and the escalation to the supervisors."""
    return _settle(ctx, actor_slack_id, reminder_id, "acknowledged")


def dismiss(ctx: ServiceContext, actor_slack_id: str, reminder_id: int) -> ReminderActionResult:
    """Clears the reminder only: the record changes through its own buttons and commands."""
    return _settle(ctx, actor_slack_id, reminder_id, "dismissed")


def snooze(ctx: ServiceContext, actor_slack_id: str, reminder_id: int, choice: str) -> ReminderActionResult:
    """Send it again later (1h, 4h, or 08:00 next), never after the deadline it is about.
    Escalation waits until it has been sent again."""
    if choice not in SNOOZE_CHOICES:
        raise DomainError(f"Snooze for one of: {', '.join(SNOOZE_CHOICES)}.", "snooze")
    with acting(ctx, actor_slack_id) as work:
        until = snooze_until(choice, work.now, ctx.settings.timezone)
        reminder = _reminder_to_change(work, reminder_id)
        if reminder.state not in (*SETTLEABLE, ReminderState.ACKNOWLEDGED) or reminder.cancelled_at:
            raise Conflict("This reminder is no longer needed, so it cannot be snoozed.")
        assert reminder.id is not None
        deadline = facts_for(work.session, [reminder], ctx.settings, work.now, late=False)[reminder.id].deadline
        if not fits(until, deadline):
            assert deadline is not None
            raise Conflict(
                "A snooze cannot end after the deadline it is about "
                f"({deadline.astimezone(ctx.settings.timezone):%a %d %b %H:%M}). "
                "Acknowledge it, or deal with it now.",
                "snooze",
            )
        before = snapshot(reminder)
        reminder.state, reminder.snoozed_until, reminder.next_attempt_at = ReminderState.PENDING, until, until
        reminder.attempts, reminder.escalate_at, reminder.last_error = 0, None, None
        reminder.acknowledged_at = reminder.acknowledged_by_id = None
        _audit(work, reminder, before, "snooze")
        return _result(work, reminder, "snoozed", Person(work.user.slack_user_id), until, snoozed_until=until)


def work_of(ctx: ServiceContext, actor_slack_id: str, reminder_id: int) -> ReminderWork:
    """The work a reminder's button opens a form for, refused if it is already done (the check
    recorded, the hearing booked) or the user may not act on the record."""
    with acting(ctx, actor_slack_id) as work:
        reminder = _reminder_to_change(work, reminder_id)
        assert reminder.id is not None
        offer = facts_for(work.session, [reminder], ctx.settings, work.now, late=False)[reminder.id].offer
        if offer is None:
            raise Conflict("What this reminder asked for has been done already. Open the record to see it.")
        order = record_of(work.session, reminder)
        return ReminderWork(reminder.id, order.reference, offer)


def record_check(
    ctx: ServiceContext, actor_slack_id: str, reminder_id: int, outcome: str | None = None
) -> ReminderActionResult:
    """The check a 'breach check due' reminder is about, recorded as done now; the reminder (and
    any escalation of it) is then settled."""
    found = work_of(ctx, actor_slack_id, reminder_id)
    if found.offer is not Offer.CHECK:
        raise Conflict("This reminder is not about a breach check. Open the record instead.")
    checks.complete_check(ctx, actor_slack_id, found.reference, ctx.clock.now(), outcome)
    return followed(ctx, actor_slack_id, reminder_id, Offer.CHECK, found.reference)


def add_crime_reference(ctx: ServiceContext, actor_slack_id: str, reminder_id: int, crime_reference: str) -> RecordView:
    """The crime reference of the very breach a 'no crime reference' reminder is about."""
    found = work_of(ctx, actor_slack_id, reminder_id)
    if found.offer is not Offer.CRIME_REFERENCE:
        raise Conflict("This reminder is not about a crime reference. Open the record instead.")
    with acting(ctx, actor_slack_id) as work:
        reminder = _reminder_to_change(work, reminder_id)
        planned = _planned(work.session, reminder)
        breach_id = int(planned.kind.split(":")[1])
    return breaches.add_crime_reference(ctx, actor_slack_id, found.reference, crime_reference, breach_id=breach_id)


def followed(
    ctx: ServiceContext, actor_slack_id: str, reminder_id: int, offer: Offer, reference: str
) -> ReminderActionResult:
    """After the work a reminder asked for was done on record `reference` (by its button or its
    form): the reminder and its follow-ups are settled, and the message says what was done, by
    whom, when."""
    action = FOLLOWED[offer]
    with acting(ctx, actor_slack_id) as work:
        session, user, now = work.session, work.user, work.now
        reminder = _reminder_to_change(work, reminder_id)
        order = record_of(session, reminder)
        if order.reference != reference:
            raise Conflict("That reminder is about another record. Open the record instead.")
        for row in _with_linked(session, reminder):
            if row.state not in SETTLEABLE:
                continue
            before = snapshot(row)
            if row.id != reminder.id and row.state is ReminderState.PENDING:
                row.state, row.cancelled_at = ReminderState.CANCELLED, now
            else:
                row.state, row.acknowledged_at, row.acknowledged_by_id = ReminderState.ACKNOWLEDGED, now, user.id
            row.escalate_at = row.next_attempt_at = None
            _tell_the_others(row, reminder, action, now)
            _audit(work, row, before, action)
        return _result(work, reminder, action, Person(user.slack_user_id), now)


def _settle(ctx: ServiceContext, actor_slack_id: str, reminder_id: int, action: str) -> ReminderActionResult:
    with acting(ctx, actor_slack_id) as work:
        session, user, now = work.session, work.user, work.now
        reminder = _reminder_to_change(work, reminder_id)
        if reminder.state is ReminderState.ACKNOWLEDGED:
            by = session.get(AppUser, reminder.acknowledged_by_id) if reminder.acknowledged_by_id else None
            who = Person(by.slack_user_id if by else None)
            return _result(work, reminder, "already", who, reminder.acknowledged_at)
        if reminder.state is ReminderState.CLAIMED:
            raise Conflict("This reminder is being sent right now. Try again in a moment.")
        if reminder.state not in SETTLEABLE:
            raise Conflict("This reminder is no longer needed: nothing to do.")
        verb = "acknowledge" if action == "acknowledged" else "dismiss"
        for row in _with_linked(session, reminder):
            before = snapshot(row)
            if row.id != reminder.id and row.state is ReminderState.PENDING and is_follow_up(row.kind):
                row.state, row.cancelled_at = ReminderState.CANCELLED, now  # not sent yet: not needed now
            else:
                row.state, row.acknowledged_at, row.acknowledged_by_id = ReminderState.ACKNOWLEDGED, now, user.id
            row.escalate_at = row.next_attempt_at = None
            _tell_the_others(row, reminder, action, now)
            _audit(work, row, before, verb)
        return _result(work, reminder, action, Person(user.slack_user_id), now)


def _tell_the_others(row: Reminder, pressed: Reminder, action: str, now: datetime) -> None:
    """Every other posted copy of the matter (the officer's alert, its re-send, the supervisors'
    escalations) is updated by the sweep to say who settled it; the pressed message is updated by
    the button's handler at once, so any update still waiting for it (it went moot) is dropped."""
    if row.id == pressed.id:
        row.update_due_at = None
    elif row.state is ReminderState.ACKNOWLEDGED:
        ask_update(row, action, now, replace=True)


def _planned(session: Session, reminder: Reminder) -> Reminder:
    """The planned reminder a follow-up is about (a planned one is its own)."""
    source_id = follow_up_source(reminder.kind)
    source = session.get(Reminder, int(source_id)) if source_id else reminder
    if source is None:
        raise NotFound("That reminder no longer exists.")
    return source


def _with_linked(session: Session, reminder: Reminder) -> list[Reminder]:
    """The reminder, its source if it is a follow-up, and the source's other unsettled follow-ups:
    settling any one of them settles the matter for everyone it reached."""
    source = _planned(session, reminder)
    siblings = session.exec(
        select(Reminder).where(
            same_record(source),
            sa.or_(
                col(Reminder.kind) == f"renotify:{source.id}",
                col(Reminder.kind).startswith(f"escalation:{source.id}:"),
            ),
        )
    ).all()
    linked = {r.id: r for r in (source, *siblings) if r.state in SETTLEABLE}
    linked[reminder.id] = reminder
    return list(linked.values())


def _reminder_to_change(work: Acting, reminder_id: int) -> Reminder:
    """The reminder, locked for update, if the user may act on it."""
    session, user = work.session, work.user
    reminder = session.exec(select(Reminder).where(Reminder.id == reminder_id).with_for_update()).first()
    if reminder is None:
        raise NotFound("That reminder no longer exists.")
    order = record_of(session, reminder)
    # Being its recipient is not enough: the decision is the record's (services.governance.access), so
    # an officer moved to another team cannot settle reminders about the old team's records.
    if not can_write(session, user, order):
        raise NotAllowed(
            f"This reminder is about {order.reference}, which is not yours to act on. Only officers of the "
            "record's team and its supervisors can: if it was yours before you changed team, ask a supervisor "
            "of that team to reassign it."
        )
    return reminder


def _audit(work: Acting, row: Reminder, before: dict[str, Any], action: str) -> None:
    old, new = changes(before, snapshot(row))
    work.audit(action, "reminder", row.id, order_id=row.order_id, before=old, after=new)


def _result(
    work: Acting,
    reminder: Reminder,
    action: str,
    by: Person,
    at: datetime | None,
    snoozed_until: datetime | None = None,
) -> ReminderActionResult:
    work.session.flush()
    assert reminder.id is not None
    facts = facts_for(work.session, [reminder], work.ctx.settings, work.now, late=False)[reminder.id]
    return ReminderActionResult(facts, action, by, at, reminder.slack_channel, reminder.slack_ts, snoozed_until)
