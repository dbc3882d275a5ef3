"""What the record form's save costs before its acknowledgement, and what a command's work after
its acknowledgement costs: the service calls they make (services.records.recording.record, and
breaches.record_breach and hearings.book_hearing for /dvpn breach and /dvpn hearing), on
PostgreSQL, each timed and its SQL statements counted.

The time is mostly round trips to the database, so statements per call is the figure that moves;
wall time depends on the machine's load, printed alongside, and CPU time is this process's own
(the database server's is not in it), so each is also given in Python function calls, counted
under cProfile over a few calls after the timed ones: a figure the load does not move, for the
work in this process (C code such as psycopg's and JSON's is not in it). The database is EMPTIED.

    DVPN_BENCH_POSTGRES_URL=postgresql://postgres@127.0.0.1:5432/dvpn_bench_save .venv/bin/python bench/record_save.py

With --before REV, the same calls are first measured on REV's code (bench/earlier_tree.py), in
the same run and against the same database, and each figure is printed as REV's -> this tree's.

With --profile, the saves are run once more under cProfile, timed by this process's CPU, and the
functions that cost most (their own time, then with what they call) are printed: where a save's
CPU goes (the profiler's own cost inflates Python-heavy code against C, so read it for shares).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa

from bench.ack_seed import scratch_engine
from bench.earlier_tree import earlier_tree
from config import Settings
from services.clock import ManualClock
from services.context import ServiceContext
from services.records import breaches, hearings
from services.records import recording as records
from tests.support.force import build_force
from tests.support.records import dvpn

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/dvpn_bench_save"
NOW = datetime(2026, 4, 3, 9, 0, tzinfo=UTC)
COUNTED = 20  # calls after the timed ones whose Python function calls are counted


class Counted:
    """Statements sent on the engine while `measure` runs."""

    def __init__(self, engine: sa.Engine) -> None:
        self.statements = 0
        self.figures: dict[str, dict[str, Any]] = {}
        sa.event.listen(engine, "before_cursor_execute", self._count)

    def _count(self, *_: object) -> None:
        self.statements += 1

    def measure(self, label: str, calls: int, call: Callable[[int], object]) -> None:
        """Time calls 0 .. calls-1, then count the Python function calls of the next COUNTED
        (under cProfile, untimed): a figure the machine's load does not move."""
        self.statements = 0
        took: list[float] = []
        cpu = time.process_time()
        for n in range(calls):
            began = time.perf_counter()
            call(n)
            took.append(time.perf_counter() - began)
        cpu_ms = (time.process_time() - cpu) * 1000 / calls
        statements = self.statements / calls
        profiler = cProfile.Profile()
        profiler.enable()
        for n in range(calls, calls + COUNTED):
            call(n)
        profiler.disable()
        took.sort()
        self.figures[label] = {
            "statements": statements,
            "median_ms": statistics.median(took) * 1000,
            "p99_ms": took[int(len(took) * 0.99) - 1] * 1000,
            "cpu_ms": cpu_ms,
            "python_calls": pstats.Stats(profiler).total_calls / COUNTED,  # type: ignore[attr-defined]
            "calls": calls,
            "load": _load(),
        }


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def report(label: str, now: dict[str, Any], before: dict[str, Any] | None, rev: str | None) -> None:
    """One line per call: its figures, and with --before REV's first (REV's -> this tree's)."""

    def pair(key: str, unit: str, digits: int) -> str:
        ours = f"{now[key]:,.{digits}f}{unit}"
        return ours if before is None else f"{before[key]:,.{digits}f}{unit} -> {ours}"

    print(
        f"{label}: {pair('statements', '', 0)} statements, median {pair('median_ms', ' ms', 1)}, "
        f"p99 {pair('p99_ms', ' ms', 1)}, CPU {pair('cpu_ms', ' ms', 2)} (this process) over {now['calls']}, "
        f"{pair('python_calls', '', 0)} Python function calls; "
        f"load average {now['load'] if before is None else before['load'] + ' -> ' + now['load']}"
    )
    if before is not None:
        print(
            f"  ratio {rev} / this tree: CPU {before['cpu_ms'] / now['cpu_ms']:.2f}x, "
            f"Python calls {before['python_calls'] / now['python_calls']:.2f}x"
        )


def before_figures(rev: str, saves: int) -> dict[str, dict[str, Any]]:
    with earlier_tree(rev) as tree:
        out = tree / "figures.json"
        command = [sys.executable, str(tree / "bench" / "record_save.py"), "--saves", str(saves), "--json", str(out)]
        print(f"measuring {rev}'s code first ({tree})", flush=True)
        subprocess.run(command, check=True, cwd=tree)
        figures: dict[str, dict[str, Any]] = json.loads(out.read_text())
        return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--saves", type=int, default=200)
    parser.add_argument("--profile", action="store_true", help="profile the saves' CPU (cProfile) and print the top")
    parser.add_argument("--before", metavar="REV", help="first measure REV's code, to compare")
    parser.add_argument("--json", type=Path, help=argparse.SUPPRESS)  # how --before reads an earlier tree's figures
    args = parser.parse_args()
    before = before_figures(args.before, args.saves) if args.before else {}
    engine = scratch_engine(os.environ.get("DVPN_BENCH_POSTGRES_URL", DEFAULT_URL))  # created if missing
    ctx = ServiceContext(engine, Settings(admins=("UADMIN",)), ManualClock(NOW), "bench")
    force = build_force(ctx)
    officer = force.officer
    for _ in range(20):  # warm: connections, prepared statements, imports
        records.record(ctx, officer, dvpn())
    counted = Counted(engine)
    saved: list[str] = []
    counted.measure("record save", args.saves, lambda n: saved.append(records.record(ctx, officer, dvpn()).reference))
    # The commands' calls take a record each: the counted ones too (saved[saves:]).
    at = NOW - timedelta(minutes=20)
    counted.measure("breach (/dvpn breach)", args.saves, lambda n: breaches.record_breach(ctx, officer, saved[n], at))
    hearing_at = NOW + timedelta(hours=20)
    counted.measure(
        "hearing (/dvpn hearing)", args.saves, lambda n: hearings.book_hearing(ctx, officer, saved[n], hearing_at, None)
    )
    counted.measure("card (/dvpn show)", args.saves, lambda n: records.view(ctx, officer, saved[n]))
    if args.json:
        args.json.write_text(json.dumps(counted.figures))
    else:
        for label, figures in counted.figures.items():
            report(label, figures, before.get(label), args.before)
    if args.profile:
        profile_saves(ctx, officer, args.saves)
    engine.dispose()


def profile_saves(ctx: ServiceContext, officer: str, saves: int) -> None:
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    for _ in range(saves):
        records.record(ctx, officer, dvpn())
    profiler.disable()
    figures = pstats.Stats(profiler, stream=sys.stdout)
    print(f"\nrecord save under cProfile ({saves} saves; this process's CPU):")
    figures.sort_stats("tottime").print_stats(25)
    figures.sort_stats("cumulative").print_stats(40)


if __name__ == "__main__":
    main()
