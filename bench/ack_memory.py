"""Does `dvpn-bot serve` hold its memory over many commands? Resident memory (VmRSS) of the serve
process, and of its work processes together, at start, after a warm-up, and after every 1,000 of
10,000 /dvpn commands (the same mix as
bench/ack_latency.py: show, list, help, breach, hearing), sent by 10 users against PostgreSQL with
the Slack stand-in answering. Each batch's replies are awaited before the sample, so the figure
is of an idle process, not of a queue.

Prints the samples and the growth per 1,000 commands over the last half (a least-squares slope):
flat, within noise, means no leak.

    .venv/bin/python bench/ack_memory.py                  # about 3 minutes on 2 cores
    .venv/bin/python bench/ack_memory.py --commands 50000
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from ack_latency import CommandMix, Sent
from ack_load import Triggers, run_load
from ack_seed import ADMIN, DEFAULT_URL, row_count, scratch_engine, seed
from ack_servers import SECRET, StandIn, cpu_load, scratch_directory, start_ours, stopping

from config import Settings

BATCH = 1_000
USERS = 10


def slope_per_batch(samples: list[tuple[int, int]]) -> float:
    """Least-squares growth of RSS (KiB) per BATCH commands."""
    xs = [n / BATCH for n, _ in samples]
    ys = [kib for _, kib in samples]
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    spread = sum((x - mean_x) ** 2 for x in xs)
    return sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / spread if spread else 0.0


def mib(kib: tuple[int, int]) -> str:
    return f"{kib[0] / 1024:8.1f} MiB {kib[1] / 1024:8.1f} MiB"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--commands", type=int, default=10_000, help="commands after the warm-up (default 10,000)")
    parser.add_argument("--records", type=int, default=1_000, help="records to seed (default 1,000)")
    args = parser.parse_args(argv)
    url = os.environ.get("DVPN_BENCH_POSTGRES_URL", DEFAULT_URL)
    stand_in = StandIn()
    with scratch_directory() as workdir, stopping(stand_in):
        print(f"Seeding {args.records} records ...", file=sys.stderr, flush=True)
        engine = scratch_engine(url)
        force = seed(engine, args.records)
        ours = start_ours(url, stand_in.api_url, ADMIN, workdir, threads=Settings().http_threads, scheduler=True)
        with stopping(ours):
            triggers, sent = Triggers(stand_in.url), Sent()
            time.sleep(5)  # the work processes finish starting
            at_start = ours.rss_kib(), ours.children_rss_kib()
            mix = CommandMix(force, triggers, sent)
            run_load(ours.url, SECRET, USERS, 50, mix)  # warm-up: 500 commands
            stand_in.wait_for(sent.replies, "response_url", 120)
            warm = ours.rss_kib(), ours.children_rss_kib()
            breaches_before, sent.breaches = row_count(engine, "breach"), 0
            samples: list[tuple[int, tuple[int, int]]] = [(0, warm)]
            arrived = 0
            started = time.perf_counter()
            for done in range(BATCH, args.commands + 1, BATCH):
                run_load(ours.url, SECRET, USERS, BATCH // USERS, mix)
                arrived = stand_in.wait_for(sent.replies, "response_url", 120)
                samples.append((done, (ours.rss_kib(), ours.children_rss_kib())))
                print(f"  {done} commands, {arrived} replies: {mib(samples[-1][1])}", file=sys.stderr)
            seconds = time.perf_counter() - started
            breaches = row_count(engine, "breach") - breaches_before
    half = [s for s in samples if s[0] >= args.commands // 2]
    print(f"dvpn-bot serve, resident memory (VmRSS) over {args.commands} /dvpn commands, {USERS} users")
    print(f"Machine: {cpu_load()}; the commands took {seconds:.0f} s")
    print("                        serving    work processes (together)")
    print(f"  at start:            {mib(at_start)}")
    print(f"  after warm-up (500): {mib(warm)}")
    for done, kib in samples[1:]:
        print(f"  after {done:>6}:       {mib(kib)}")
    end = samples[-1][1]
    print(f"  end - after warm-up: {(end[0] - warm[0]) / 1024:+8.1f} MiB {(end[1] - warm[1]) / 1024:+8.1f} MiB")
    for n, name in enumerate(("serving process", "work processes")):
        growth = slope_per_batch([(done, kib[n]) for done, kib in half])
        print(f"  growth per {BATCH} commands over the last half, {name}: {growth:+.0f} KiB")
    kinds = ", ".join(f"{kind} {count}" for kind, count in sorted(sent.kinds.items()))
    print(f"  commands: {kinds}")
    print(f"  replies at response URLs: {arrived} of {sent.replies}; breaches written: {breaches} of {sent.breaches}")
    return 0 if arrived == sent.replies and breaches == sent.breaches else 1


if __name__ == "__main__":
    sys.exit(main())
