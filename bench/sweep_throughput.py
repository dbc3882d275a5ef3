"""How fast the reminder sweep claims and posts, against the local Slack stand-in.

1. Throughput: N due reminders, swept by one worker and then by three at once: reminders per
   second claimed, posted (conversations.open + chat.postMessage) and marked sent.
2. Scale: 1,000,000 pending reminders of which 1,000 are due: how long the claim query takes,
   and how long one whole sweep (claim, post, mark) of the 1,000 takes.

PostgreSQL when DVPN_BENCH_POSTGRES_URL is set (its tables are EMPTIED: use a scratch database);
otherwise a SQLite file in a temporary directory. Usage:
    DVPN_BENCH_POSTGRES_URL=postgresql://postgres@127.0.0.1:5432/dvpn_bench .venv/bin/python bench/sweep_throughput.py
"""

from __future__ import annotations

import io
import os
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy.engine import Engine

from config import ReminderPolicy, Settings
from console.slack_api import SlackWebAPI
from handlers.web_client import web_client
from models import metadata
from models.db import is_postgres, make_engine
from models.schema import upgrade
from rules.order_types import OrderType
from rules.ranks import Rank
from scheduler.notifier import SlackNotifier
from scheduler.sweep import sweep_once
from services.clock import ManualClock
from services.context import ServiceContext
from services.governance import staff
from services.records import recording as records
from services.records.order_writer import PersonInput
from services.records.recording import NewRecord
from services.reminders import queue as reminder_queue

THROUGHPUT_N = 2_000
PENDING = 1_000_000
DUE = 1_000
NOW = datetime(2026, 4, 2, 21, 0, tzinfo=UTC)


