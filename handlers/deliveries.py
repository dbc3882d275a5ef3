"""Each Slack delivery runs once, however often it arrives, in however many bot processes.

A global Bolt middleware, so it covers HTTP and Socket Mode alike and runs after Bolt has checked
the signature (a forged request never reaches the ledger). It takes the delivery in the ledger
(services.reminders.deliveries) before any listener runs; a delivery already taken is acknowledged with an
empty 200, so Slack stops retrying, and nothing else happens.

The delivery's identity is what Slack keeps the same when it sends a request again: the event_id
of an Events API event, the trigger_id of a slash command or an interaction (a fresh one for every
command typed, button pressed or form submitted), else a hash of the body.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from slack_bolt import BoltRequest, BoltResponse
from sqlalchemy.exc import SQLAlchemyError

from services.context import ServiceContext
from services.reminders import deliveries

log = logging.getLogger("dvpn.deliveries")

# Options requests for a select menu change nothing, carry no trigger_id and must always be answered.
NOT_LEDGERED = frozenset({"block_suggestion"})
PRUNE_EVERY = timedelta(hours=1)

Middleware = Callable[..., BoltResponse | None]


def delivery_kind(body: dict[str, Any]) -> str:
    return "command" if "command" in body else str(body.get("type") or "unknown")[:40]


def delivery_key(body: dict[str, Any], raw_body: str) -> str:
    if body.get("event_id"):
        # A retry repeats the whole envelope; the event's time also tells apart stand-ins (the
        # console) whose event ids restart at 1 in each session on the same database.
        return f"event:{body['event_id']}:{body.get('event_time', '')}"[:160]
    if body.get("trigger_id"):
        return f"trigger:{body['trigger_id']}"[:160]
    return "body:" + hashlib.sha256(raw_body.encode()).hexdigest()


def once_per_delivery(ctx: ServiceContext) -> Middleware:
    """Installed where the work is done: in a serving process without work processes, or in each
    work process (runtime.work_processes), where a request arrives once more, as a lazy-only
    request after its ack or as a form waiting for its answer, and is taken before it runs."""
    pruner = _Pruner(ctx)

    def take_delivery(req: BoltRequest, body: dict[str, Any], next: Callable[[], BoltResponse]) -> BoltResponse | None:
        kind = delivery_kind(body)
        if kind in NOT_LEDGERED:
            return next()
        try:
            taken = deliveries.take(ctx, delivery_key(body, req.raw_body), kind)
        except SQLAlchemyError as error:
            # The database is away: every listener needs it too, and answers "try again" with
            # nothing written, so letting this one through cannot double anything.
            log.warning("delivery ledger unavailable (%s); %s handled without it", type(error).__name__, kind)
            return next()
        if not taken:
            retry = (req.headers.get("x-slack-retry-num") or ["none"])[0]
            reason = (req.headers.get("x-slack-retry-reason") or ["none"])[0]
            log.info("duplicate %s delivery acknowledged and skipped (retry %s, reason %s)", kind, retry, reason)
            return BoltResponse(status=200, body="")
        pruner.maybe_start()
        return next()

    return take_delivery


class _Pruner:
    """Forgets day-old deliveries at most once an hour per process, on its own thread so no
    acknowledgement waits for it. Every process prunes, so no separate job has to exist."""

    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
        self._lock = threading.Lock()
        self._last: datetime | None = None

    def maybe_start(self) -> None:
        now = self.ctx.clock.now()
        with self._lock:
            if self._last is not None and now - self._last < PRUNE_EVERY:
                return
            self._last = now
        threading.Thread(target=self._prune, name="delivery-prune", daemon=True).start()

    def _prune(self) -> None:
        try:
            forgotten = deliveries.forget_old(self.ctx)
        except SQLAlchemyError as error:  # another process pruning, or the database away: next hour
            log.warning("delivery ledger not pruned (%s)", type(error).__name__)
            return
        if forgotten:
            log.info("delivery ledger: %s deliveries older than %s forgotten", forgotten, deliveries.KEEP_FOR)
