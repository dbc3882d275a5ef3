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

from sqlmodel import col, select

from models import AppUser, Reminder
from services.context import ServiceContext
from services.reminders.facts import facts_for
from services.reminders.queue import MAX_BACKOFF, SCHEDULER
from services.reminders.results import Person, ReminderActionResult
from services.unit_of_work import system

log = logging.getLogger(__name__)

# Slack's answers for a message that is not there to update: deleted, or its conversation gone.
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
            by = session.get(AppUser, row.acknowledged_by_id) if row.acknowledged_by_id else None
            result = ReminderActionResult(
                found[row.id],
                row.update_reason,
                Person(by.slack_user_id if by else None),
                row.acknowledged_at if by else row.cancelled_at,
                row.slack_channel,
                row.slack_ts,
            )
            claimed.append(MessageUpdate(result))
        return claimed


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
            backoff = timedelta(seconds=policy.retry_backoff_seconds) * 2 ** (row.update_attempts - 1)
            row.update_due_at = now + min(backoff, MAX_BACKOFF)
            log.warning("reminder %s: message not updated (%s): trying again later", reminder_id, error)
            return "retrying"
        row.update_due_at = None
        log.error("reminder %s: message not updated after %s attempts: %s", reminder_id, row.update_attempts, error)
        return "given up"
