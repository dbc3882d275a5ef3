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

Each question has a budget (--budget seconds for its warm-ups and runs together): a question that
spends it is cut off (a SIGALRM in Python, statement_timeout in PostgreSQL), reported OVER BUDGET
with the runs it finished, and the run goes on to the next question.

With --before REV, the same questions are first asked of REV's code in the same run: REV's tree is
taken from git into a scratch directory, this bench/ copied over it (so the questions are the same
words), and this script run there with --json; then each question is printed with REV's median
beside this tree's. The services must keep the names the questions call.

Usage:
    .venv/bin/python bench/reporting_data.py --reuse      # once: generate or reuse the data
    .venv/bin/python bench/reporting_queries.py [--runs 15] [--warmups 2] [--only caseload] [--no-plans]
        [--budget 30] [--before REV]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import statistics
import subprocess
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
from bench.earlier_tree import earlier_tree
from bench.fakeforce.force import NOW
from bench.reporting_data import MARKER, bench_url, sqlalchemy_url, stored_marker
from bench.reporting_questions import Question, questions
from config import Settings
from models.db import make_engine
from models.schema import SchemaState, schema_state
from services.clock import ManualClock
from services.context import ServiceContext

# Plan lines worth reading in a summary: the nodes that touch tables, and the totals.
PLANNED_AT_MOST = 40  # a question asking one statement per row would print thousands of plans
IMPORTANT = re.compile(r"Scan|Join|Aggregate|Sort|Limit|SubPlan|InitPlan|Execution Time|Planning Time|Rows Removed")


@dataclass(frozen=True)
class Timing:
    name: str
    runs_ms: tuple[float, ...]
    cut_off_s: float | None = None  # the budget, when the question spent it
    failed: str | None = None  # the database's refusal, when a run raised one (an older tree's code)

    @property
    def median(self) -> float:
        return statistics.median(self.runs_ms) if self.runs_ms else float("inf")

    @property
    def p95(self) -> float:
        if not self.runs_ms:
            return float("inf")
        ordered = sorted(self.runs_ms)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]

    def line(self) -> str:
        if self.failed is not None:
            return f"{self.name:<44} FAILED after {len(self.runs_ms)} runs: {self.failed}"
        if self.cut_off_s is not None and not self.runs_ms:
            return f"{self.name:<44} OVER BUDGET: no run finished within {self.cut_off_s:.0f} s"
        verdict = "ok" if self.median < 100 else "OVER 100 ms"
        if self.cut_off_s is not None:
            verdict += f"; OVER BUDGET ({len(self.runs_ms)} runs in {self.cut_off_s:.0f} s)"
        return (
            f"{self.name:<44} median {self.median:7.1f} ms   p95 {self.p95:7.1f} ms   "
            f"max {max(self.runs_ms):7.1f} ms   {verdict}"
        )


class OverBudget(KeyboardInterrupt):
    """Raised by the budget's alarm. A KeyboardInterrupt, because that is what psycopg answers by
    cancelling the statement in progress, leaving the connection usable."""


def _alarm(_signum: int, _frame: Any) -> None:
    raise OverBudget


def time_question(question: Question, runs: int, warmups: int, engine: Engine, budget_s: float = 0) -> Timing:
    """Warm-ups then timed runs; with a budget, whatever is still running when it is spent is
    interrupted (a PostgreSQL statement is ended by its statement_timeout, set to the same budget)."""
    took: list[float] = []
    if budget_s:
        signal.signal(signal.SIGALRM, _alarm)
        # Repeating every half second: an alarm landing in a finaliser is swallowed there
        # ("Exception ignored in ..."), and the next one must still stop the question.
        signal.setitimer(signal.ITIMER_REAL, budget_s, 0.5)
    try:
        for _ in range(warmups):
            question.ask()
        for _ in range(runs):
            began = time.perf_counter()
            question.ask()
            took.append((time.perf_counter() - began) * 1000)
    except (OverBudget, sa.exc.DBAPIError) as stopped:
        signal.setitimer(signal.ITIMER_REAL, 0)  # before anything else: the alarm repeats
        engine.dispose()  # a connection interrupted mid-statement is not reused
        if isinstance(stopped, sa.exc.DBAPIError) and "statement timeout" not in str(stopped):
            # The question cannot be asked (e.g. an older tree's code at this scale): said, not fatal.
            first_line = str(stopped.orig).splitlines()[0] if stopped.orig else type(stopped).__name__
            return Timing(question.name, tuple(took), failed=f"{type(stopped.orig).__name__}: {first_line[:120]}")
        return Timing(question.name, tuple(took), budget_s)
    finally:
        if budget_s:
            signal.setitimer(signal.ITIMER_REAL, 0)
    return Timing(question.name, tuple(took))


def limit_statements(engine: Engine, seconds: float) -> None:
    """No statement runs longer than the budget of a whole question."""

    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        with dbapi_connection.cursor() as cursor:
            cursor.execute(f"SET statement_timeout = {int(seconds * 1000)}")
        dbapi_connection.commit()

    sa.event.listen(engine, "connect", on_connect)


