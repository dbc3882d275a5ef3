"""Posting record threads: each due thread post (a record's root, then its replies in order) and
each root's rewrite to its record's status, with the reminders' guarantees (scheduler/sweep.py).

Every post carries its thread post's marker. A post claimed after an earlier attempt is first
looked for in Slack (a root in the channel's history, a reply in its thread, which history leaves
out): an interrupted sender's post found there is recorded, not posted again. So a reply reaches
its thread once, and never before its root: it is claimable only once the root is recorded."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from blocks.record_thread import post_blocks, post_text
from scheduler.lease import lease_too_short
from scheduler.notifier import DeliveryError, Notifier, Posted, thread_marker
from scheduler.stopping import StopSignal
from services.context import ServiceContext
from services.reminders import threads as thread_queue
from services.reminders.thread_results import ThreadPostFacts

log = logging.getLogger(__name__)


@dataclass
class ThreadResult:
    sent: int = 0
    recovered: int = 0  # of those sent, found already in Slack and recorded
    retrying: int = 0
    failed: int = 0
    released: int = 0
    updated: int = 0  # roots rewritten to their record's status
    stopped: str | None = None


def post_threads(
    ctx: ServiceContext, notifier: Notifier, worker_id: str, stop: StopSignal | None = None
) -> ThreadResult:
    """Post what is due in the record threads, claim by claim, then rewrite the roots due."""
    stop = stop or StopSignal()
    result = ThreadResult()
    while not stop.stopping and result.stopped is None:
        claim = thread_queue.claim_thread_posts(ctx, worker_id)
        if not claim.posts:
            break
        for position, post in enumerate(claim.posts):
            if stop.stopping or lease_too_short(ctx, claim.lease_until) or result.stopped is not None:
                # Another process may take them once our lease runs out: hand them back, never begin
                # a post that could still be under way then.
                rest = [p.post_id for p in claim.posts[position:]]
                result.released += thread_queue.release_thread_posts(ctx, worker_id, rest)
                break
            _post_one(ctx, notifier, claim, post, result)
    if not stop.stopping and result.stopped is None:
        _rewrite_roots(ctx, notifier, result, stop)
    return result


def _post_one(
    ctx: ServiceContext,
    notifier: Notifier,
    claim: thread_queue.ThreadClaim,
    post: ThreadPostFacts,
    result: ThreadResult,
) -> None:
    marker = thread_marker(post.post_id)
    try:
        landed = _already(notifier, claim, post)
        recovered = landed is not None
        if landed is None:
            landed = notifier.post(
                user=None,
                channel=post.channel,
                text=post_text(post),
                blocks=post_blocks(post),
                marker=marker,
                thread_ts=post.thread_ts,
            )
    except DeliveryError as error:
        if error.fatal or error.unavailable:
            log.warning("Slack refused or unavailable (%s): thread posts wait", error.reason)
            result.stopped = error.reason
            thread_queue.release_thread_posts(ctx, claim.worker_id, [post.post_id])
            return
        state = thread_queue.thread_post_not_sent(
            ctx, post.post_id, claim.worker_id, error.reason, retryable=error.retryable
        )
        result.retrying += state == "pending"
        result.failed += state == "failed"
        return
    except Exception as error:  # a bug must not stop the other posts: log, retry later
        log.exception("thread post %s could not be posted", post.post_id)
        thread_queue.thread_post_not_sent(
            ctx, post.post_id, claim.worker_id, f"internal: {type(error).__name__}", retryable=True
        )
        result.retrying += 1
        return
    if thread_queue.thread_post_sent(ctx, post.post_id, claim.worker_id, landed.ts):
        result.sent += 1
        result.recovered += recovered


def _already(notifier: Notifier, claim: thread_queue.ThreadClaim, post: ThreadPostFacts) -> Posted | None:
    """Where an earlier attempt's post landed, if one may have (a claim after an earlier attempt)."""
    if post.post_id not in claim.recheck:
        return None
    marker = thread_marker(post.post_id)
    if post.thread_ts is None:
        found = notifier.already_posted(user=None, channel=post.channel, markers=[marker], since=post.created_at)
    else:
        found = notifier.already_in_thread(channel=post.channel, thread_ts=post.thread_ts, markers=[marker])
    return found.get(marker)


def _rewrite_roots(ctx: ServiceContext, notifier: Notifier, result: ThreadResult, stop: StopSignal) -> None:
    for update in thread_queue.claim_root_updates(ctx):
        if stop.stopping:
            return  # what was claimed and not done comes back when its lease runs out
        root = update.post
        assert root.ts is not None
        try:
            notifier.update(root.channel, root.ts, text=post_text(root), blocks=post_blocks(root))
        except DeliveryError as error:
            if error.fatal or error.unavailable:
                result.stopped = error.reason
                return
            thread_queue.root_not_updated(ctx, update, error.reason, retryable=error.retryable)
            continue
        except Exception as error:  # a bug must not stop the other rewrites
            log.exception("thread root %s could not be rewritten", root.post_id)
            thread_queue.root_not_updated(ctx, update, f"internal: {type(error).__name__}", retryable=True)
            continue
        thread_queue.root_updated(ctx, update)
        result.updated += 1