def engine_for_bench(workdir: str) -> Engine:
    url = os.environ.get("DVPN_BENCH_POSTGRES_URL")
    if url:
        engine = make_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
        upgrade(engine)
        with engine.begin() as connection:
            tables = ", ".join(t.name for t in metadata.sorted_tables)
            # The audit trail refuses TRUNCATE by trigger; a scratch database's superuser may skip it.
            connection.exec_driver_sql("SET LOCAL session_replication_role = replica")
            connection.exec_driver_sql(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
        return engine
    engine = make_engine(f"sqlite:///{workdir}/bench.db")
    upgrade(engine)
    return engine


def setup(engine: Engine) -> tuple[ServiceContext, int, int]:
    """A team, an officer and one DVPN (the reminders' order); returns (ctx, order id, officer id)."""
    settings = Settings(admins=("UADMIN",), reminders=ReminderPolicy(sweep_batch_size=100))
    ctx = ServiceContext(engine, settings, ManualClock(NOW), "bench")
    staff.create_team(ctx, "UADMIN", "Bench")
    staff.place_in_team(ctx, "UADMIN", "UOFFICER", "Bench")
    records.record(
        ctx,
        "UOFFICER",
        NewRecord(
            order_type=OrderType.DVPN,
            served_at=NOW - timedelta(hours=1),
            authoriser_name="Supt",
            authoriser_rank=Rank.SUPERINTENDENT,
            perpetrator=PersonInput("Bench Person"),
        ),
    )
    with engine.begin() as connection:
        connection.exec_driver_sql("UPDATE reminder SET state = 'cancelled'")
        officer = connection.exec_driver_sql("SELECT id FROM app_user WHERE slack_user_id = 'UOFFICER'").scalar_one()
        order = connection.exec_driver_sql("SELECT id FROM protection_order").scalar_one()
    return ctx, int(order), int(officer)


def insert_reminders(engine: Engine, order: int, officer: int, due: int, pending_later: int, kind: str) -> float:
    """`due` reminders due before NOW and `pending_later` due over the next year; COPY on PostgreSQL,
    executemany in chunks on SQLite. Returns the seconds taken."""
    began = time.perf_counter()
    rows = (
        (NOW - timedelta(seconds=due - i) if i < due else NOW + timedelta(seconds=30 * (i - due + 1)))
        for i in range(due + pending_later)
    )
    if is_postgres(engine):
        buffer = io.StringIO()
        for at in rows:
            buffer.write(f"{order}\t{kind}\t{at.isoformat()}\t{officer}\tf\tpending\t0\t{NOW.isoformat()}\n")
        raw: Any = engine.raw_connection()
        try:
            with raw.cursor() as cursor:
                columns = "order_id, kind, due_at, recipient_id, critical, state, attempts, created_at"
                with cursor.copy(f"COPY reminder ({columns}) FROM STDIN") as copy:
                    copy.write(buffer.getvalue())
            raw.commit()
            with raw.cursor() as cursor:
                cursor.execute("ANALYZE reminder")
            raw.commit()
        finally:
            raw.close()
    else:
        naive = NOW.replace(tzinfo=None).isoformat(sep=" ")
        with engine.begin() as connection:
            sql = (
                "INSERT INTO reminder (order_id, kind, due_at, recipient_id, critical, state, attempts, created_at) "
                "VALUES (?, ?, ?, ?, 0, 'pending', 0, ?)"
            )
            chunk: list[tuple[Any, ...]] = []
            for at in rows:
                chunk.append((order, kind, at.replace(tzinfo=None).isoformat(sep=" "), officer, naive))
                if len(chunk) == 50_000:
                    connection.exec_driver_sql(sql, chunk)  # type: ignore[arg-type]
                    chunk = []
            if chunk:
                connection.exec_driver_sql(sql, chunk)  # type: ignore[arg-type]
            connection.exec_driver_sql("ANALYZE")
    return time.perf_counter() - began


def throughput(ctx: ServiceContext, slack: SlackWebAPI, order: int, officer: int, workers: int) -> float:
    insert_reminders(ctx.engine, order, officer, THROUGHPUT_N, 0, f"hearing_in_{workers}h")
    before = len(slack.calls("chat.postMessage"))
    start = threading.Barrier(workers)

    def work(name: str) -> None:
        notifier = SlackNotifier(web_client(Settings(slack_api_url=slack.api_url), token="xoxb-bench"))
        start.wait()
        sweep_once(ctx, notifier, name)

    began = time.perf_counter()
    threads = [threading.Thread(target=work, args=(f"bench-{n}",)) for n in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    posted = len(slack.calls("chat.postMessage")) - before
    assert posted == THROUGHPUT_N, posted
    return posted / elapsed


def main() -> None:
    with tempfile.TemporaryDirectory() as workdir, SlackWebAPI() as slack:
        engine = engine_for_bench(workdir)
        ctx, order, officer = setup(engine)
        print(f"database: {engine.dialect.name}")
        for workers in (1, 3):
            rate = throughput(ctx, slack, order, officer, workers)
            print(f"sweep throughput, {workers} worker(s), {THROUGHPUT_N:,} due:   {rate:8,.0f} reminders/s")

        took = insert_reminders(engine, order, officer, DUE, PENDING - DUE, "expires_in_7d")
        print(f"inserted {PENDING:,} pending reminders ({DUE:,} due) in {took:.1f} s")
        began = time.perf_counter()
        claim = reminder_queue.claim_due(ctx, "bench-claim", limit=100)
        claim_ms = (time.perf_counter() - began) * 1000
        reminder_queue.release(ctx, "bench-claim")
        claimed = len(claim.messages)
        print(f"one claim of 100 due among {PENDING:,} pending:      {claim_ms:8.1f} ms ({claimed} claimed)")
        notifier = SlackNotifier(web_client(Settings(slack_api_url=slack.api_url), token="xoxb-bench"))
        began = time.perf_counter()
        result = sweep_once(ctx, notifier, "bench-sweep")
        elapsed = time.perf_counter() - began
        print(f"one sweep sending the {result.sent:,} due among {PENDING:,}:   {elapsed:8.2f} s")
        engine.dispose()


if __name__ == "__main__":
    main()
