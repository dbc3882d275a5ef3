"""The 08:00 wave at Slack's speed: reminders held overnight by quiet hours, all due at once,
swept against the local Slack stand-in made as slow and as strict as Slack (200 ms a call with
jitter, one post a second per channel, Tier 3 limits answering 429 with Retry-After).

Runs, in one process and one go so the ratios compare like with like:
- sequential: one post at a time and no pacing, as the sweep posted before it drained concurrently;
  timed on the first SEQUENTIAL_N reminders of the wave (the rest would take minutes);
- concurrent: the whole wave at DVPN_SWEEP_CONCURRENCY 8 and 16, paced per channel;
- three sweepers at once (threads, each with its own client and DM memory, as three processes).
Each officer's DM id is kept in the database beforehand (as from the first day on: app_user.slack_dm_channel),
so the figures measure posting, not Tier 3's 50 conversations.open a minute.

PostgreSQL when DVPN_BENCH_POSTGRES_URL is set (its tables are EMPTIED: use a scratch database);
otherwise a SQLite file in a temporary directory. Usage:
    DVPN_BENCH_POSTGRES_URL=postgresql://postgres@127.0.0.1:5432/dvpn_bench .venv/bin/python bench/sweep_wave.py
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy.engine import Engine
from sweep_throughput import NOW, engine_for_bench, setup

from config import Settings
from console.slack_api import SlackWebAPI
from handlers.web_client import web_client
from models.db import is_postgres
from scheduler.dm_directory import StoredDmChannels
from scheduler.notifier import ChannelPacer, SlackNotifier
from scheduler.sweep import SweepResult, sweep_once
from services.context import ServiceContext
from services.governance import staff

SEQUENTIAL_N = 150


def officers(ctx: ServiceContext, count: int) -> list[tuple[int, str]]:
    """`count` officers in the bench team: (app_user id, Slack id)."""
    slack_ids = [f"UWAVE{n:05d}" for n in range(count)]
    for slack_id in slack_ids:
        staff.place_in_team(ctx, "UADMIN", slack_id, "Bench")
    with ctx.engine.begin() as connection:
        # Each officer's DM already opened and kept (the stand-in opens D<rest> for U<rest>).
        connection.exec_driver_sql("UPDATE app_user SET slack_dm_channel = 'D' || substr(slack_user_id, 2)")
        found = dict(connection.exec_driver_sql("SELECT slack_user_id, id FROM app_user").all())
    return [(int(found[s]), s) for s in slack_ids]


def insert_wave(engine: Engine, order: int, people: list[tuple[int, str]], count: int, wave: str) -> None:
    """`count` reminders all due at 08:00 (NOW), dealt round the officers in turn."""
    rows = [(order, f"{wave}_{i}", people[i % len(people)][0]) for i in range(count)]
    at = NOW - timedelta(minutes=1)
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


def notifier_for(ctx: ServiceContext, slack: SlackWebAPI, pace: float) -> SlackNotifier:
    client = web_client(Settings(slack_api_url=slack.api_url), token="xoxb-bench")
    return SlackNotifier(client, ChannelPacer(pace), StoredDmChannels(ctx))


def sweep(ctx: ServiceContext, notifier: SlackNotifier, concurrency: int) -> tuple[SweepResult, float]:
    policy = replace(ctx.settings.reminders, sweep_concurrency=concurrency)
    ctx = replace(ctx, settings=replace(ctx.settings, reminders=policy))
    began = time.perf_counter()
    result = sweep_once(ctx, notifier, f"wave-{concurrency}")
    return result, time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reminders", type=int, default=2000)
    parser.add_argument("--officers", type=int, default=300)
    parser.add_argument("--latency", type=float, default=0.2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir, SlackWebAPI.like_slack(args.latency) as slack:
        engine = engine_for_bench(workdir)
        ctx, order, _ = setup(engine)
        people = officers(ctx, args.officers)
        print(
            f"database: {engine.dialect.name}; {os.cpu_count()} cores; "
            f"Slack stand-in at {args.latency * 1000:.0f} ms a call"
        )
        runs: list[tuple[str, int, float, int]] = []
        load = os.getloadavg()
        insert_wave(engine, order, people, SEQUENTIAL_N, "sequential")
        result, took = sweep(ctx, notifier_for(ctx, slack, 0.0), 1)
        runs.append(("sequential (before)", result.sent, took, slack.rate_limited))
        for concurrency in (8, 16):
            limited = slack.rate_limited
            insert_wave(engine, order, people, args.reminders, f"concurrent{concurrency}")
            result, took = sweep(ctx, notifier_for(ctx, slack, 1.0), concurrency)
            runs.append(
                (f"concurrent {concurrency}, paced 1/s per DM", result.sent, took, slack.rate_limited - limited)
            )
        # Three sweepers at once, each with its own client and DM memory, as three processes would.
        limited = slack.rate_limited
        insert_wave(engine, order, people, args.reminders, "three")
        outcomes: list[SweepResult] = []
        start = threading.Barrier(3)

        def sweeper(name: str) -> None:
            notifier = notifier_for(ctx, slack, 1.0)
            start.wait()
            outcomes.append(sweep_once(ctx, notifier, name))

        threads = [threading.Thread(target=sweeper, args=(f"wave-p{n}",)) for n in range(3)]
        began = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        took = time.perf_counter() - began
        runs.append(
            ("3 sweepers, concurrent 8 each", sum(o.sent for o in outcomes), took, slack.rate_limited - limited)
        )
        posts = Counter(json.dumps(c["metadata"], sort_keys=True) for c in slack.calls("chat.postMessage"))
        duplicates = sum(n - 1 for n in posts.values())
        base = runs[0][1] / runs[0][2]
        for name, sent, took, limited in runs:
            rate = sent / took
            processes = 3 if name.startswith("3 ") else 1
            print(
                f"wave: {sent} reminders to {min(sent, args.officers)} recipients in {took:.1f} s at "
                f"{args.latency * 1000:.0f} ms latency, {processes} process(es), 429s {limited}, "
                f"duplicates {duplicates}  [{name}: {rate:.1f} reminders/s, {rate / base:.1f}x]"
            )
        end = os.getloadavg()
        print(
            f"load average before: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; "
            f"after: {end[0]:.2f} {end[1]:.2f} {end[2]:.2f}"
        )
        engine.dispose()


if __name__ == "__main__":
    main()
