"""`--demo`: a fresh database holding a fictitious force, its records and a little history.

The force is built an hour before the demo's start, and the scheduler's jobs are run then (and a
minute before the start), as if the bot had been running: overdue alerts already went out and
lapsed notices are marked. At the start itself the DVPN served 46 counted hours ago reaches its
"2 hours left" countdown, so the first thing the console shows is a reminder firing on its own."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from console.demo_people import create_force, demo_people
from console.demo_records import DemoFacts, build_records
from console.jobs import ConsoleJobs, JobNotes
from console.people import Directory
from services.clock import ManualClock
from services.context import ServiceContext

# Thursday before Easter 2026: Good Friday and Easter Monday are excluded days, so moving time
# into the weekend shows the statutory clocks stopping.
DEMO_START = datetime(2026, 4, 2, 9, 30, tzinfo=ZoneInfo("Europe/London"))
HISTORY = timedelta(hours=1)  # how long before the start the force was set up
FORCE_CODE = "DEMO"  # references read DEMO-DVPN-2026-0001: no real force has this code


@dataclass(frozen=True)
class Demo:
    directory: Directory
    facts: DemoFacts
    history: JobNotes  # what the jobs sent before the console opened


def demo_database(path: Path) -> str:
    """A SQLite URL for a fresh file at `path` (any earlier demo there is removed first)."""
    for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        leftover.unlink(missing_ok=True)
    return f"sqlite:///{path}"


def build_demo(ctx: ServiceContext, clock: ManualClock, jobs: ConsoleJobs, start: datetime = DEMO_START) -> Demo:
    """Fill an empty, migrated database; leaves the clock at `start`."""
    clock.set(start - HISTORY)
    setup = ctx.from_source("console")
    directory = demo_people()
    create_force(setup, directory)
    facts = build_records(setup, directory, start)
    history = jobs.run_now()
    clock.set(start - timedelta(minutes=1))  # unacknowledged alerts escalate, as they would have
    jobs.run_now(history)
    clock.set(start)
    return Demo(directory, facts, history)
