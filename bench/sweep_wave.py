"""The 08:00 wave at Slack's speed: reminders held overnight by quiet hours, all due at once,
swept against the local Slack stand-in made as slow and as strict as Slack (console/slack_limits.py:
200 ms a call with jitter, about one post a second per channel, Tier 3 limits answering 429 with
Retry-After).

Runs, in one go so the figures compare like with like:
- sequential: one post at a time and no pacing, as the sweep posted before it drained concurrently,
  timed on the first SEQUENTIAL_N reminders (the whole wave would take many minutes);
- the whole wave (default 5,000 reminders to 1,500 recipients) swept by 1 process, then a fresh
  wave by 3 processes at once, each a real process (its own interpreter, database connections,
  Slack client and pacing) running the sweep with the default settings, as `dvpn-bot scheduler` does.
Each recipient's DM id is kept in the database beforehand (app_user.slack_dm_channel, as from the
first day on), so the figures measure posting, not Tier 3's 50 conversations.open a minute.
Duplicates: posts of one reminder more than once (by its metadata). 429s: calls the stand-in
refused; the client waits out their Retry-After and posts again.

PostgreSQL when DVPN_BENCH_POSTGRES_URL is set (its tables are EMPTIED: use a scratch database);
otherwise a SQLite file in a temporary directory (3 processes then mostly wait for its one writer).
Usage:
    DVPN_BENCH_POSTGRES_URL=postgresql://postgres@127.0.0.1:5432/dvpn_bench .venv/bin/python bench/sweep_wave.py
        [--reminders 5000] [--recipients 1500] [--latency 0.2] [--processes 1 3]
"""

from __future__ import annotations

import argparse
import io
import json
import multiprocessing
import os
import sys
import tempfile
import time
from collections import Counter
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from sqlalchemy.engine import Engine
from sweep_throughput import NOW, engine_for_bench, setup

from config import ReminderPolicy, Settings
from console.slack_api import SlackWebAPI
from handlers.web_client import web_client
from models.db import is_postgres, make_engine
from scheduler.dm_directory import StoredDmChannels
from scheduler.notifier import ChannelPacer, SlackNotifier
from scheduler.sweep import sweep_once
from services.clock import ManualClock
from services.context import ServiceContext

SEQUENTIAL_N = 150


def recipients(engine: Engine, team_id: int, count: int) -> list[int]:
    """`count` officers of the bench team, each with their DM kept (the stand-in opens D<rest> for
    U<rest>): their app_user ids. Written in one statement: 1,500 placements through the service
    would time the setup, not the wave."""
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO app_user (slack_user_id, display_name, role, team_id, active, created_at, slack_dm_channel) "
            "VALUES (%(slack)s, '', 'officer', %(team)s, %(yes)s, %(now)s, %(dm)s)"
            if is_postgres(engine)
            else "INSERT INTO app_user (slack_user_id, display_name, role, team_id, active, created_at, "
            "slack_dm_channel) VALUES (:slack, '', 'officer', :team, :yes, :now, :dm)",
            [
                {"slack": f"UWAVE{n:05d}", "team": team_id, "yes": True, "now": NOW, "dm": f"DWAVE{n:05d}"}
                for n in range(count)
            ],
        )
        found = dict(connection.exec_driver_sql("SELECT slack_user_id, id FROM app_user").all())
    return [int(found[f"UWAVE{n:05d}"]) for n in range(count)]


def insert_wave(engine: Engine, order: int, people: list[int], count: int, wave: str) -> None:
    """`count` reminders all due at 08:00 (a minute before the bench's clock), dealt round the
    recipients in turn, so each gets count / len(people) of them in due order."""
    at = NOW - timedelta(minutes=1)
    rows = [(order, f"{wave}_{i}", people[i % len(people)]) for i in range(count)]
    if is_postgres(engine):
        buffer = io.StringIO()
        for order_id, kind, user in rows:
            buffer.write(f"{order_id}\t{kind}\t{at.isoformat()}\t{user}\tf\tpending\t0\t{NOW.isoformat()}\n")
        raw: Any = engine.raw_connection()
        try:
            with raw.cursor() as cursor:
                columns = "order_id, kind, due_at, recipient_id, critical, state, attempts, created_at"
                with cursor.copy(f"COPY reminder ({columns}) FROM STDIN") as copy:
                    copy.write(buffer.getvalue())
            raw.commit()
        finally:
            raw.close()
        return
    naive = NOW.replace(tzinfo=None).isoformat(sep=" ")
    due = at.replace(tzinfo=None).isoformat(sep=" ")
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO reminder (order_id, kind, due_at, recipient_id, critical, state, attempts, created_at) "
            "VALUES (?, ?, ?, ?, 0, 'pending', 0, ?)",
            [(o, k, due, u, naive) for o, k, u in rows],  # type: ignore[arg-type]
        )


