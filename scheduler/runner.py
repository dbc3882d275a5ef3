"""APScheduler 3.11, configured deliberately. The database is the source of truth; APScheduler only
holds the clock jobs, in memory, per process (its FAQ: never share a job store between processes).

- Europe/London (DVPN_TIMEZONE), so the rollover's wall-clock time holds across clock changes.
- coalesce: a job that missed several runs (a suspended host) runs once, not in a burst.
- max_instances=1: a slow sweep is never overlapped by the next one in the same process.
- misfire_grace_time (DVPN_MISFIRE_GRACE_SECONDS): a run that starts late still happens.
APScheduler keeps its own, real time: it decides only when jobs run. What is due is decided by the
jobs against ctx.clock, so a drill clock (DVPN_DRILL_CLOCK_FILE) moves reminders and digests.
Nothing here starts at import: `run` and `serve` call `start_in_background`, and
`dvpn-bot scheduler` calls `run_scheduler_forever`.

Stopping (SIGTERM) is graceful and bounded: the jobs claim nothing more and hand back what they
have not begun; the process waits DVPN_SHUTDOWN_GRACE_SECONDS for posts under way, releases every
other claim, and exits 0. A post still hanging after the grace is left claimed (it may yet land in
Slack; the next claimer asks Slack) and the process exits without waiting for it.
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

from models.db import database_unavailable
from scheduler.digests import send_due_digests
from scheduler.dm_directory import StoredDmChannels
from scheduler.notifier import ChannelPacer, SlackNotifier
from scheduler.rollover import rollover
from scheduler.stopping import StopSignal
from scheduler.sweep import sweep_once
from services.clock import SystemClock
from services.context import ServiceContext
from services.people import priority_tallies
from services.records import lifecycle
from services.reminders import queue as reminder_queue

log = logging.getLogger(__name__)

DIGEST_CHECK_SECONDS = 60  # due digests are looked for this often at most; each team's time is in the database
JOB_IDS = ("reminder-sweep", "digests", "rollover", "passed-deadlines", "priority-tallies")


def new_worker_id() -> str:
    """Names this process in claims (claimed_by): host, pid and a random tag, so a restarted
    process never mistakes an old claim for its own."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def build_scheduler(
    ctx: ServiceContext, client: WebClient, *, worker_id: str, stop: StopSignal | None = None
) -> BackgroundScheduler:
    """The scheduler with its jobs, not started. `stop` is shared with the shutdown."""
    stop = stop or StopSignal()
    ctx = ctx.from_source("scheduler")
    policy, tz = ctx.settings.reminders, ctx.settings.timezone
    notifier = SlackNotifier(client, ChannelPacer(policy.post_interval_ms / 1000), StoredDmChannels(ctx))
    scheduler = BackgroundScheduler(
        jobstores={"default": MemoryJobStore()},
        executors={"default": ThreadPoolExecutor(max_workers=len(JOB_IDS))},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": policy.misfire_grace_seconds},
        timezone=tz,
    )

    def sweep() -> None:
        sweep_once(ctx, notifier, worker_id, stop)

    def digests() -> None:
        send_due_digests(ctx, notifier, worker_id, stop)

    def daily() -> None:
        rollover(ctx)

    def passed_deadlines() -> None:
        # A notice lapses in law at its deadline, and a breach court deadline stops being a record's
        # next deadline once it passes: marked within a minute, not at the next rollover, so no
        # card, list or reminder treats such a record as it was.
        lifecycle.store_passed_deadlines(ctx)

    def priority() -> None:
        # The priority list's tallies made current (services.people.priority_tallies): the list keeps
        # them current itself before it is read, so this only keeps that read short.
        priority_tallies.keep_current(ctx)

    # Each job also runs as soon as the scheduler starts: whatever fell due while the bot was down
    # goes out now, not after the first interval. APScheduler's times are real time (see above).
    start = SystemClock().now()
    every = IntervalTrigger(seconds=policy.sweep_seconds, timezone=tz)
    scheduler.add_job(_logged(sweep, stop), every, id="reminder-sweep", name="reminder sweep", next_run_time=start)
    # A digest is as punctual as a reminder, up to a check a minute.
    often = IntervalTrigger(seconds=min(DIGEST_CHECK_SECONDS, policy.sweep_seconds), timezone=tz)
    scheduler.add_job(_logged(digests, stop), often, id="digests", name="daily digests", next_run_time=start)
    at = CronTrigger(hour=policy.rollover_at.hour, minute=policy.rollover_at.minute, timezone=tz)
    daily_and_now = OrTrigger([at, DateTrigger(run_date=start, timezone=tz)])
    scheduler.add_job(_logged(daily, stop), daily_and_now, id="rollover", name="daily rollover")
    scheduler.add_job(_logged(passed_deadlines, stop), often, id="passed-deadlines", name="lapses and passed deadlines")
    scheduler.add_job(_logged(priority, stop), often, id="priority-tallies", name="perpetrator priority tallies")
    return scheduler


