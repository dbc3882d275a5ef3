"""dvpn-bot retention review / erase, run as an operator runs them: a separate process on a SQLite
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
from tests.support.database import audit_rows, row_counts
from tests.support.force import london
from tests.support.records import PERPETRATOR, dvpn
from tests.test_command_line import run

REASON = "MoPI review: no policing purpose remains"


@pytest.fixture
def database(tmp_path: Path) -> dict[str, str]:
    """A lapsed DVPN of April 2026 and an officer; the clock file says 1 May 2032."""
    url = f"sqlite:///{tmp_path / 'dvpn-bot.db'}"
    engine = make_engine(url)
    upgrade(engine)
    clock = ManualClock(london("2026-04-02 21:00"))
    ctx = ServiceContext(engine, Settings(admins=("UADMIN",)), clock, source="test")
    staff.create_team(ctx, "UADMIN", "Team A")
    staff.place_in_team(ctx, "UADMIN", "UOFFA1", "Team A")
    reference = records.record(ctx, "UOFFA1", dvpn()).reference
    clock.set(london("2026-04-08 09:00"))
    lifecycle.apply_time(ctx)  # lapses at Tue 7 Apr 20:00
    engine.dispose()
    clock_file = tmp_path / "clock"
    clock_file.write_text("2032-05-01T08:00:00+00:00")
    return {"DATABASE_URL": url, "DVPN_DRILL_CLOCK_FILE": str(clock_file), "reference": reference}


def cli(tmp_path: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return run("retention", *args, cwd=tmp_path, **{k: v for k, v in env.items() if k != "reference"})


def test_review_lists_references_only_then_erase_removes_the_record(tmp_path: Path, database: dict[str, str]) -> None:
    ref = database["reference"]
    review = cli(tmp_path, database, "review", "--by", "UADMIN")
    assert review.returncode == 0, review.stderr
    assert review.stdout.splitlines() == [
        "1 record past their retention period (6 years):",
        f"  {ref:<20} DVPN   ended 2026-04-07  due for review since 2032-04-07",
    ]
    assert PERPETRATOR not in review.stdout

    erased = cli(tmp_path, database, "erase", ref, "--reason", REASON, "--by", "UADMIN")
    assert erased.returncode == 0, erased.stderr
    assert erased.stdout.splitlines()[0].startswith(f"Erased {ref} (audit event ")
    assert "  protection_order: 1 rows deleted" in erased.stdout
    engine = make_engine(database["DATABASE_URL"])
    assert row_counts(engine)["protection_order"] == 0 and row_counts(engine)["perpetrator"] == 0
    [logged] = audit_rows(engine, action="erase")
    assert logged["source"] == "cli" and logged["actor"] == "slack:UADMIN" and logged["justification"] == REASON
    engine.dispose()

    again = cli(tmp_path, database, "erase", ref, "--reason", REASON, "--by", "UADMIN")
    assert again.returncode == 2
    assert f"{ref} was already erased on 01 May 2032 09:00" in again.stderr


@pytest.mark.parametrize(
    "args, fragment",
    [
        (("erase", "{ref}", "--by", "UADMIN"), "Say why the record is erased"),
        (("erase", "{ref}", "--reason", REASON, "--by", "UOFFA1"), "not an active dvpn-bot admin"),
        (
            ("erase", "WM-DVPN-2026-0999", "--reason", REASON, "--by", "UADMIN"),
            "No record, incident, Clare's Law request or plan has",
        ),
        (("erase", "--reason", REASON, "--by", "UADMIN"), "Give the reference to erase"),
        (("review", "--by", "UNOBODY"), "not an active dvpn-bot admin"),
    ],
)
def test_refusals_exit_2_and_change_nothing(
    tmp_path: Path, database: dict[str, str], args: tuple[str, ...], fragment: str
) -> None:
    engine = make_engine(database["DATABASE_URL"])
    before = row_counts(engine)
    result = cli(tmp_path, database, *(a.format(ref=database["reference"]) for a in args))
    assert result.returncode == 2
    assert fragment in result.stderr and "Traceback" not in result.stderr
    assert row_counts(engine) == before
    engine.dispose()


def test_the_operator_must_say_who_they_are(tmp_path: Path, database: dict[str, str]) -> None:
    result = cli(tmp_path, database, "review")
    assert result.returncode == 2 and "--by" in result.stderr
