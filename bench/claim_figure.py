"""The sweep's claim at national scale, for bench/reporting_queries.py: one claim of 100 due
reminders among 1,000,000 pending, through services.reminders.queue.claim_due as the sweep calls
it (the claiming statement, the batch's records and recipients, the facts of each message).

The generated force keeps pending only the reminders still ahead of the bench's clock; it is topped
up to PENDING with reminders due over the next year (kind CLAIM_FILLER, kept for later runs). The
100 due ones are added for the measurement and deleted after it. Each claim is handed back
(release) before the next, untimed, so every run claims the same 100.

Run on its own, it measures the claim alone, and with --before REV first measures REV's code in the
same run (bench/earlier_tree.py), then prints both: wall and CPU time a claim, statements a claim.
The database's schema may be behind this tree's migrations (the national data is never migrated by
a bench): the claim's code is measured on the schema the data has, which is said.

Usage:
    .venv/bin/python bench/claim_figure.py [--runs 15] [--warmups 2] [--before REV]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

if __name__ == "__main__":  # run as a script: the tree's packages first
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from services.context import ServiceContext
from services.reminders import queue as reminder_queue

PENDING = 1_000_000
DUE = 100
CLAIM_FILLER = "expires_in_7d"  # a kind whose facts need only the record
CLAIM_DUE = "expires_in_7d:bench"  # the measured ones: deleted afterwards by this kind
WORKER = "bench-claim"
NAME = f"claim: {DUE} due among {PENDING:,} pending"


@dataclass(frozen=True)
class ClaimFigure:
    pending: int
    claimed: int
    runs_ms: tuple[float, ...]
    statement: tuple[str, ...] = ()  # the claiming UPDATE's EXPLAIN (ANALYZE, BUFFERS), one claim
    statements: int = 0  # the SQL statements one claim sends
    cpu_ms: tuple[float, ...] = ()  # this process's CPU time per claim (Python's share of the wall time)

    def line(self) -> str:
        ordered = sorted(self.runs_ms)
        median, p95 = statistics.median(ordered), ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
        verdict = "ok" if median < 10 else "OVER 10 ms"
        name = f"claim: {self.claimed} claimed among {self.pending:,} pending"
        line = f"{name:<44} median {median:7.1f} ms   p95 {p95:7.1f} ms   max {ordered[-1]:7.1f} ms   {verdict}"
        if self.cpu_ms:
            cpu = statistics.median(self.cpu_ms)
            line += f"\n  {self.statements} statements a claim; this process's CPU: median {cpu:.1f} ms a claim"
        took = next((m[1] for row in self.statement if (m := re.search(r"Execution Time: ([\d.]+)", row))), None)
        if took is None:
            return line
        verdict = "ok" if float(took) < 10 else "OVER 10 ms"
        inside = f"  the claiming UPDATE alone, in PostgreSQL: {float(took):.1f} ms   {verdict}"
        plan = "\n".join(f"      {row.rstrip()[:150]}" for row in self.statement)
        return f"{line}\n{inside} (the rest is the batch's records, recipients and messages, in Python)\n{plan}"

    @property
    def median_ms(self) -> float:
        return statistics.median(self.runs_ms) if self.runs_ms else float("inf")

    @property
    def median_cpu_ms(self) -> float:
        return statistics.median(self.cpu_ms) if self.cpu_ms else float("inf")

    def to_json(self) -> dict[str, Any]:
        """For --before: an earlier tree's figure, read back by from_json (its plan left out)."""
        return {**asdict(self), "statement": []}

    @classmethod
    def from_json(cls, found: dict[str, Any]) -> ClaimFigure:
        return cls(
            int(found["pending"]),
            int(found["claimed"]),
            tuple(found["runs_ms"]),
            tuple(found.get("statement", ())),
            int(found.get("statements", 0)),
            tuple(found.get("cpu_ms", ())),
        )


