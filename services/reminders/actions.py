"""The reminder message's buttons: acknowledge, done, snooze. Each is authorised (the recipient,
an officer of the record's team, or a supervisor of that team), audited, and returns what the
handler needs to update the message in place."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from models import AppUser, ProtectionOrder, Reminder, ReminderState
from services.context import ServiceContext
from services.errors import Conflict, DomainError, NotAllowed, NotFound
from services.governance.access import can_write
from services.governance.audit import changes, snapshot
from services.records.planning import follow_up_source, is_follow_up
from services.reminders.facts import facts_for
from services.reminders.results import Person, ReminderActionResult
from services.unit_of_work import Acting, acting

SNOOZE_PERIODS = {"1h": timedelta(hours=1), "4h": timedelta(hours=4)}
SNOOZE_UNTIL = {"0800": time(8, 0)}  # until 08:00 local, today if before then, else tomorrow
SNOOZE_CHOICES = (*SNOOZE_PERIODS, *SNOOZE_UNTIL)  # the buttons' choices (blocks.actions.SNOOZE_CHOICES)
# A reminder can be settled while it waits (snoozed or retrying) or after it was posted.
SETTLEABLE = (ReminderState.PENDING, ReminderState.SENT, ReminderState.FAILED)


def acknowledge(ctx: ServiceContext, actor_slack_id: str, reminder_id: int) -> ReminderActionResult:
    """Seen and in hand: stops the re-notification and the escalation to the supervisors."""
    return _settle(ctx, actor_slack_id, reminder_id, "acknowledged")


def done(ctx: ServiceContext, actor_slack_id: str, reminder_id: int) -> ReminderActionResult:
    """Dealt with. Closes the reminder only: the record itself changes through its own commands."""
    return _settle(ctx, actor_slack_id, reminder_id, "done")


def snooze(ctx: ServiceContext, actor_slack_id: str, reminder_id: int, choice: str) -> ReminderActionResult:
    """Send it again later (1h, 4h, or 08:00 next). Escalation waits until it has been sent again."""
    if choice not in SNOOZE_CHOICES:
        raise DomainError(f"Snooze for one of: {', '.join(SNOOZE_CHOICES)}.", "snooze")
    with acting(ctx, actor_slack_id) as work:
        until = _snooze_until(ctx, choice, work.now)
        reminder = _reminder_to_change(work, reminder_id)
        if reminder.state not in (*SETTLEABLE, ReminderState.ACKNOWLEDGED) or reminder.cancelled_at:
            raise Conflict("This reminder is no longer needed, so it cannot be snoozed.")
        before = snapshot(reminder)
        reminder.state, reminder.snoozed_until, reminder.next_attempt_at = ReminderState.PENDING, until, until
        reminder.attempts, reminder.escalate_at, reminder.last_error = 0, None, None
        reminder.acknowledged_at = reminder.acknowledged_by_id = None
        _audit(work, reminder, before, "snooze")
        return _result(work, reminder, "snoozed", Person(work.user.slack_user_id), until, snoozed_until=until)


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
        verb = "acknowledge" if action == "acknowledged" else "done"
        for row in _with_linked(session, reminder):
            before = snapshot(row)
            if row.id != reminder.id and row.state is ReminderState.PENDING and is_follow_up(row.kind):
                row.state, row.cancelled_at = ReminderState.CANCELLED, now  # not sent yet: not needed now
            else:
                row.state, row.acknowledged_at, row.acknowledged_by_id = ReminderState.ACKNOWLEDGED, now, user.id
            row.escalate_at = row.next_attempt_at = None
            _audit(work, row, before, verb)
        return _result(work, reminder, action, Person(user.slack_user_id), now)


def _with_linked(session: Session, reminder: Reminder) -> list[Reminder]:
    """The reminder, its source if it is a follow-up, and the source's other unsettled follow-ups:
    settling any one of them settles the matter for everyone it reached."""
    source_id = follow_up_source(reminder.kind)
    source = session.get(Reminder, int(source_id)) if source_id else reminder
    assert source is not None
    siblings = session.exec(
        select(Reminder).where(
            Reminder.order_id == source.order_id,
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
    order = session.get(ProtectionOrder, reminder.order_id)
    assert order is not None
    # Being its recipient is not enough: the decision is the record's (services.governance.access), so
    # an officer moved to another team cannot settle reminders about the old team's records.
    if not can_write(session, user, order):
        raise NotAllowed(
            f"This reminder is about {order.reference}, which is not yours to act on. Only officers of the "
            "record's team and its supervisors can: if it was yours before you changed team, ask a supervisor "
            "of that team to reassign it."
        )
    return reminder


def _snooze_until(ctx: ServiceContext, choice: str, now: datetime) -> datetime:
    if choice in SNOOZE_PERIODS:
        return now + SNOOZE_PERIODS[choice]
    tz = ctx.settings.timezone
    local = now.astimezone(tz)
    at = SNOOZE_UNTIL[choice]
    day = local.date() if local.time() < at else local.date() + timedelta(days=1)
    return datetime.combine(day, at, tzinfo=tz)


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
