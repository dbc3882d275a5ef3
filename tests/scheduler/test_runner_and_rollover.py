"""APScheduler's configuration, a graceful stop that hands claims back, and the daily rollover."""

from __future__ import annotations

import threading
from datetime import timedelta

from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.triggers.cron import CronTrigger

from handlers.web_client import web_client
from models import HearingOutcome
from scheduler.rollover import rollover
from scheduler.runner import JOB_IDS, StopReport, build_scheduler, run_scheduler_forever, shutdown
from scheduler.stopping import StopSignal
from services.clock import ManualClock, SystemClock
from services.context import ServiceContext
from services.records import checks, hearings
from services.records import recording as records
from services.records.hearings import GrantTerms
from services.reminders import queue as reminder_queue
from tests.support.database import row_counts
from tests.support.force import Force
from tests.support.records import dvpn
from tests.support.sweeps import add_reminders, at, rows, user_ids


def test_the_scheduler_is_built_deliberately_and_not_started(ctx: ServiceContext, slack) -> None:  # type: ignore[no-untyped-def]
    client = web_client(ctx.settings.__class__(slack_api_url=slack.api_url), token="xoxb-test")
    scheduler = build_scheduler(ctx, client, worker_id="w1")

    assert scheduler.running is False
    assert str(scheduler.timezone) == "Europe/London"
    assert scheduler._job_defaults == {"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600}
    assert isinstance(scheduler._jobstores["default"], MemoryJobStore)
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == set(JOB_IDS)
    assert jobs["reminder-sweep"].trigger.interval == timedelta(seconds=15)
    cron, at_start = jobs["rollover"].trigger.triggers
    assert isinstance(cron, CronTrigger) and "hour='0', minute='5'" in str(cron)
    # And once at start, to catch up after downtime. APScheduler runs on real time, whatever ctx.clock says.
    real_now = SystemClock().now()
    assert abs(at_start.run_date - real_now) < timedelta(seconds=30)
    assert abs(jobs["reminder-sweep"].next_run_time - real_now) < timedelta(seconds=30)
    assert jobs["digests"].trigger.interval == timedelta(seconds=15)  # as punctual as the sweep


def test_a_graceful_stop_releases_what_this_process_claimed(ctx: ServiceContext, force: Force, slack) -> None:  # type: ignore[no-untyped-def]
    records.record(ctx, force.officer, dvpn())
    order_id = int(rows(ctx, "protection_order")[0]["id"])  # type: ignore[call-overload]
    add_reminders(ctx, order_id, user_ids(ctx)[force.officer], 2, at("2026-04-02 20:30"))
    claim = reminder_queue.claim_due(ctx, "w1")
    assert len(claim.messages) == 2
    client = web_client(ctx.settings.__class__(slack_api_url=slack.api_url), token="xoxb-test")

    report = shutdown(build_scheduler(ctx, client, worker_id="w1"), ctx, "w1", StopSignal(), grace=5)

    assert report == StopReport(released=2, finished=True)
    mine = [r for r in rows(ctx, "reminder") if r["due_at"] in {m.due_at for m in claim.messages}]
    assert {(r["state"], r["claimed_by"], r["attempts"]) for r in mine} == {("pending", None, 0)}


def test_run_scheduler_forever_starts_and_stops_cleanly(ctx: ServiceContext, slack) -> None:  # type: ignore[no-untyped-def]
    client = web_client(ctx.settings.__class__(slack_api_url=slack.api_url), token="xoxb-test")
    stop = threading.Event()
    stop.set()  # as if SIGTERM arrived at once
    assert run_scheduler_forever(ctx, client, worker_id="w1", stop=stop) == 0


def test_rollover_lapses_expires_and_plans_checks_and_running_it_twice_changes_nothing(
    ctx: ServiceContext, force: Force, clock: ManualClock
) -> None:
    lapsing = records.record(ctx, force.officer, dvpn())  # no hearing: lapses Tue 7 Apr 20:00
    granted = records.record(ctx, force.officer, dvpn("2026-04-02 19:00"))
    hearings.book_hearing(ctx, force.officer, granted.reference, at("2026-04-03 10:00"))
    clock.set(at("2026-04-03 12:00"))
    terms, decided = GrantTerms(duration_days=14), at("2026-04-03 11:00")
    order = hearings.record_outcome(ctx, force.officer, granted.reference, HearingOutcome.GRANTED, decided, terms)
    checks.complete_check(ctx, force.officer, order.reference, at("2026-04-03 11:30"))  # plans the next one
    clock.set(at("2026-04-08 00:05"))
    checks.complete_check(ctx, force.officer, order.reference, at("2026-04-08 00:00"))

    first = rollover(ctx)
    counts = row_counts(ctx.engine)
    second = rollover(ctx)

    assert first.lapsed == (lapsing.reference,)
    assert second.lapsed == second.expired == second.checks_planned == ()
    assert row_counts(ctx.engine) == counts  # idempotent: the second run wrote nothing
    clock.set(at("2026-04-17 00:05"))  # the DVPO's last day was 16 April
    assert rollover(ctx).expired == (order.reference,)
    assert rollover(ctx).expired == ()


def test_rollover_plans_the_next_check_for_an_order_with_none_open(ctx: ServiceContext, force: Force) -> None:
    notice = records.record(ctx, force.officer, dvpn())
    with ctx.engine.begin() as connection:  # a check done with no next one planned (say, entered by hand)
        connection.exec_driver_sql("UPDATE breach_check SET done_at = '2026-04-02 20:30:00'")
    result = rollover(ctx)
    assert result.checks_planned == (notice.reference,)
    [_, planned] = rows(ctx, "breach_check")
    assert planned["due_at"] == at("2026-04-09 21:30")  # DVPN_BREACH_CHECK_INTERVAL_DAYS after the last one done
    assert rollover(ctx).checks_planned == ()
