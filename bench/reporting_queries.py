"""How fast the reporting questions answer against the data of bench/reporting_data.py (PostgreSQL,
1,000,000 orders, 10,000,000 reminders): a supervisor's caseload page, a perpetrator's history
(a repeat offender's, and a search by name) and force-wide stats (the default period, and a year).
The target is a median under 100 ms for each. Then the sweep's claim of 100 due reminders among
1,000,000 pending (bench/claim_figure.py; target: under 10 ms).

Each question is asked through the real service function, as /dvpn would ask it, `--runs` times
after `--warmups`: the median, 95th percentile and maximum are printed. Then the SQL statements
the service issued are captured (a before_cursor_execute listener) and run again under
EXPLAIN (ANALYZE, BUFFERS) inside a transaction that is rolled back (a view writes an audit row):
each statement's time and the plan's important lines are printed, and the full plans written to
--plans-dir.

Usage:
    .venv/bin/python bench/reporting_data.py --reuse      # once: generate or reuse the data
    .venv/bin/python bench/reporting_queries.py [--runs 15] [--warmups 2] [--only caseload] [--no-plans]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bench import claim_figure
from bench.fakeforce.force import NOW
from bench.reporting_data import MARKER, bench_url, sqlalchemy_url, stored_marker
from bench.reporting_questions import Question, questions
from config import Settings
from models.db import make_engine
from models.schema import SchemaState, schema_state
from services.clock import ManualClock
from services.context import ServiceContext

# Plan lines worth reading in a summary: the nodes that touch tables, and the totals.
IMPORTANT = re.compile(r"Scan|Join|Aggregate|Sort|Limit|SubPlan|InitPlan|Execution Time|Planning Time|Rows Removed")


@dataclass(frozen=True)
class Timing:
    name: str
    runs_ms: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.runs_ms)

    @property
    def p95(self) -> float:
        ordered = sorted(self.runs_ms)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]

    def line(self) -> str:
        verdict = "ok" if self.median < 100 else "OVER 100 ms"
        return (
            f"{self.name:<44} median {self.median:7.1f} ms   p95 {self.p95:7.1f} ms   "
            f"max {max(self.runs_ms):7.1f} ms   {verdict}"
        )


def time_question(question: Question, runs: int, warmups: int) -> Timing:
    for _ in range(warmups):
        question.ask()
    took = []
    for _ in range(runs):
        began = time.perf_counter()
        question.ask()
        took.append((time.perf_counter() - began) * 1000)
    return Timing(question.name, tuple(took))


@contextmanager
def captured_statements(engine: Engine) -> Iterator[list[tuple[str, Any]]]:
    """Every statement the engine sends while the block runs, with its parameters."""
    seen: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, many: bool) -> None:
        if not many:
            seen.append((statement, parameters))

    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)


def explain(engine: Engine, statements: list[tuple[str, Any]]) -> list[tuple[str, float, list[str]]]:
    """(statement, execution ms, plan lines) for each statement, run again in a transaction
    that is rolled back, so a view's audit row is not written twice."""
    explained = []
    raw: Any = engine.raw_connection()
    try:
        with raw.cursor() as cursor:
            for statement, parameters in statements:
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {statement}", parameters)
                plan = [row[0] for row in cursor.fetchall()]
                ms = next((float(m[1]) for line in plan if (m := re.search(r"Execution Time: ([\d.]+)", line))), 0.0)
                explained.append((statement, ms, plan))
        raw.rollback()
    finally:
        raw.close()
    return explained


def print_plans(question: Question, engine: Engine, plans_dir: Path) -> None:
    with captured_statements(engine) as statements:
        question.ask()
    explained = explain(engine, statements)
    total = sum(ms for _, ms, _ in explained)
    print(f"\n=== {question.name}: {len(explained)} statements, {total:.1f} ms inside PostgreSQL")
    slug = re.sub(r"[^a-z0-9]+", "-", question.name.lower()).strip("-")
    with (plans_dir / f"{slug}.txt").open("w") as out:
        for number, (statement, ms, plan) in enumerate(explained, 1):
            out.write(f"-- statement {number}: {ms:.2f} ms\n{statement}\n\n" + "\n".join(plan) + "\n\n")
            first_line = " ".join(statement.split())[:150]
            print(f"--- {number}. {ms:7.2f} ms  {first_line}")
            for line in plan:
                if IMPORTANT.search(line):
                    print(f"      {line.rstrip()[:150]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--warmups", type=int, default=2)
    parser.add_argument("--only", help="ask only the questions whose name contains this text")
    parser.add_argument("--no-plans", action="store_true", help="timings only")
    parser.add_argument("--plans-dir", type=Path, default=Path("/tmp/dvpn-reporting-plans"))
    args = parser.parse_args()
    url = bench_url()
    marker = stored_marker(url) or ""
    if not marker.startswith(MARKER):
        sys.exit(f"{url} holds no finished bench data: run bench/reporting_data.py first.")
    engine = make_engine(sqlalchemy_url(url))
    if schema_state(engine) is not SchemaState.CURRENT:
        sys.exit("The bench database's schema is behind the migrations: run bench/reporting_data.py --reuse.")
    ctx = ServiceContext(engine, Settings(), ManualClock(NOW), "bench")
    asked = [q for q in questions(ctx) if not args.only or args.only in q.name]
    load = os.getloadavg()
    print(f"{marker}\n{args.runs} runs after {args.warmups} warm-ups each; {os.cpu_count()} cores\n")
    for question in asked:
        print(f"  {question.describe}")
    print()
    timings = []
    for question in asked:
        timing = time_question(question, args.runs, args.warmups)
        timings.append(timing)
        print(timing.line(), flush=True)
    if not args.only or args.only in claim_figure.NAME:
        print(claim_figure.measure(ctx, args.runs, args.warmups).line(), flush=True)
    end = os.getloadavg()
    print(f"load average before: {' '.join(f'{x:.2f}' for x in load)}; after: {' '.join(f'{x:.2f}' for x in end)}")
    if not args.no_plans:
        args.plans_dir.mkdir(parents=True, exist_ok=True)
        for question in asked:
            print_plans(question, engine, args.plans_dir)
        print(f"\nfull plans: {args.plans_dir}")
    engine.dispose()


if __name__ == "__main__":
    main()
