"""dvpn-bot holiday add / remove / list, run as an operator runs them: a separate process on a SQLite
file, the time read from a drill clock file, real exit codes and output."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from config import Settings
from models.db import make_engine
from models.schema import upgrade
from services.clock import ManualClock
from services.context import ServiceContext
from services.governance import staff
from services.records import lifecycle
from services.records import recording as records
from tests.support.database import audit_rows
from tests.support.force import london
from tests.support.records import dvpn
from tests.support.sweeps import rows
from tests.test_command_line import run


@pytest.fixture
def database(tmp_path: Path) -> dict[str, str]:
    """A DVPN served Thu 2 Apr 2026 20:00, lapsed at Tue 7 Apr 20:00; the clock file says Wed 8 Apr 00:10."""
    url = f"sqlite:///{tmp_path / 'dvpn-bot.db'}"
    engine = make_engine(url)
    upgrade(engine)
    clock = ManualClock(london("2026-04-02 21:00"))
    ctx = ServiceContext(engine, Settings(admins=("UADMIN",)), clock, source="test")
    staff.create_team(ctx, "UADMIN", "Team A")
    staff.place_in_team(ctx, "UADMIN", "UOFFA1", "Team A")
    reference = records.record(ctx, "UOFFA1", dvpn()).reference
    clock.set(london("2026-04-08 00:05"))
    lifecycle.apply_time(ctx)
    engine.dispose()
    clock_file = tmp_path / "clock"
    clock_file.write_text("2026-04-07T23:10:00+00:00")
    return {"DATABASE_URL": url, "DVPN_DRILL_CLOCK_FILE": str(clock_file), "reference": reference}


def cli(tmp_path: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return run("holiday", *args, cwd=tmp_path, **{k: v for k, v in env.items() if k != "reference"})


def test_add_list_and_remove_from_the_command_line(tmp_path: Path, database: dict[str, str]) -> None:
    ref = database["reference"]
    added = cli(tmp_path, database, "add", "2026-04-07", "Day of national mourning", "--by", "UADMIN")
    assert added.returncode == 0, added.stderr
    assert added.stdout.splitlines() == [
        f"Tue 07 Apr 2026 (Day of national mourning) added as an excluded day. Deadlines recomputed: {ref}. "
        f"Active again, their officers told: {ref}.",
        f"No SLACK_BOT_TOKEN: tell the officers yourself ({ref}: UOFFA1).",
    ]
    engine = make_engine(database["DATABASE_URL"])
    ctx = ServiceContext(engine, Settings(), ManualClock(london("2026-04-08 00:10")), source="test")
    [order] = rows(ctx, "protection_order", reference=ref)
    assert order["status"] == "active"
    [audit] = audit_rows(engine, entity_type="extra_excluded_day")
    assert audit["actor"] == "slack:UADMIN" and audit["source"] == "cli"

    listed = cli(tmp_path, database, "list", "--by", "UADMIN")
    assert listed.stdout.splitlines() == ["2026-04-07  Day of national mourning  (added by UADMIN)"]

    removed = cli(tmp_path, database, "remove", "7/4/2026", "--by", "UADMIN")
    assert removed.returncode == 0, removed.stderr
    assert removed.stdout.splitlines() == [
        f"Tue 07 Apr 2026 (Day of national mourning) is no longer an excluded day. Deadlines recomputed: {ref}."
    ]
    engine.dispose()


def test_only_an_admin_and_a_real_day(tmp_path: Path, database: dict[str, str]) -> None:
    refused = cli(tmp_path, database, "add", "2026-04-07", "Mourning", "--by", "UOFFA1")
    assert refused.returncode == 2
    assert "'UOFFA1' is not an active dvpn-bot admin." in refused.stderr
    bad_day = cli(tmp_path, database, "add", "31/2/2026", "Mourning", "--by", "UADMIN")
    assert bad_day.returncode == 2
    assert "'31/2/2026' is not a date in the calendar" in bad_day.stderr
