"""The scheduler's jobs, run by the console against its ManualClock: the same rollover, digests and
reminder sweep production runs, so reminders and digests appear as they fire.

Moving time does not jump straight to the end: it stops at every instant something falls due (a
reminder, an escalation, the daily rollover, a digest) and runs the jobs there, so each message
goes out at its own time and in order, as a bot left running would have sent it."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from slack_sdk import WebClient

from scheduler.digests import send_due_digests
from scheduler.notifier import SlackNotifier
from scheduler.rollover import rollover
from scheduler.sweep import sweep_once
from services.clock import ManualClock
from services.context import ServiceContext
from services.reminders.digest_runs import digest_times
from services.reminders.queue import next_due_at

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


class ConsoleJobs:
    def __init__(self, ctx: ServiceContext, client: WebClient, clock: ManualClock, worker_id: str = "console") -> None:
        self.ctx = ctx.from_source("scheduler")
        self.clock = clock
        self.notifier = SlackNotifier(client)
        self.worker_id = worker_id
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
        notes.digests += len(send_due_digests(self.ctx, self.notifier, self.worker_id).sent)
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
        candidates = [self._next_rollover(now), *(self._next_local(now, at) for at in digest_times(self.ctx))]
        reminder = next_due_at(self.ctx, now)
        return min([*candidates, reminder] if reminder else candidates)

    def _next_rollover(self, now: datetime) -> datetime:
        return self._next_local(now, self.ctx.settings.reminders.rollover_at)

    def _next_local(self, now: datetime, at: time) -> datetime:
        tz = self.ctx.settings.timezone
        local = now.astimezone(tz)
        today = datetime.combine(local.date(), at, tzinfo=tz)
        return today if today > now else datetime.combine(local.date() + timedelta(days=1), at, tzinfo=tz)

    def _rollover_between(self, start: datetime, end: datetime) -> bool:
        return self._next_rollover(start) <= end
