"""How fast `dvpn-bot serve` acknowledges Slack under load, next to a bare Bolt app (Slack allows 3 s).

Starts, each in its own process: the local Slack stand-in, `dvpn-bot serve` (waitress, PostgreSQL,
its scheduler running) and a bare Bolt app whose listeners only call ack(), under the same
waitress server, thread count and signing secret. Seeds a force through the services (six teams,
their officers and supervisors, champions, and a few thousand notices and orders), then drives
both apps with signed requests at 1, 10 and 50 concurrent users:

- /dvpn commands: for ours a mix of reads (help, show REF, list) and writes (breach REF ...,
  hearing REF ...); the bare app gets the same requests;
- the record form's submission (view_submission: ours validates and saves before its ack, as
  Slack's inline errors require);
- a button press (block_actions: a record card's Open button).

Prints p50/p95/p99 ack latency and requests per second for both apps and the ratio ours/bare,
then checks that the work after each ack was done: every reply reached the stand-in's response
URLs, and the breaches, hearings and records are in the database.

    .venv/bin/python bench/ack_latency.py                 # about 4 minutes on 2 cores
    .venv/bin/python bench/ack_latency.py --scale 3       # three times the requests per level
    .venv/bin/python bench/ack_latency.py --tls           # the stand-in over HTTPS, as Slack is
    .venv/bin/python bench/ack_latency.py --serve-from REV    # REV's dvpn-bot serve, same measurement
    DVPN_BENCH_POSTGRES_URL=postgresql://postgres@127.0.0.1:5432/dvpn_bench_ack  (the default; EMPTIED)
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import sqlalchemy as sa
from ack_load import Figures, Triggers, button_press, command_body, interaction_body, run_load, view_submission
from ack_seed import ADMIN, DEFAULT_URL, Force, row_count, scratch_engine, seed, wait_for_sweep
from ack_servers import (
    ROOT,
    SECRET,
    Server,
    StandIn,
    child_pids,
    cpu_load,
    cpu_seconds,
    cpu_ticks,
    idle_share,
    scratch_directory,
    start_bare,
    start_ours,
    stopping,
)
from sqlalchemy.engine import Engine

from bench.earlier_tree import earlier_tree
from bench.tls import tls_files
from blocks import actions as ids
from blocks.forms import FormMeta, record_form
from config import Settings
from rules.order_types import OrderType
from runtime.work_processes import WORK_APPLICATION
from services.clock import SystemClock

LONDON = ZoneInfo("Europe/London")
# Requests per level at --scale 1: enough at 50 users for a p99 of 2,000 samples.
COMMANDS = {1: 300, 10: 1_000, 50: 2_000}
FORMS = {1: 50, 10: 200, 50: 400}
BUTTONS = {1: 100, 10: 400, 50: 800}
# The command mix, repeated: reads (help, show, list) and writes (breach, hearing).
MIX = ("show", "list", "breach", "show", "hearing", "help", "show", "breach", "list", "hearing")


@dataclass
class Sent:
    """What was asked of our app, so the work after the acks can be checked."""

    replies: int = 0  # response-URL replies expected: one per command and per button press
    breaches: int = 0
    hearings: int = 0
    forms: int = 0
    kinds: dict[str, int] = field(default_factory=dict)


class CommandMix:
    """Request n of the mix: its words, and the officer of the record's team who types them.
    Hearings go to notices not yet heard; when none is left a breach takes the hearing's place."""

    def __init__(self, force: Force, triggers: Triggers, sent: Sent | None) -> None:
        self.force = force
        self.triggers = triggers
        self.sent = sent

    def words(self, n: int) -> tuple[str, str, str]:
        """(kind, the text after /dvpn, the Slack user who types it)"""
        team = self.force.teams[n % len(self.force.teams)]
        officer = team.officers[(n // len(self.force.teams)) % len(team.officers)]
        record = team.in_force[(n * 7919) % len(team.in_force)]
        kind = MIX[n % len(MIX)]
        if kind == "hearing":
            # Each notice's hearing is booked once; the bare app books nothing, so it takes none.
            notice = self.force.unheard.pop() if self.sent is not None and self.force.unheard else None
            if notice is not None or self.sent is None:
                ref, by = notice or (record, officer)
                return kind, f"hearing {ref} tomorrow 10:00 at Sampleford Magistrates' Court", by
            kind = "breach"
        text = {
            "show": f"show {record}",
            "list": ("list team", "list due", "list mine")[n % 3],
            "help": "help",
            "breach": f"breach {record} 20 minutes ago crime 43/{n:06d}/26",  # in the force's format
        }[kind]
        return kind, text, officer

    def __call__(self, n: int) -> str:
        kind, text, officer = self.words(n)
        if self.sent is not None:
            self.sent.replies += 1
            self.sent.kinds[kind] = self.sent.kinds.get(kind, 0) + 1
            self.sent.breaches += kind == "breach"
            self.sent.hearings += kind == "hearing"
        return command_body(officer, text, self.triggers.response_url(), self.triggers.trigger())


class ButtonPresses:
    """The Open button on a record card, pressed by an officer of the record's team."""

    def __init__(self, force: Force, triggers: Triggers, sent: Sent | None) -> None:
        self.force, self.triggers, self.sent = force, triggers, sent

    def __call__(self, n: int) -> str:
        team = self.force.teams[n % len(self.force.teams)]
        officer = team.officers[n % len(team.officers)]
        record = team.in_force[(n * 104729) % len(team.in_force)]
        if self.sent is not None:
            self.sent.replies += 1
        press = button_press(officer, ids.OPEN_RECORD, record, self.triggers.response_url(), self.triggers.trigger())
        return interaction_body(press)


class FormSubmissions:
    """The record form, filled in for a DVPN served two hours ago, submitted from a channel."""

    def __init__(self, force: Force, triggers: Triggers, sent: Sent | None) -> None:
        self.force, self.triggers, self.sent = force, triggers, sent
        self.view = {**record_form(OrderType.DVPN, tuple(OrderType), FormMeta(channel="C0BENCHPPU")), "id": "VBENCH"}
        served = SystemClock().now() - timedelta(hours=2)
        self.served = served.astimezone(LONDON).strftime("%d/%m/%Y %H:%M")  # as an officer types it

    def __call__(self, n: int) -> str:
        team = self.force.teams[n % len(self.force.teams)]
        officer = team.officers[n % len(team.officers)]
        answers: dict[str, Any] = {
            "order_type": "DVPN",
            "served_at": self.served,
            "authoriser_name": "Supt Avery Example",
            "authoriser_rank": "superintendent",
            "perpetrator_name": f"Blake Nonesuch {n}",
            "perpetrator_dob": "1988-03-14",
            "protected_name": f"Corin Invented {n}",
            "protected_dob": "1991-07-02",
        }
        if self.sent is not None:
            self.sent.forms += 1
        return interaction_body(view_submission(officer, self.view, answers, self.triggers.trigger()))


Payloads = Callable[[Force, Triggers, "Sent | None"], Callable[[int], str]]


class CpuUse:
    """CPU time used by the processes that serve one app, by part: its serving process (ours: with
    its scheduler), its work processes and, for ours, the PostgreSQL backends that serve them (by
    process, from /proc). Work that outlives a run is counted when it is waited for (Urls.settle)."""

    def __init__(self, server: int, engine: Engine | None) -> None:
        self.server, self.engine = server, engine

    def parts(self) -> dict[str, dict[int, float]]:
        backends: list[int] = []
        if self.engine is not None:
            with self.engine.connect() as connection:
                backends = list(connection.execute(BACKENDS).scalars())
        return {
            "serving": {self.server: cpu_seconds(self.server)},
            "work processes": {pid: cpu_seconds(pid) for pid in child_pids(self.server)},
            "PostgreSQL": {pid: cpu_seconds(pid) for pid in backends},
        }

    @staticmethod
    def spent(before: dict[str, dict[int, float]], after: dict[str, dict[int, float]]) -> dict[str, float]:
        """Seconds each part used between two readings; a process started between them counts whole."""
        return {part: sum(t - before[part].get(pid, 0.0) for pid, t in after[part].items()) for part in after}


# The backends serving the work processes (by their application_name): not the serving process's
# scheduler, autovacuum, or this benchmark's own connections.
BACKENDS = sa.text(
    "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = :work"
).bindparams(work=WORK_APPLICATION)


@dataclass(frozen=True)
class Row:
    users: int
    bare: Figures
    ours: Figures
    work_per_second: float  # ours: requests whose work (the reply) was done, per second from first send
    bare_cpu: dict[str, float]  # CPU ms per request, by part
    ours_cpu: dict[str, float]
    # The machine's cores left unused while ours was acknowledging: work that waits on a lock, not
    # on a core, shows here (a form run held to one save at a time by a row lock left a sixth idle).
    ours_idle: float


def compare(
    title: str, counts: dict[int, int], make: Payloads, force: Force, triggers: Triggers, sent: Sent, urls: Urls
) -> list[Row]:
    """Each level against the bare app, then ours; before the next level (and the next table) every
    reply ours owes must have arrived, so a level's acks are never measured behind the queued work
    of the one before (the work processes run at a lower priority than the acks)."""
    rows = []
    for users in counts:
        per_user = max(1, counts[users] // users)
        bare_before = urls.bare_cpu.parts()
        bare = run_load(urls.bare, SECRET, users, per_user, make(force, triggers, None))
        bare_cpu = CpuUse.spent(bare_before, urls.bare_cpu.parts())
        ours_before = urls.ours_cpu.parts()
        ticks = cpu_ticks()
        began = time.perf_counter()
        ours = run_load(urls.ours, SECRET, users, per_user, make(force, triggers, sent))
        acked = time.perf_counter()
        idle = idle_share(ticks, cpu_ticks())
        drain = urls.settle(sent)
        ours_cpu = CpuUse.spent(ours_before, urls.ours_cpu.parts())
        rows.append(
            Row(
                users,
                bare,
                ours,
                ours.requests / (acked - began + drain),
                {part: 1000 * seconds / bare.requests for part, seconds in bare_cpu.items()},
                {part: 1000 * seconds / ours.requests for part, seconds in ours_cpu.items()},
                idle,
            )
        )
        print(
            f"  {title}: {users} users done, work drained {drain:.1f} s after the last ack ({cpu_load()})",
            file=sys.stderr,
            flush=True,
        )
    return rows


@dataclass
class Urls:
    ours: str
    bare: str
    stand_in: StandIn
    ours_cpu: CpuUse
    bare_cpu: CpuUse
    drains: list[tuple[int, float, int]] = field(default_factory=list)  # (expected, seconds, arrived)
    confirmed_before: int = 0  # form confirmations (chat.postEphemeral) before sent.forms began

    def settle(self, sent: Sent, timeout: float = 900.0, *, confirmations: bool = True) -> float:
        """Wait for every reply our app owes before the next run, so runs do not overlap; note and
        return how long the work after the last ack took to finish. The timeout is generous: at a
        high machine load 2,000 commands' work can take minutes, and a form level started behind it
        measures the queue, not the form. With `confirmations`, wait too (a minute at most: a form
        told to submit again is never confirmed) for the confirmations of the forms sent."""
        started = time.perf_counter()
        arrived = self.stand_in.wait_for(sent.replies, "response_url", timeout)
        if arrived != sent.replies:
            print(f"  only {arrived} of {sent.replies} replies arrived within {timeout:.0f} s", file=sys.stderr)
        expected = self.confirmed_before + sent.forms
        if confirmations and self.stand_in.wait_for(expected, "chat.postEphemeral", 60) != expected:
            print("  not every form was confirmed within a minute", file=sys.stderr)
        took = time.perf_counter() - started
        self.drains.append((sent.replies, took, arrived))
        return took


def print_table(title: str, rows: list[Row]) -> None:
    print(f"\n{title}")
    print(f"{'users':>5}  {'app':<9} {'requests':>8} {'failed':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}", end="")
    print(f" {'max ms':>8} {'req/s':>8}")
    for row in rows:
        for name, f in (("bare", row.bare), ("ours", row.ours)):
            print(f"{row.users:>5}  {name:<9} {f.requests:>8} {f.failures:>6} {f.p50:>8.1f} {f.p95:>8.1f}", end="")
            print(f" {f.p99:>8.1f} {f.worst:>8.1f} {f.per_second:>8.0f}")
        b, o = row.bare, row.ours
        print(f"{'':>5}  {'ours/bare':<9} {'':>8} {'':>6} {o.p50 / b.p50:>7.2f}x {o.p95 / b.p95:>7.2f}x", end="")
        print(f" {o.p99 / b.p99:>7.2f}x {o.worst / b.worst:>7.2f}x {o.per_second / b.per_second:>7.2f}x")
    print("  ours' work done after the ack (reply sent), per second from the level's first request:")
    for row in rows:
        print(f"  {row.users:>3} users: {row.work_per_second:8.1f} /s (acks {row.ours.per_second:.0f} /s)")
    print("  CPU per request, ms (the work after the ack included; ours' work processes' PostgreSQL backends too):")
    for row in rows:
        parts = ", ".join(f"{part} {ms:.2f}" for part, ms in row.ours_cpu.items())
        bare, ours = sum(row.bare_cpu.values()), sum(row.ours_cpu.values())
        print(f"  {row.users:>3} users: bare {bare:.2f}; ours {ours:.2f} ({parts})")
    print("  the machine's cores left idle while ours acknowledged (the load generator and stand-in share them):")
    print("  " + ", ".join(f"{row.users} users {100 * row.ours_idle:.1f} %" for row in rows))


def verify(engine: Engine, before: dict[str, int], sent: Sent, urls: Urls, forms_confirmed: int) -> bool:
    """The work after the acks: replies delivered, rows written. False if anything is missing."""
    replies = urls.stand_in.count("response_url")
    grew = {table: row_count(engine, table) - count for table, count in before.items()}
    checks = [
        ("replies at response URLs (commands and button presses)", replies, sent.replies),
        ("breaches written", grew["breach"], sent.breaches),
        ("hearings written", grew["hearing"], sent.hearings),
        ("records written from the form", grew["protection_order"], sent.forms),
        ("form confirmations (chat.postEphemeral)", forms_confirmed, sent.forms),
    ]
    print("\nThe work after the acks (ours):")
    for label, found, expected in checks:
        print(f"  {label}: {found} of {expected} {'ok' if found == expected else 'MISSING'}")
    mix = ", ".join(f"{kind} {count}" for kind, count in sorted(sent.kinds.items()))
    print(f"  commands sent: {mix}")
    for expected, seconds, arrived in urls.drains:
        print(f"  after a run: {arrived} of {expected} replies in, {seconds:.1f} s after its last ack")
    return all(found == expected for _, found, expected in checks)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every level's request count (default 1)")
    parser.add_argument("--records", type=int, default=2_000, help="records to seed (default 2,000)")
    parser.add_argument(
        "--threads",
        type=int,
        default=Settings().http_threads,
        help="waitress threads for both apps (default DVPN_HTTP_THREADS's default, %(default)s)",
    )
    parser.add_argument("--no-scheduler", action="store_true", help="serve without the reminder sweep")
    parser.add_argument(
        "--tls",
        action="store_true",
        help="the Slack stand-in answers over HTTPS, as Slack does (a certificate made for the run)",
    )
    parser.add_argument(
        "--serve-from", metavar="REV", help="run REV's dvpn-bot serve (an earlier release) under the same measurement"
    )
    return parser.parse_args(argv)


def scaled(counts: dict[int, int], scale: float) -> dict[int, int]:
    return {users: max(users, int(count * scale)) for users, count in counts.items()}


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    url = os.environ.get("DVPN_BENCH_POSTGRES_URL", DEFAULT_URL)
    with ExitStack() as stack:
        tls = stack.enter_context(tls_files()) if args.tls else None
        tree = stack.enter_context(earlier_tree(args.serve_from)) if args.serve_from else ROOT
        stand_in = StandIn(tls)
        workdir = stack.enter_context(scratch_directory())
        stack.enter_context(stopping(stand_in))
        print(f"Seeding {args.records} records in {url.rsplit('/', 1)[-1]} ...", file=sys.stderr, flush=True)
        engine = scratch_engine(url)
        started = time.perf_counter()
        force = seed(engine, args.records)
        seconds = time.perf_counter() - started
        print(f"  seeded in {seconds:.0f} s; {len(force.unheard)} notices await a hearing", file=sys.stderr)
        ours = start_ours(
            url,
            stand_in.api_url,
            ADMIN,
            workdir,
            threads=args.threads,
            scheduler=not args.no_scheduler,
            tree=tree,
            trust=tls.bundle if tls is not None else None,
        )
        bare = start_bare(workdir, threads=args.threads)
        with stopping(ours, bare):
            return measure(engine, force, stand_in, ours, bare, args)


def measure(
    engine: Engine, force: Force, stand_in: StandIn, ours: Server, bare: Server, args: argparse.Namespace
) -> int:
    scale = args.scale
    triggers = Triggers(stand_in.url)
    sent = Sent()
    urls = Urls(ours.url, bare.url, stand_in, CpuUse(ours.process.pid, engine), CpuUse(bare.process.pid, None))
    # Warm-up: connections, the date parser's first load, Bolt's first dispatch.
    run_load(bare.url, SECRET, 5, 20, CommandMix(force, triggers, None))
    run_load(ours.url, SECRET, 5, 20, CommandMix(force, triggers, sent))
    run_load(ours.url, SECRET, 2, 5, FormSubmissions(force, triggers, sent))
    urls.settle(sent, confirmations=False)  # a warm-up form may be told to submit again while work processes start
    if args.no_scheduler:  # nothing would post the seeded records' due reminders: no point waiting
        print("  no sweep (--no-scheduler): the seeded records' due reminders stay unposted", file=sys.stderr)
    else:
        still_due = wait_for_sweep(engine)
        if still_due:  # paced at about one post a second per DM, the backlog outlasts the wait
            print(f"  stopped waiting for the sweep: {still_due} due reminders still to post", file=sys.stderr)
        else:
            print("  the sweep has posted the seeded records' due reminders", file=sys.stderr)
    confirmed_before = stand_in.wait_for(sent.forms, "chat.postEphemeral", 60)
    urls.confirmed_before = confirmed_before
    before = {t: row_count(engine, t) for t in ("breach", "hearing", "protection_order")}
    sent.breaches = sent.hearings = sent.forms = 0  # from here on, what the runs asked for
    sent.kinds.clear()
    urls.drains.clear()
    load_before = cpu_load()

    commands = compare("/dvpn", scaled(COMMANDS, scale), CommandMix, force, triggers, sent, urls)
    forms = compare("form", scaled(FORMS, scale), FormSubmissions, force, triggers, sent, urls)
    buttons = compare("button", scaled(BUTTONS, scale), ButtonPresses, force, triggers, sent, urls)
    confirmed = stand_in.wait_for(confirmed_before + sent.forms, "chat.postEphemeral", 60) - confirmed_before

    print(f"\ndvpn-bot serve vs a bare Bolt app: waitress, {args.threads} threads each, PostgreSQL", end="")
    print(f"; {force.records} records{'' if args.no_scheduler else ', scheduler running'}", end="")
    print(f"; Slack stand-in over {'HTTPS' if args.tls else 'HTTP'}; serve from {args.serve_from or 'this tree'}")
    print(f"Machine: {load_before} before the runs, {cpu_load()} after")
    print_table("/dvpn commands (ours: show 30%, list 20%, breach 20%, hearing 20%, help 10%)", commands)
    print_table("Record form submitted (view_submission; ours saves the record before its ack)", forms)
    print_table("Button pressed (block_actions: a record card's Open)", buttons)
    fifty = next((r for r in commands if r.users == 50), None)
    if fifty is not None:
        ratio = fifty.ours.p99 / fifty.bare.p99
        met = ratio <= 1.5 and fifty.ours.p99 < 100
        print(f"\nTarget at 50 users: our p99 {fifty.ours.p99:.1f} ms (under 100), {ratio:.2f}x bare's (within 1.5x):")
        print(f"  {'met' if met else 'NOT met'}")
    form_fifty = next((r for r in forms if r.users == 50), None)
    if form_fifty is not None:
        ratio = form_fifty.ours.p99 / form_fifty.bare.p99
        met = ratio <= 3 and form_fifty.ours.p99 < 500
        print(f"Form at 50 users: our p99 {form_fifty.ours.p99:.1f} ms (under 500), {ratio:.2f}x bare's (within 3x):")
        print(f"  {'met' if met else 'NOT met'}")
    return 0 if verify(engine, before, sent, urls, confirmed) else 1


if __name__ == "__main__":
    sys.exit(main())
