"""Updating posted reminders' messages once they are moot: claiming the updates that are due, and
recording how each went.

The need for an update is written on the reminder row (update_reason, update_due_at) in the very
transaction that made the reminder moot (services.records.planning.ask_update), so it survives any
crash. A claim pushes update_due_at one lease ahead, so another sweeper leaves it alone while it is
being applied and picks it up if this process dies. chat.update sets the whole message, so applying
one twice shows the same thing: a retry after a failure that may have landed is safe.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from sqlmodel import Session, col, select

from models import AppUser, Hearing, Reminder
from services.context import ServiceContext
from services.records.planning import MOOT_HEARING_BOOKED
from services.reminders.facts import facts_for
from services.reminders.queue import SCHEDULER, retry_at
from services.reminders.results import Person, ReminderActionResult, ReminderFacts
from services.unit_of_work import system

log = logging.getLogger(__name__)

# Slack's answers for a message that is not there to update: deleted, or its conversation gone.
# The reasons a reminder went moot all start so (services.records.planning.moot_reason).
MOOT = "moot_"
GONE = ("message_not_found", "channel_not_found", "cant_update_message", "is_archived")


@dataclass(frozen=True)
class MessageUpdate:
    """One posted message to rewrite: what it is about, and what became of it."""

    result: ReminderActionResult  # reason as its action; who settled it and when, if someone did


def claim_updates(ctx: ServiceContext, limit: int = 100) -> list[MessageUpdate]:
    """The updates due now, each claimed for one lease (DVPN_CLAIM_LEASE_SECONDS)."""
    now = ctx.clock.now()
    lease = timedelta(seconds=ctx.settings.reminders.claim_lease_seconds)
    with system(ctx, SCHEDULER) as work:
        session = work.session
        rows = session.exec(
            select(Reminder)
            .where(col(Reminder.update_due_at) <= now)
            .order_by(col(Reminder.update_due_at), col(Reminder.id))
            .limit(limit)
            .with_for_update(skip_locked=True)
        ).all()
        if not rows:
            return []
        found = facts_for(session, rows, ctx.settings, now, late=False)
        claimed = []
        for row in rows:
            assert row.id is not None and row.update_reason is not None
            row.update_due_at, row.update_attempts = now + lease, row.update_attempts + 1
            claimed.append(MessageUpdate(_settled(session, row, found[row.id])))
        return claimed


def _settled(session: Session, row: Reminder, facts: ReminderFacts) -> ReminderActionResult:
    """What became of the reminder: moot through someone's change (who made it so and when, and
    for a hearing booked, when it is listed), or settled by someone who pressed a button."""
    assert row.update_reason is not None
    moot = row.update_reason.startswith(MOOT)
    by_id = row.moot_by_id if moot else row.acknowledged_by_id
    by = session.get(AppUser, by_id) if by_id else None
    at = row.moot_at if moot else (row.acknowledged_at if by else row.cancelled_at)
    hearing_at = None
    if row.update_reason == MOOT_HEARING_BOOKED:
        hearing_at = session.exec(
            select(Hearing.scheduled_at)
            .where(Hearing.order_id == row.order_id, col(Hearing.outcome).is_(None))
            .order_by(col(Hearing.scheduled_at))
        ).first()
    return ReminderActionResult(
        facts,
        row.update_reason,
        Person(by.slack_user_id if by else None),
        at,
        row.slack_channel,
        row.slack_ts,
        hearing_at=hearing_at,
    )


def updated(ctx: ServiceContext, reminder_id: int, reason: str) -> None:
    """The message now says `reason`. A newer reason recorded meanwhile (someone acknowledged it
    while the update was under way) stays due."""
    with system(ctx, SCHEDULER) as work:
        row = work.session.exec(select(Reminder).where(Reminder.id == reminder_id).with_for_update()).first()
        if row is not None and row.update_reason == reason:
            row.update_due_at = None


def not_updated(ctx: ServiceContext, reminder_id: int, error: str, *, retryable: bool) -> str:
    """chat.update failed: again after a backoff that doubles per attempt while attempts are left
    (DVPN_MAX_SEND_ATTEMPTS), else given up. A message gone from Slack needs no update. Returns
    'retrying', 'gone' or 'given up'. Logs the Slack error code only."""
    now = ctx.clock.now()
    policy = ctx.settings.reminders
    with system(ctx, SCHEDULER) as work:
        row = work.session.exec(select(Reminder).where(Reminder.id == reminder_id).with_for_update()).first()
        if row is None or row.update_due_at is None:
            return "given up"
        if error.startswith(GONE):
            row.update_due_at = None
            log.warning("reminder %s: its message is gone from Slack (%s): not updated", reminder_id, error)
            return "gone"
        if retryable and row.update_attempts < policy.max_send_attempts:
            row.update_due_at = retry_at(policy, row.update_attempts, now)
            log.warning("reminder %s: message not updated (%s): trying again later", reminder_id, error)
            return "retrying"
        row.update_due_at = None
        log.error("reminder %s: message not updated after %s attempts: %s", reminder_id, row.update_attempts, error)
        return "given up"
