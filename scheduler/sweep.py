"""The reminder sweep: escalate what nobody acknowledged, then claim due reminders in short
transactions, post each through the notifier outside any transaction, and record the result at
once. Reads the time only from ctx.clock, so tests and the console can move it."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from blocks.reminders import reminder_blocks
from scheduler.notifier import DeliveryError, Notifier
from services import reminder_queue
from services.context import ServiceContext
from services.reminder_queue import Claim

log = logging.getLogger(__name__)


@dataclass
class SweepResult:
    escalated: int = 0  # critical reminders escalated this sweep (their follow-ups are then sent)
    claimed: int = 0
    sent: int = 0
    retrying: int = 0  # failed this time, pending again after a backoff
    failed: int = 0  # out of attempts, or refused by Slack for good: shown in the digest
    skipped: int = 0  # claimed but settled without posting (withdrawn follow-ups, no recipient)
    released: int = 0  # handed back unposted (lease ran out, or Slack refused our token)
    stopped: str | None = None  # why the sweep stopped early, if it did


def sweep_once(ctx: ServiceContext, notifier: Notifier, worker_id: str) -> SweepResult:
    """One sweep, until nothing is due. Safe to run in any number of processes at once."""
    result = SweepResult(escalated=reminder_queue.escalate_due(ctx))
    batch = ctx.settings.reminders.sweep_batch_size
    while True:
        claim = reminder_queue.claim_due(ctx, worker_id, batch)
        result.claimed += len(claim.messages) + claim.skipped
        result.skipped += claim.skipped
        finished = _deliver(ctx, notifier, claim, result)
        if not finished or len(claim.messages) + claim.skipped < batch:
            break
    if result.claimed:
        log.info("sweep %s: %s", worker_id, result)
    return result


def _deliver(ctx: ServiceContext, notifier: Notifier, claim: Claim, result: SweepResult) -> bool:
    """Post a claimed batch in due order. False if the batch was cut short."""
    for position, message in enumerate(claim.messages):
        if ctx.clock.now() >= claim.lease_until:
            # Our lease ran out (a slow Slack): another process may take these now, so posting them
            # could double them. Hand them back; whoever claims next sends them.
            result.released += _release_rest(ctx, claim, position)
            return False
        try:
            posted = notifier.post(
                user=message.recipient_slack_id,
                channel=message.channel,
                text=message.text,
                blocks=reminder_blocks(message),
            )
        except DeliveryError as error:
            if error.fatal:
                log.critical("Slack refused the bot (%s): reminders wait until it is fixed", error.reason)
                result.released += _release_rest(ctx, claim, position)
                result.stopped = error.reason
                return False
            _record_failure(ctx, claim, message.reminder_id, error.reason, error.retryable, result)
            continue
        except Exception as error:  # a bug must not stop every other reminder: log, retry later
            log.exception("reminder %s could not be posted", message.reminder_id)
            _record_failure(ctx, claim, message.reminder_id, f"internal: {type(error).__name__}", True, result)
            continue
        if reminder_queue.mark_sent(ctx, message.reminder_id, claim.worker_id, posted.channel, posted.ts):
            result.sent += 1
    return True


def _record_failure(
    ctx: ServiceContext, claim: Claim, reminder_id: int, reason: str, retryable: bool, result: SweepResult
) -> None:
    state = reminder_queue.mark_not_sent(ctx, reminder_id, claim.worker_id, reason, retryable=retryable)
    log.warning("reminder %s not posted (%s): now %s", reminder_id, reason, state)
    if state == "failed":
        result.failed += 1
    elif state == "pending":
        result.retrying += 1


def _release_rest(ctx: ServiceContext, claim: Claim, position: int) -> int:
    return reminder_queue.release(ctx, claim.worker_id, [m.reminder_id for m in claim.messages[position:]])