def sweeper(url: str, api_url: str, name: str, policy: ReminderPolicy, start: Any) -> tuple[int, float]:
    """One sweeping process: its own engine, client and pacing, as `dvpn-bot scheduler` builds them
    (scheduler/runner.py); sweeps until nothing is due. Returns (posted, seconds)."""
    settings = Settings(slack_api_url=api_url, reminders=policy)
    engine = make_engine(url)
    ctx = ServiceContext(engine, settings, ManualClock(NOW), "bench")
    client = web_client(settings, token="xoxb-bench")
    notifier = SlackNotifier(client, ChannelPacer(policy.post_interval_ms / 1000), StoredDmChannels(ctx))
    start.wait()
    began = time.perf_counter()
    result = sweep_once(ctx, notifier, name)
    took = time.perf_counter() - began
    engine.dispose()
    return result.sent, took


def run_processes(url: str, slack: SlackWebAPI, policy: ReminderPolicy, processes: int) -> tuple[int, float]:
    """`processes` sweepers started at once; the wave's time is from the start to the last one done."""
    spawn = multiprocessing.get_context("spawn")
    with spawn.Manager() as manager:
        start = manager.Barrier(processes + 1)
        with spawn.Pool(processes) as pool:
            jobs = [
                pool.apply_async(sweeper, (url, slack.api_url, f"wave-p{n}", policy, start)) for n in range(processes)
            ]
            start.wait()
            began = time.perf_counter()
            sent = sum(job.get()[0] for job in jobs)
            return sent, time.perf_counter() - began


def duplicates(slack: SlackWebAPI) -> int:
    posts = Counter(json.dumps(c["metadata"], sort_keys=True) for c in slack.calls("chat.postMessage"))
    return sum(n - 1 for n in posts.values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reminders", type=int, default=5000)
    parser.add_argument("--recipients", type=int, default=1500)
    parser.add_argument("--latency", type=float, default=0.2)
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 3])
    args = parser.parse_args()
    ms = f"{args.latency * 1000:.0f} ms"
    with tempfile.TemporaryDirectory() as workdir, SlackWebAPI.like_slack(args.latency) as slack:
        engine = engine_for_bench(workdir)
        url = engine.url.render_as_string(hide_password=False)
        _, order, _ = setup(engine)
        with engine.connect() as connection:
            team = int(connection.exec_driver_sql("SELECT id FROM team").scalar_one())
        people = recipients(engine, team, args.recipients)
        policy = Settings().reminders  # the defaults, as a deployment that sets nothing runs
        print(
            f"database: {engine.dialect.name}; {os.cpu_count()} cores; Slack stand-in at {ms} a call; "
            f"DVPN_SWEEP_CONCURRENCY {policy.sweep_concurrency}, DVPN_SWEEP_BATCH_SIZE {policy.sweep_batch_size}, "
            f"DVPN_POST_INTERVAL_MS {policy.post_interval_ms}"
        )
        load = os.getloadavg()
        insert_wave(engine, order, people, SEQUENTIAL_N, "sequential")
        one_at_a_time = replace(policy, sweep_concurrency=1, post_interval_ms=0)
        sent, took = run_processes(url, slack, one_at_a_time, 1)
        base = sent / took
        print(
            f"sequential (one post at a time, unpaced): {sent} reminders to {min(sent, len(people))} recipients in "
            f"{took:.1f} s at {ms} latency, 1 process: {base:.1f} reminders/s; the wave of {args.reminders} "
            f"would take {args.reminders / base:.0f} s",
            flush=True,
        )
        for processes in args.processes:
            limited, before = slack.rate_limited, duplicates(slack)
            insert_wave(engine, order, people, args.reminders, f"wave{processes}")
            sent, took = run_processes(url, slack, policy, processes)
            print(
                f"wave: {sent} reminders to {min(sent, len(people))} recipients in {took:.1f} s at {ms} latency, "
                f"{processes} process(es), 429s {slack.rate_limited - limited}, "
                f"duplicates {duplicates(slack) - before}  [{sent / took:.1f} reminders/s, {sent / took / base:.1f}x "
                "sequential]",
                flush=True,
            )
        end = os.getloadavg()
        print(f"load average before: {' '.join(f'{x:.2f}' for x in load)}; after: {' '.join(f'{x:.2f}' for x in end)}")
        engine.dispose()


if __name__ == "__main__":
    main()
