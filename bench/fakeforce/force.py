"""A fictitious force's records as PostgreSQL COPY files, for bench/reporting_data.py.

Teams, staff, perpetrators (a few repeat offenders with dozens of orders, most with one), the
people they are ordered to keep away from, notices and orders of every type over six years with
their hearings, breaches, breach checks and notifications, the reminders the bot would have planned
for them, and the audit trail. Every name, date of birth and address is made up from word lists.

Times are whole seconds since the epoch (UTC) until written. Cases are made in the order they
happened, so ids rise with time as they do in a real database.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime
from pathlib import Path

from bench.fakeforce.cases import CaseMaker
from bench.fakeforce.copyfiles import copy_files
from bench.fakeforce.people import People
from bench.fakeforce.reminders import ReminderWriter
from bench.fakeforce.staff import write_digest_runs, write_staff

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)  # the bench's clock: a Tuesday morning
YEARS = 6


def case_times(rng: random.Random, count: int, start: int, end: int) -> list[int]:
    """Case start instants, sorted, with volume growing about 50% over the period."""
    growth = 0.5
    span = end - start
    times = []
    for _ in range(count):
        u = rng.random()
        # Inverse of the CDF of density (1 + growth x) on [0, 1].
        x = (-1 + (1 + growth * (2 + growth) * u) ** 0.5) / growth
        times.append(start + int(x * span))
    times.sort()
    return times


def write_force(directory: Path, *, orders: int, reminders: int, seed: int) -> dict[str, int]:
    """Write every table's COPY file into `directory`; returns rows per table."""
    rng = random.Random(seed)
    now = int(NOW.timestamp())
    start = int(NOW.replace(year=NOW.year - YEARS).timestamp())
    with copy_files(directory) as files:
        staff = write_staff(files, rng, teams=40, users=1_500, start=start)
        write_digest_runs(files, staff, now)
        people = People(rng, files)
        plans = CaseMaker.plan_cases(rng, orders)
        maker = CaseMaker(rng, files, staff, people, now)
        reminder_writer = ReminderWriter(rng, files, staff, now, target=reminders, orders=orders)
        for at, plan in zip(case_times(rng, len(plans), start, now), plans, strict=True):
            for order in maker.make_case(plan, at):
                reminder_writer.write_for(order)
        # A notice still awaiting its hearing has no order yet: make up the count with recent bail.
        for at in case_times(rng, maker.short, now - 90 * 86_400, now):
            for order in maker.make_case("BAIL", at):
                reminder_writer.write_for(order)
        reminder_writer.finish()
        maker.write_reference_counters()
        return dict(files.counts)