def before_timings(rev: str, args: argparse.Namespace) -> tuple[dict[str, Timing], str, dict[str, Any] | None]:
    """The same questions asked of REV's code: (timings by question, the load averages around them,
    REV's claim figure as claim_figure.ClaimFigure.to_json wrote it, if it was measured)."""
    with earlier_tree(rev) as tree:
        out = tree.parent / "timings.json"
        command = [sys.executable, str(tree / "bench" / "reporting_queries.py"), "--json", str(out), "--no-plans"]
        command += ["--runs", str(args.runs), "--warmups", str(args.warmups), "--budget", str(args.budget)]
        command += ["--only", args.only] if args.only else []
        print(f"asking the questions of {rev}'s code ({tree})", flush=True)
        subprocess.run(command, check=True, cwd=tree)
        found = json.loads(out.read_text())
    timings = {
        t["name"]: Timing(t["name"], tuple(t["runs_ms"]), t["cut_off_s"], t.get("failed")) for t in found["timings"]
    }
    return timings, found["load"], found.get("claim")


def _ms(timing: Timing | None) -> str:
    if timing is None:
        return "       -"
    if timing.failed is not None:
        return "  failed"
    if not timing.runs_ms:
        return "  budget"
    return f"{timing.median:8.1f}"


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
    issued = len(statements)
    explained = explain(engine, statements[:PLANNED_AT_MOST])
    total = sum(ms for _, ms, _ in explained)
    more = f" (the first {PLANNED_AT_MOST} of {issued} explained)" if issued > PLANNED_AT_MOST else ""
    print(f"\n=== {question.name}: {issued} statements{more}, {total:.1f} ms inside PostgreSQL")
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
    parser.add_argument("--budget", type=float, default=30, help="seconds per question, warm-ups and runs together")
    parser.add_argument("--before", metavar="REV", help="first ask the same questions of REV's code, to compare")
    parser.add_argument("--json", type=Path, help=argparse.SUPPRESS)  # how --before reads an earlier tree's timings
    args = parser.parse_args()
    url = bench_url()
    marker = stored_marker(url) or ""
    if not marker.startswith(MARKER):
        sys.exit(f"{url} holds no finished bench data: run bench/reporting_data.py first.")
    before: dict[str, Timing] = {}
    before_claim: dict[str, Any] | None = None
    if args.before:
        before, before_load, before_claim = before_timings(args.before, args)
    engine = make_engine(sqlalchemy_url(url))
    # An earlier tree (--json) may not know the newest migrations; the data is the same.
    state = schema_state(engine) if args.json is None else SchemaState.CURRENT
    if state is SchemaState.AHEAD:
        sys.exit(
            "The bench database was migrated by a newer tree than this one: ask from that tree, with"
            " --before REV to compare this one, or rebuild the data with bench/reporting_data.py."
        )
    if state is not SchemaState.CURRENT:
        sys.exit("The bench database's schema is behind the migrations: run bench/reporting_data.py --reuse.")
    if args.budget:
        limit_statements(engine, args.budget)
    ctx = ServiceContext(engine, Settings(), ManualClock(NOW), "bench")
    asked = [q for q in questions(ctx) if not args.only or args.only in q.name]
    load = os.getloadavg()
    print(f"{marker}\n{args.runs} runs after {args.warmups} warm-ups each; {os.cpu_count()} cores\n")
    for question in asked:
        print(f"  {question.describe}")
    print()
    timings = []
    for question in asked:
        timing = time_question(question, args.runs, args.warmups, engine, args.budget)
        timings.append(timing)
        print(timing.line(), flush=True)
    claim: claim_figure.ClaimFigure | None = None
    if not args.only or args.only in claim_figure.NAME:
        # Its own engine: filling a million reminders with COPY is setup, not a question under the budget.
        unlimited = make_engine(sqlalchemy_url(url))
        claim_ctx = ServiceContext(unlimited, Settings(), ManualClock(NOW), "bench")
        claim = claim_figure.measure(claim_ctx, args.runs, args.warmups, explain=args.json is None)
        print(claim.line(), flush=True)
        unlimited.dispose()
    end = os.getloadavg()
    loads = f"load average before: {' '.join(f'{x:.2f}' for x in load)}; after: {' '.join(f'{x:.2f}' for x in end)}"
    print(loads)
    if args.json is not None:
        found = [
            {"name": t.name, "runs_ms": list(t.runs_ms), "cut_off_s": t.cut_off_s, "failed": t.failed} for t in timings
        ]
        measured = claim.to_json() if claim is not None else None
        args.json.write_text(json.dumps({"timings": found, "load": loads, "claim": measured}))
        engine.dispose()
        return
    if args.before:
        print(f"\nmedians, {args.before} -> this tree (ms); {args.before}'s {before_load}")
        for timing in timings:
            print(f"  {timing.name:<44} {_ms(before.get(timing.name))} -> {_ms(timing)}")
        if claim is not None and before_claim is not None:
            print(claim_figure.compared(claim_figure.ClaimFigure.from_json(before_claim), claim))
    if not args.no_plans:
        args.plans_dir.mkdir(parents=True, exist_ok=True)
        for question in asked:
            print_plans(question, engine, args.plans_dir)
        print(f"\nfull plans: {args.plans_dir}")
    engine.dispose()


if __name__ == "__main__":
    main()
