"""The reminder sweep: escalate what nobody acknowledged, then claim due reminders in short
transactions, post each through the notifier outside any transaction, and record the result at
once. Reads the time only from ctx.clock, so tests and the console can move it.

Every post carries its reminder's marker. A reminder claimed after an earlier attempt (Claim.recheck)
is first looked for in Slack: if an interrupted sender's post is there, it is recorded as sent, not
posted again. So a reminder reaches Slack once even when a process dies between post and record."""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from blocks.reminder_wording import reminder_text, settled_text
from blocks.reminders import reminder_blocks, reminder_updated_blocks
from scheduler.lease import lease_too_short
from scheduler.notifier import DeliveryError, Marker, Notifier, Posted, reminder_marker
from scheduler.stopping import StopSignal
from scheduler.thread_sweep import post_threads
from services.context import ServiceContext
from services.reminders import queue as reminder_queue
from services.reminders import updates as message_updates
from services.reminders.queue import Claim
from services.reminders.results import ReminderFacts

log = logging.getLogger(__name__)


@dataclass
class SweepResult:
    escalated: int = 0  # critical reminders escalated this sweep (their follow-ups are then sent)
    claimed: int = 0
    sent: int = 0
    recovered: int = 0  # of those sent, found already in Slack (an interrupted sender's post) and recorded
    retrying: int = 0  # failed this time, pending again after a backoff
    failed: int = 0  # out of attempts, or refused by Slack for good: shown in the digest
    skipped: int = 0  # claimed but settled without posting (withdrawn follow-ups, no recipient)
    released: int = 0  # handed back unposted: lease ran out, Slack away or refusing our token, or stopping
    stopped: str | None = None  # why the sweep stopped early, if it did
    updated: int = 0  # posted messages rewritten in place, now moot or settled by someone else
    update_retrying: int = 0  # chat.update failed this time, tried again after a backoff
    update_dropped: int = 0  # not updated: the message is gone from Slack, or out of attempts
    thread_posts: int = 0  # record thread posts made (roots and replies in the team's channel)
    thread_updates: int = 0  # record thread roots rewritten to their record's status

    def merge(self, other: SweepResult) -> None:
        """Add the counts of one destination's posts (made on another thread)."""
        for name in ("claimed", "sent", "recovered", "retrying", "failed", "skipped", "released"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.stopped = self.stopped or other.stopped


def sweep_once(ctx: ServiceContext, notifier: Notifier, worker_id: str, stop: StopSignal | None = None) -> SweepResult:
    """One sweep, until nothing is due or `stop` is set. Safe to run in any number of processes at once."""
    stop = stop or StopSignal()
    result = SweepResult(escalated=reminder_queue.escalate_due(ctx))
    batch = ctx.settings.reminders.sweep_batch_size
    while not stop.stopping:
        claim = reminder_queue.claim_due(ctx, worker_id, batch)
        result.claimed += len(claim.messages) + claim.skipped
        result.skipped += claim.skipped
        finished = _deliver(ctx, notifier, claim, result, stop)
        if not finished or (len(claim.messages) + claim.skipped < batch and not claim.held):
            break
    if not stop.stopping and result.stopped is None:
        _update_messages(ctx, notifier, result, stop)
    if not stop.stopping and result.stopped is None:
        threads = post_threads(ctx, notifier, worker_id, stop)
        result.thread_posts, result.thread_updates = threads.sent, threads.updated
        result.stopped = threads.stopped
    if result.claimed or result.updated or result.update_retrying or result.update_dropped or result.thread_posts:
        log.info("sweep %s: %s", worker_id, result)
    return result


def _deliver(ctx: ServiceContext, notifier: Notifier, claim: Claim, result: SweepResult, stop: StopSignal) -> bool:
    """Post a claimed batch: each recipient's (or channel's) reminders in due order, one after
    another, and up to DVPN_SWEEP_CONCURRENCY recipients at once, since Slack answers each call in
    a few hundred milliseconds and limits posts per channel, not per app. False if the batch was
    cut short (stopping, lease run out, Slack away or refusing us): what was not begun is handed
    back."""
    in_slack = _AlreadyInSlack(notifier, claim)
    queues = _by_destination(claim.messages)
    halt = _Halt()
    workers = max(1, min(ctx.settings.reminders.sweep_concurrency, len(queues)))
    if workers == 1:
        outcomes = [_drain(ctx, notifier, claim, queue, in_slack, stop, halt) for queue in queues]
    else:
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="sweep-post") as pool:
            futures = [pool.submit(_drain, ctx, notifier, claim, queue, in_slack, stop, halt) for queue in queues]
            outcomes = [future.result() for future in futures]
    for outcome in outcomes:
        result.merge(outcome)
    if halt.reason is not None and result.stopped is None:
        result.stopped = halt.reason
    return not halt.cut


