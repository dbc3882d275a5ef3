"""The scheduler's jobs, run by the console against its ManualClock: the same rollover, digests and
reminder sweep production runs, so reminders and digests appear as they fire.

Moving time does not jump straight to the end: it stops at every instant something falls due (a
reminder, an escalation, the daily rollover, a digest) and runs the jobs there, so each message
goes out at its own time and in order, as a bot left running would have sent it."""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from slack_sdk import WebClient

from models import ReminderState, metadata
from scheduler.notifier import SlackNotifier
from scheduler.rollover import rollover
from scheduler.sweep import sweep_once
from services.clock import ManualClock
from services.context import ServiceContext

log = logging.getLogger("dvpn.console")
MAX_STOPS = 5000  # a jump of a year with a busy force still ends


@dataclass
class JobNotes:
    """What the jobs did in one run, for a one-line summary; and what could not run."""

    sent: int = 0
    escalated: int = 0
    lapsed: tuple[str, ...] = ()
    expired: tuple[str, ...] = ()
    digests: int = 0
    problems: list[str] = field(default_factory=list)


DigestJob = Callable[[ServiceContext, SlackNotifier, str], Any]


def find_digest_job() -> tuple[DigestJob | None, str | None]:
    """The scheduler's digest job if it is there yet; otherwise None and why (the console says so)."""
    try:
        module = importlib.import_module("scheduler.digests")
    except ImportError:
        return None, "digests are not available yet (scheduler/digests.py is missing)"
    for name in ("send_due_digests", "run_due_digests", "digest_once", "send_digests"):
        job = getattr(module, name, None)
        if callable(job):
            return job, None
    return None, "scheduler/digests.py has no job the console knows how to call"


class ConsoleJobs:
    def __init__(self, ctx: ServiceContext, client: WebClient, clock: ManualClock, worker_id: str = "console") -> None:
        self.ctx = ctx.from_source("scheduler")
        self.clock = clock
        self.notifier = SlackNotifier(client)
        self.worker_id = worker_id
        self.digest_job, self.digest_problem = find_digest_job()
        self._last_rollover: datetime | None = None

    def run_now(self, notes: JobNotes | None = None) -> JobNotes:
        """Rollover (when its daily time has passed since the last), digests, then the sweep."""
        notes = notes or JobNotes()
        now = self.clock.now()
        if self._last_rollover is None or self._rollover_between(self._last_rollover, now):
            done = rollover(self.ctx)
            notes.lapsed += done.lapsed
            notes.expired += done.expired
            self._last_rollover = now
        if self.digest_job is not None:
            try:
                self.digest_job(self.ctx, self.notifier, self.worker_id)
            except Exception as error:  # the digest job is another engineer's, still in progress
                log.exception("digest job failed")
                notes.problems.append(f"digest job failed: {type(error).__name__}")
        swept = sweep_once(self.ctx, self.notifier, self.worker_id)
        notes.sent += swept.sent
        notes.escalated += swept.escalated
        if swept.stopped:
            notes.problems.append(f"sweep stopped: {swept.stopped}")
        return notes

    def advance_to(self, target: datetime, after_each: Callable[[], None] | None = None) -> JobNotes:
        """Move the clock to `target`, stopping wherever a job has something to do."""
        notes = JobNotes()
        for _ in range(MAX_STOPS):
            stop = self.next_stop()
            if stop is None or stop >= target:
                break
            self.clock.set(stop)
            self.run_now(notes)
            if after_each is not None:
                after_each()
        self.clock.set(target)
        self.run_now(notes)
        if after_each is not None:
            after_each()
        return notes

    def next_stop(self) -> datetime | None:
        """The next instant after now when a reminder, an escalation, the rollover or a digest is due."""
        now = self.clock.now()
        candidates = [t for t in (_next_reminder(self.ctx, now), self._next_rollover(now)) if t is not None]
        if self.digest_job is not None:
            candidates += [t for t in (self._next_local(now, time(7, 0)),) if t is not None]
        return min(candidates) if candidates else None

    def _next_rollover(self, now: datetime) -> datetime:
        return self._next_local(now, self.ctx.settings.reminders.rollover_at)

    def _next_local(self, now: datetime, at: time) -> datetime:
        tz = self.ctx.settings.timezone
        local = now.astimezone(tz)
        today = datetime.combine(local.date(), at, tzinfo=tz)
        return today if today > now else datetime.combine(local.date() + timedelta(days=1), at, tzinfo=tz)

    def _rollover_between(self, start: datetime, end: datetime) -> bool:
        return self._next_rollover(start) <= end


def _next_reminder(ctx: ServiceContext, now: datetime) -> datetime | None:
    """When the next pending reminder or escalation falls due. Reads only; the sweep does the work.
    (A services.reminder_queue function would be its natural home; the console needs it alone.)"""
    c = metadata.tables["reminder"].c
    ready = sa.case((c.next_attempt_at > c.due_at, c.next_attempt_at), else_=c.due_at)
    pending = sa.select(sa.func.min(ready)).where(c.state == ReminderState.PENDING, ready > now)
    escalation = sa.select(sa.func.min(c.escalate_at)).where(c.escalate_at > now)
    with ctx.engine.connect() as connection:
        found = [connection.execute(pending).scalar(), connection.execute(escalation).scalar()]
    times = [_aware(t) for t in found if t is not None]
    return min(times) if times else None


def _aware(value: Any) -> datetime:
    """The column type re-attaches UTC; an aggregate over it may come back naive on SQLite."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    assert isinstance(value, datetime)
    return value if value.tzinfo else value.replace(tzinfo=UTC)