def _logged(job: Callable[[], None], stop: StopSignal) -> Callable[[], None]:
    """A failing job is logged with its traceback and tried again at its next run; the scheduler
    and the other jobs carry on. Logs carry ids, never names. The shutdown waits for running jobs;
    once stopping, a job that APScheduler still starts does nothing."""

    def run() -> None:
        with stop.job():
            if stop.stopping:
                return
            try:
                job()
            except Exception as error:
                if database_unavailable(error):  # one line per run while the database is away, not a traceback
                    log.warning(
                        "scheduler job %s: the database is not answering (%s); it runs again at its next time",
                        job.__name__,
                        type(getattr(error, "orig", None) or error).__name__,
                    )
                    return
                log.exception("scheduler job %s failed; it runs again at its next time", job.__name__)

    run.__name__ = job.__name__
    return run


@dataclass(frozen=True)
class StopReport:
    released: int  # claims handed back unposted
    finished: bool = True  # every job ended within the grace
    left_claimed: frozenset[int] = frozenset()  # posts still under way after the grace


def shutdown(
    scheduler: BackgroundScheduler, ctx: ServiceContext, worker_id: str, stop: StopSignal, grace: float
) -> StopReport:
    """Stop claiming, wait up to `grace` seconds (from the stop signal) for the running jobs to finish
    their posts, then hand back every reminder this process still holds, so another process sends it
    at once rather than after the lease; except a post still under way, which may yet land."""
    stop.set()
    if scheduler.running:
        scheduler.shutdown(wait=False)
    finished = stop.wait_for_jobs(grace)
    in_flight: frozenset[int] = frozenset() if finished else stop.posting_now()
    released = reminder_queue.release(ctx, worker_id, keep=in_flight)
    log.info("scheduler %s stopped; %s claimed reminders released", worker_id, released)
    if not finished:
        log.warning(
            "scheduler %s: a job outlived the %ss shutdown grace; reminders %s being posted stay claimed "
            "until their lease ends, and the next sender asks Slack whether they landed",
            worker_id,
            grace,
            sorted(in_flight),
        )
    return StopReport(released, finished, in_flight)


@dataclass
class RunningScheduler:
    """A started scheduler, for `run` and `serve` and `dvpn-bot scheduler`: call stop() on the way out."""

    scheduler: BackgroundScheduler
    ctx: ServiceContext
    worker_id: str
    stop_signal: StopSignal  # the one its jobs watch

    def stop(self) -> StopReport:
        """The graceful stop, bounded by DVPN_SHUTDOWN_GRACE_SECONDS. A job still running after it is
        stuck in a Slack call; the interpreter would wait for its thread at exit, so the process
        ends here (status 0: everything that could be was finished or released)."""
        report = shutdown(
            self.scheduler, self.ctx, self.worker_id, self.stop_signal, self.ctx.settings.shutdown_grace_seconds
        )
        if not report.finished:
            logging.shutdown()  # flush the log first
            os._exit(0)
        return report


def start_in_background(ctx: ServiceContext, client: WebClient, *, worker_id: str | None = None) -> RunningScheduler:
    worker = worker_id or new_worker_id()
    stop = StopSignal()
    scheduler = build_scheduler(ctx, client, worker_id=worker, stop=stop)
    scheduler.start()
    log.info("scheduler %s started (sweep every %ss)", worker, ctx.settings.reminders.sweep_seconds)
    return RunningScheduler(scheduler, ctx, worker, stop)


def exit_gracefully_on_sigterm(running: RunningScheduler | None) -> None:
    """For `run` and `serve`: SIGTERM stops the scheduler's claiming at once and ends the main loop
    with SystemExit (waitress and Socket Mode both unwind on it), so the caller's `finally` runs the
    graceful stop. A second SIGTERM during that stop is ignored rather than cutting it short."""

    def handler(signum: int, _frame: Any) -> None:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        log.info("signal %s: stopping", signum)
        if running is not None:
            running.stop_signal.set()
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, handler)


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
