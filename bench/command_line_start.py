"""How fast the command line answers: `dvpn-bot deadline DVPN '2026-04-02 20:00'` run N times in
fresh processes, with the median wall time and the peak resident memory of each run, beside a bare
`python -c pass` measured in the same run (the floor no command can go under). The calculator needs
neither Slack nor a database, so it should cost little more than the interpreter itself.

    .venv/bin/python bench/command_line_start.py [--runs 10] [-- ARGS...]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ["deadline", "DVPN", "2026-04-02 20:00"]


def run_once(command: list[str], env: dict[str, str], cwd: str) -> tuple[float, float]:
    """Wall seconds and peak resident MiB of one run of `command`."""
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(command)} failed: {process.stderr.read().decode() if process.stderr else ''}")
    return wall, usage.ru_maxrss / 1024  # Linux reports KiB


def measure(command: list[str], runs: int, env: dict[str, str], cwd: str) -> tuple[float, float, float]:
    results = [run_once(command, env, cwd) for _ in range(runs)]
    walls = [wall for wall, _ in results]
    return statistics.median(walls), max(walls), max(memory for _, memory in results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("args", nargs="*", default=DEFAULT, help="the dvpn-bot command to time")
    options = parser.parse_args()

    # No .env and no database: the calculator as on a laptop with nothing set up.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DVPN_", "SLACK_", "DATABASE_URL"))}
    bot = [sys.executable, str(ROOT / "bot.py"), *options.args]
    bare = [sys.executable, "-c", "pass"]
    with tempfile.TemporaryDirectory() as empty:
        run_once(bot, env, empty)  # warm the file cache: every run after it starts alike
        bare_median, bare_worst, bare_memory = measure(bare, options.runs, env, empty)
        median, worst, memory = measure(bot, options.runs, env, empty)
    load = os.getloadavg()
    print(f"machine: {os.cpu_count()} cores, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print(f"{options.runs} runs each, fresh processes")
    for label, (m, w, peak) in (
        ("python -c pass", (bare_median, bare_worst, bare_memory)),
        (f"dvpn-bot {' '.join(options.args)}", (median, worst, memory)),
    ):
        print(f"  {label:<40} median {m * 1000:5.0f} ms  worst {w * 1000:5.0f} ms  peak {peak:5.1f} MiB")
    print(f"  ratio to the bare interpreter: {median / bare_median:.1f}x time, {memory / bare_memory:.1f}x memory")
    print("  goal: under 300 ms and 60 MiB")


if __name__ == "__main__":
    main()