class _Halt:
    """Shared by a batch's posting threads: once one of them must stop (Slack away or refusing our
    token, our lease run out, shutting down), the others begin nothing more."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.cut = False
        self.reason: str | None = None

    def set(self, reason: str | None) -> None:
        with self._lock:
            self.cut = True
            self.reason = self.reason or reason


def _by_destination(messages: Sequence[ReminderFacts]) -> list[list[ReminderFacts]]:
    """The batch split per DM or channel, each in due order (the claim's order), so a recipient
    never sees a later reminder before an earlier one."""
    queues: dict[tuple[str | None, str | None], list[ReminderFacts]] = {}
    for message in messages:
        queues.setdefault((message.recipient_slack_id, message.channel), []).append(message)
    return list(queues.values())


def _drain(
    ctx: ServiceContext,
    notifier: Notifier,
    claim: Claim,
    queue: list[ReminderFacts],
    in_slack: _AlreadyInSlack,
    stop: StopSignal,
    halt: _Halt,
) -> SweepResult:
    """Post one destination's reminders in order; what is not begun when the batch halts goes back."""
    result = SweepResult()
    for position, message in enumerate(queue):
        if stop.stopping:  # shutting down: what is not begun goes back for another process
            halt.set("shutting down")
        elif lease_too_short(ctx, claim.lease_until):
            # Our lease ran out, or will before a post begun now is surely done (a slow Slack):
            # another process may take these then, find nothing in Slack yet and post them too.
            # Hand them back; whoever claims next sends them.
            halt.set(None)
        if halt.cut:
            result.released += _release(ctx, claim, queue[position:])
            return result
        with stop.posting(message.reminder_id):
            if not _post_one(ctx, notifier, claim, message, in_slack, result):
                halt.set(result.stopped)
                result.released += _release(ctx, claim, queue[position:])
                return result
    return result


def _post_one(
    ctx: ServiceContext,
    notifier: Notifier,
    claim: Claim,
    message: ReminderFacts,
    in_slack: _AlreadyInSlack,
    result: SweepResult,
) -> bool:
    """Post one reminder (or find it already posted) and record the outcome. False if Slack refused
    the bot itself or is unavailable: this reminder and the rest of the batch are to be handed back
    unposted, counting no attempt."""
    marker = reminder_marker(message.reminder_id)
    try:
        posted = in_slack.find(message, marker)
        recovered = posted is not None
        if posted is None:
            posted = notifier.post(
                user=message.recipient_slack_id,
                channel=message.channel,
                text=reminder_text(message),
                blocks=reminder_blocks(message),
                marker=marker,
            )
    except DeliveryError as error:
        if error.fatal:
            log.critical("Slack refused the bot (%s): reminders wait until it is fixed", error.reason)
            result.stopped = error.reason
            return False
        if error.unavailable:
            log.warning("Slack unavailable (%s): reminders wait; the next sweep tries again", error.reason)
            result.stopped = error.reason
            return False
        _record_failure(ctx, claim, message.reminder_id, error.reason, error.retryable, result)
        return True
    except Exception as error:  # a bug must not stop every other reminder: log, retry later
        log.exception("reminder %s could not be posted", message.reminder_id)
        _record_failure(ctx, claim, message.reminder_id, f"internal: {type(error).__name__}", True, result)
        return True
    if reminder_queue.mark_sent(ctx, message.reminder_id, claim.worker_id, posted.channel, posted.ts):
        result.sent += 1
        if recovered:
            result.recovered += 1
            log.info(
                "reminder %s was already in Slack (ts %s): recorded, not posted again", message.reminder_id, posted.ts
            )
    return True


class _AlreadyInSlack:
    """For the claim's reminders an earlier attempt may have posted: which of them Slack already
    has, read once per DM or channel for the whole batch."""

    def __init__(self, notifier: Notifier, claim: Claim) -> None:
        self.notifier = notifier
        self.claim = claim
        self._found: dict[tuple[str | None, str | None], dict[Marker, Posted]] = {}

    def find(self, message: ReminderFacts, marker: Marker) -> Posted | None:
        if message.reminder_id not in self.claim.recheck:
            return None
        where = (message.recipient_slack_id, message.channel)
        if where not in self._found:
            rechecked = [
                m
                for m in self.claim.messages
                if m.reminder_id in self.claim.recheck and (m.recipient_slack_id, m.channel) == where
            ]
            # A reminder is first claimed once due and its due time never moves: none was posted before.
            self._found[where] = self.notifier.already_posted(
                user=where[0],
                channel=where[1],
                markers=[reminder_marker(m.reminder_id) for m in rechecked],
                since=min(m.due_at for m in rechecked),
            )
        return self._found[where].get(marker)


def _update_messages(ctx: ServiceContext, notifier: Notifier, result: SweepResult, stop: StopSignal) -> None:
    """Rewrite the posted messages of reminders gone moot or settled by someone else: their
    buttons go and the message says what happened. Few and rarely urgent, so one at a time; the
    client waits out a 429's Retry-After, and what still fails is tried again with backoff."""
    batch = ctx.settings.reminders.sweep_batch_size
    while not stop.stopping:
        due = message_updates.claim_updates(ctx, batch)
        for update in due:
            if stop.stopping or not _update_one(ctx, notifier, update, result):
                return  # what was claimed and not done comes back when its lease runs out
        if len(due) < batch:
            return


def _update_one(
    ctx: ServiceContext, notifier: Notifier, update: message_updates.MessageUpdate, result: SweepResult
) -> bool:
    """False if Slack refused the bot or is away: the rest waits for the next sweep."""
    found = update.result
    rid = found.reminder.reminder_id
    assert found.channel is not None and found.ts is not None
    try:
        notifier.update(found.channel, found.ts, text=settled_text(found), blocks=reminder_updated_blocks(found))
    except DeliveryError as error:
        if error.fatal or error.unavailable:
            log.warning("Slack refused or unavailable (%s): message updates wait", error.reason)
            result.stopped = error.reason
            return False
        outcome = message_updates.not_updated(ctx, rid, error.reason, retryable=error.retryable)
        if outcome == "retrying":
            result.update_retrying += 1
        else:
            result.update_dropped += 1
        return True
    except Exception as error:  # a bug must not stop every other update: log, retry later
        log.exception("reminder %s: message could not be updated", rid)
        message_updates.not_updated(ctx, rid, f"internal: {type(error).__name__}", retryable=True)
        result.update_retrying += 1
        return True
    message_updates.updated(ctx, rid, found.action)
    result.updated += 1
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


def _release(ctx: ServiceContext, claim: Claim, messages: Sequence[ReminderFacts]) -> int:
    return reminder_queue.release(ctx, claim.worker_id, [m.reminder_id for m in messages])
