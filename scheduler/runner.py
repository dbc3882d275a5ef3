"""APScheduler 3.11, configured deliberately. The database is the source of truth; APScheduler only
holds the clock jobs, in memory, per process (its FAQ: never share a job store between processes).

- Europe/London (DVPN_TIMEZONE), so the rollover's wall-clock time holds across clock changes.
- coalesce: a job that missed several runs (a suspended host) runs once, not in a burst.
- max_instances=1: a slow sweep is never overlapped by the next one in the same process.
- misfire_grace_time (DVPN_MISFIRE_GRACE_SECONDS): a run that starts late still happens.
Nothing here starts at import: `run`, `serve` and `console` call `start_in_background`, and
`dvpn-bot scheduler` calls `run_scheduler_forever`.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# APScheduler 3 ships no type information.
from apscheduler.executors.pool import ThreadPoolExecutor  # type: ignore[import-untyped]
from apscheduler.jobstores.memory import MemoryJobStore  # type: ignore[import-untyped]
from apscheduler.schedulers.background import BackgroundScheduler  # type: ignore[import-untyped]
from apscheduler.triggers.combining import OrTrigger  # type: ignore[import-untyped]
from apscheduler.triggers.cron import CronTrigger  # type: ignore[import-untyped]
from apscheduler.triggers.date import DateTrigger  # type: ignore[import-untyped]
from apscheduler.triggers.interval import IntervalTrigger  # type: ignore[import-untyped]
from slack_sdk import WebClient

from scheduler.digests import send_due_digests
from scheduler.notifier import SlackNotifier
from scheduler.rollover import rollover
from scheduler.sweep import sweep_once
from services import reminder_queue
from services.context import ServiceContext

log = logging.getLogger(__name__)

DIGEST_CHECK_SECONDS = 60  # how often due digests are looked for; each team's time is in the database
JOB_IDS = ("reminder-sweep", "digests", "rollover")


def new_worker_id() -> str:
    """Names this process in claims (claimed_by): host, pid and a random tag, so a restarted
    process never mistakes an old claim for its own."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def build_scheduler(ctx: ServiceContext, client: WebClient, *, worker_id: str) -> BackgroundScheduler:
    """The scheduler with its jobs, not started."""
    ctx = ctx.from_source("scheduler")
    policy, tz = ctx.settings.reminders, ctx.settings.timezone
    notifier = SlackNotifier(client)
    scheduler = BackgroundScheduler(
        jobstores={"default": MemoryJobStore()},
        executors={"default": ThreadPoolExecutor(max_workers=len(JOB_IDS))},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": policy.misfire_grace_seconds},
        timezone=tz,
    )

    def sweep() -> None:
        sweep_once(ctx, notifier, worker_id)

    def digests() -> None:
        send_due_digests(ctx, notifier, worker_id)

    def daily() -> None:
        rollover(ctx)

    # Each job also runs as soon as the scheduler starts: whatever fell due while the bot was down
    # goes out now, not after the first interval.
    start = ctx.clock.now()
    every = IntervalTrigger(seconds=policy.sweep_seconds, timezone=tz)
    scheduler.add_job(_logged(sweep), every, id="reminder-sweep", name="reminder sweep", next_run_time=start)
    minutely = IntervalTrigger(seconds=DIGEST_CHECK_SECONDS, timezone=tz)
    scheduler.add_job(_logged(digests), minutely, id="digests", name="daily digests", next_run_time=start)
    at = CronTrigger(hour=policy.rollover_at.hour, minute=policy.rollover_at.minute, timezone=tz)
    daily_and_now = OrTrigger([at, DateTrigger(run_date=start, timezone=tz)])
    scheduler.add_job(_logged(daily), daily_and_now, id="rollover", name="daily rollover")
    return scheduler


def _logged(job: Callable[[], None]) -> Callable[[], None]:
    """A failing job is logged with its traceback and tried again at its next run; the scheduler
    and the other jobs carry on. Logs carry ids, never names."""

    def run() -> None:
        try:
            job()
        except Exception:
            log.exception("scheduler job %s failed; it runs again at its next time", job.__name__)

    run.__name__ = job.__name__
    return run


def shutdown(scheduler: BackgroundScheduler, ctx: ServiceContext, worker_id: str, *, wait: bool = True) -> int:
    """Stop the jobs (waiting for a running sweep to finish its post), then hand back any reminder
    this process still holds, so another process sends it at once rather than after the lease.
    Returns how many were released."""
    if scheduler.running:
        scheduler.shutdown(wait=wait)
    released = reminder_queue.release(ctx, worker_id)
    log.info("scheduler %s stopped; %s claimed reminders released", worker_id, released)
    return released


@dataclass
class RunningScheduler:
    """A started scheduler, for `run`, `serve` and `console`: call stop() on the way out."""

    scheduler: BackgroundScheduler
    ctx: ServiceContext
    worker_id: str

    def stop(self) -> int:
        return shutdown(self.scheduler, self.ctx, self.worker_id)


def start_in_background(ctx: ServiceContext, client: WebClient, *, worker_id: str | None = None) -> RunningScheduler:
    worker = worker_id or new_worker_id()
    scheduler = build_scheduler(ctx, client, worker_id=worker)
    scheduler.start()
    log.info("scheduler %s started (sweep every %ss)", worker, ctx.settings.reminders.sweep_seconds)
    return RunningScheduler(scheduler, ctx, worker)


def run_scheduler_forever(
    ctx: ServiceContext, client: WebClient, *, worker_id: str | None = None, stop: threading.Event | None = None
) -> int:
    """`dvpn-bot scheduler`: only the scheduler, until SIGTERM or SIGINT (or `stop` is set).
    Returns the exit status."""
    stop = stop or threading.Event()
    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, _setter(stop))
    running = start_in_background(ctx, client, worker_id=worker_id)
    try:
        stop.wait()
    finally:
        running.stop()
    return 0


def _setter(stop: threading.Event) -> Callable[[int, Any], None]:
    def handler(signum: int, _frame: Any) -> None:
        log.info("signal %s: stopping the scheduler", signum)
        stop.set()

    return handler