def compared(before: ClaimFigure, after: ClaimFigure, rev: str = "before") -> str:
    """An earlier tree's claim beside this tree's: medians, wall and this process's CPU."""

    def ratio(old: float, new: float) -> str:
        return f"{old / new:.2f}x" if new else "-"

    return (
        f"  claim, {rev} -> this tree: wall median {before.median_ms:.1f} -> {after.median_ms:.1f} ms "
        f"({ratio(before.median_ms, after.median_ms)}); CPU median {before.median_cpu_ms:.1f} -> "
        f"{after.median_cpu_ms:.1f} ms a claim ({ratio(before.median_cpu_ms, after.median_cpu_ms)}); "
        f"statements {before.statements} -> {after.statements}; claimed {before.claimed} -> {after.claimed}"
    )


def _claim_plan(ctx: ServiceContext) -> tuple[str, ...]:
    """The claiming statement as claim_due sent it, run again (its claim handed back first) under
    EXPLAIN (ANALYZE, BUFFERS) in a transaction rolled back, so the rows are not kept claimed."""
    engine = ctx.engine
    sent: list[tuple[str, Any]] = []

    def record(_c: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
        sent.append((statement, parameters))

    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        reminder_queue.claim_due(ctx, WORKER, limit=DUE)
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
        reminder_queue.release(ctx, WORKER)
    statement, parameters = next((s, p) for s, p in sent if s.startswith("UPDATE reminder"))
    raw: Any = engine.raw_connection()
    try:
        with raw.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {statement}", parameters)
            plan = tuple(str(row[0]) for row in cursor.fetchall())
        raw.rollback()
    finally:
        raw.close()
    return plan


def _copy(engine: Engine, rows: list[tuple[int, str, datetime, int]], now: datetime) -> None:
    buffer = io.StringIO()
    for order_id, kind, due, user in rows:
        buffer.write(f"{order_id}\t{kind}\t{due.isoformat()}\t{user}\tf\tpending\t0\t{now.isoformat()}\n")
    raw: Any = engine.raw_connection()
    try:
        with raw.cursor() as cursor:
            columns = "order_id, kind, due_at, recipient_id, critical, state, attempts, created_at"
            with cursor.copy(f"COPY reminder ({columns}) FROM STDIN") as copy:
                copy.write(buffer.getvalue())
            cursor.execute("ANALYZE reminder")
        raw.commit()
    finally:
        raw.close()


def _subject(engine: Engine) -> tuple[int, int]:
    """An active record and its officer: whom the bench's reminders are about and for."""
    with engine.connect() as connection:
        row = connection.exec_driver_sql(
            "SELECT o.id, o.officer_id FROM protection_order o JOIN app_user u ON u.id = o.officer_id "
            "WHERE o.status = 'active' AND u.active ORDER BY o.id DESC LIMIT 1"
        ).first()
    assert row is not None, "the bench data has no active record"
    return int(row[0]), int(row[1])


def _last_filler(engine: Engine, order: int) -> datetime:
    with engine.connect() as connection:
        last = connection.exec_driver_sql(
            "SELECT max(due_at) FROM reminder WHERE order_id = %(order)s AND kind = %(kind)s",
            {"order": order, "kind": CLAIM_FILLER},
        ).scalar()
    return last if isinstance(last, datetime) else datetime.min.replace(tzinfo=UTC)


def _pending(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.exec_driver_sql("SELECT count(*) FROM reminder WHERE state = 'pending'").scalar_one())


def measure(ctx: ServiceContext, runs: int, warmups: int, *, explain: bool = True) -> ClaimFigure:
    """`explain`: also run the claiming statement again under EXPLAIN (ANALYZE, BUFFERS)."""
    engine, now = ctx.engine, ctx.clock.now()
    order, officer = _subject(engine)
    pending = _pending(engine)
    if pending < PENDING:
        # A second apart from a year ahead on (after any filler there already), so none is due and
        # (order, kind, due) stays unique.
        start = max(now + timedelta(days=366), _last_filler(engine, order) + timedelta(seconds=1))
        fill = [(order, CLAIM_FILLER, start + timedelta(seconds=i), officer) for i in range(PENDING - pending)]
        _copy(engine, fill, now)
    due = [(order, CLAIM_DUE, now - timedelta(minutes=10, seconds=i), officer) for i in range(DUE)]
    _copy(engine, due, now)
    pending = _pending(engine)
    took: list[float] = []
    cpu: list[float] = []
    claimed = 0
    sent: list[str] = []

    def count(_c: Any, _cursor: Any, statement: str, _parameters: Any, _context: Any, _many: bool) -> None:
        sent.append(statement)

    try:
        for run in range(warmups + runs):
            sent.clear()
            sa.event.listen(engine, "before_cursor_execute", count)
            began, began_cpu = time.perf_counter(), time.process_time()
            claim = reminder_queue.claim_due(ctx, WORKER, limit=DUE)
            elapsed = (time.perf_counter() - began) * 1000
            used = (time.process_time() - began_cpu) * 1000
            sa.event.remove(engine, "before_cursor_execute", count)
            reminder_queue.release(ctx, WORKER)
            claimed = len(claim.messages)
            if run >= warmups:
                took.append(elapsed)
                cpu.append(used)
        plan = _claim_plan(ctx) if explain else ()
    finally:
        with engine.begin() as connection:
            connection.exec_driver_sql(
                "DELETE FROM reminder WHERE order_id = %(order)s AND kind = %(kind)s",
                {"order": order, "kind": CLAIM_DUE},
            )
    return ClaimFigure(pending, claimed, tuple(took), plan, len(sent), tuple(cpu))


def _schema_note(url: str) -> str:
    """Which migration the data is at, beside this tree's newest: the claim is measured on the
    schema the data has."""
    from bench.reporting_data import sqlalchemy_url
    from models.db import make_engine
    from models.schema import current_revision, head_revision

    engine = make_engine(sqlalchemy_url(url))
    try:
        at, head = current_revision(engine), head_revision()
    finally:
        engine.dispose()
    return f"schema at {at}" + ("" if at == head else f" (this tree's newest migration is {head})")


def main() -> None:
    from bench.earlier_tree import earlier_tree
    from bench.fakeforce.force import NOW
    from bench.reporting_data import MARKER, bench_url, sqlalchemy_url, stored_marker
    from config import Settings
    from models.db import make_engine
    from services.clock import ManualClock

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--warmups", type=int, default=2)
    parser.add_argument("--before", metavar="REV", help="first measure REV's code in the same run, to compare")
    parser.add_argument("--json", type=Path, help=argparse.SUPPRESS)  # how --before reads an earlier tree's figure
    args = parser.parse_args()
    url = bench_url()
    if not (stored_marker(url) or "").startswith(MARKER):
        sys.exit(f"{url} holds no finished bench data: run bench/reporting_data.py first.")
    before: ClaimFigure | None = None
    if args.before:
        with earlier_tree(args.before) as tree:
            out = tree.parent / "claim.json"
            command = [sys.executable, str(tree / "bench" / "claim_figure.py"), "--json", str(out)]
            command += ["--runs", str(args.runs), "--warmups", str(args.warmups)]
            print(f"measuring the claim of {args.before}'s code ({tree})", flush=True)
            subprocess.run(command, check=True, cwd=tree)
            found = json.loads(out.read_text())
        before, before_load = ClaimFigure.from_json(found["claim"]), found["load"]
    load = os.getloadavg()
    engine = make_engine(sqlalchemy_url(url))
    try:
        figure = measure(ServiceContext(engine, Settings(), ManualClock(NOW), "bench"), args.runs, args.warmups)
    finally:
        engine.dispose()
    end = os.getloadavg()
    loads = f"load average before: {' '.join(f'{x:.2f}' for x in load)}; after: {' '.join(f'{x:.2f}' for x in end)}"
    print(f"{_schema_note(url)}; {args.runs} runs after {args.warmups} warm-ups; {os.cpu_count()} cores")
    print(figure.line() if args.json is None else figure.line().split("\n")[0], flush=True)
    print(loads)
    if args.json is not None:
        args.json.write_text(json.dumps({"claim": figure.to_json(), "load": loads}))
        return
    if before is not None:
        print(f"\n{args.before}'s {before_load}")
        print(compared(before, figure, args.before))


if __name__ == "__main__":
    main()
