"""The command line, run as a user runs it: a separate process, real exit codes and output."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from config import Settings
from models.db import make_engine
from models.schema import upgrade
from services.clock import ManualClock
from services.context import ServiceContext
from services.records import calendar as calendar_service
from tests.support.force import london

BOT = Path(__file__).resolve().parent.parent / "bot.py"


def run(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DVPN_", "SLACK_", "DATABASE_URL"))}
    return subprocess.run(
        [sys.executable, str(BOT), *args], cwd=cwd, env={**clean, **env}, capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize("when", ["2026-04-02 20:00", "2/4/2026 20:00", "2026-04-02T19:00:00Z"])
def test_the_worked_example_prints_the_deadline_first(tmp_path: Path, when: str) -> None:
    result = run("deadline", "DVPN", when, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "2026-04-07T20:00:00+01:00"
    assert "Skipped Fri 03 Apr 2026: Good Friday." in lines
    assert "Counted 20 hours on Tue 07 Apr 2026 (00:00 to 20:00)." in lines
    assert not (tmp_path / "dvpn-bot.db").exists(), "the calculator must not create a database"


def test_a_deadline_at_midnight_is_the_end_of_the_earlier_day(tmp_path: Path) -> None:
    result = run("deadline", "DAPN", "2026-04-02 00:00", cwd=tmp_path)
    assert result.stdout.splitlines()[0] == "2026-04-05T00:00:00+01:00"
    assert "Deadline: the end of Saturday 04 April 2026" in result.stdout


def test_the_breach_arrest_clock(tmp_path: Path) -> None:
    result = run("deadline", "DVPN", "2026-04-04 10:00", "--event", "arrested", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == "2026-04-07T10:00:00+01:00"
    assert "CSA 2010 s26" in result.stdout


@pytest.mark.parametrize(
    ("extra", "first_line"),
    [
        # PACE 1984 s47ZB(4)(a): arrested Thu 1 Jan 2026 -> bail start date Fri 2 Jan; s47ZB(1)(b): 3 months
        # beginning with 2 Jan -> last day Wed 1 Apr, printed as the end of that day: 2 Apr 00:00 BST.
        ((), "2026-04-02T00:00:00+01:00"),
        (("--extended-by", "inspector"), "2026-07-02T00:00:00+01:00"),  # s47ZD(2): 6 months, last day 1 Jul
        (("--extended-by", "superintendent"), "2026-10-02T00:00:00+01:00"),  # s47ZDA(2): 9 months, 1 Oct
        (("--extended-by", "court"), "2027-01-02T00:00:00+00:00"),  # s47ZF(4)(a): 12 months, 1 Jan 2027
    ],
)
def test_bail_is_counted_from_the_day_after_the_arrest(tmp_path: Path, extra: tuple[str, ...], first_line: str) -> None:
    result = run("deadline", "BAIL", "1/1/2026 10:00", *extra, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == first_line
    assert "beginning with Fri 02 Jan 2026" in result.stdout


def test_an_occupation_order_arrest_counts_bank_holidays(tmp_path: Path) -> None:
    # FLA 1996 s47(7): Sat 23 May 2026 15:00 -> 9 h Sat, Sunday skipped, 15 h on the bank holiday Monday.
    result = run("deadline", "OO", "2026-05-23 15:00", "--event", "arrested", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == "2026-05-25T15:00:00+01:00"
    assert "FLA 1996 s47(6)-(7)" in result.stdout


def test_a_notice_arrest_before_the_listed_hearing(tmp_path: Path) -> None:
    # DAA 2021 s26(2)(b): 24 hours from Thu 2 Apr 20:00 end Sat 4 Apr 20:00; the hearing Fri 10:00 is earlier.
    result = run(
        "deadline", "DAPN", "2026-04-02 20:00", "--event", "arrested", "--hearing", "2026-04-03 10:00", cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == "2026-04-03T10:00:00+01:00"
    assert "The hearing is earlier" in result.stdout


@pytest.mark.parametrize(
    "args, fragment",
    [
        (("deadline", "DVPN", "2026-04-02 20:00", "--extended-by", "inspector"), "Only pre-charge bail"),
        (("deadline", "ASBO", "today"), "Unknown type 'ASBO'"),
        (("deadline", "DVPO", "2026-04-02 20:00"), "starts no statutory clock"),
        (("deadline", "DAPO", "2026-04-02 20:00", "--event", "arrested"), "no statutory court clock"),
        (("deadline", "DVPN", "the twelfth of never"), "Could not read"),
    ],
)
def test_bad_input_exits_2_with_a_message(tmp_path: Path, args: tuple[str, ...], fragment: str) -> None:
    result = run(*args, cwd=tmp_path)
    assert result.returncode == 2
    assert fragment in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_settings_exit_2_listing_every_problem(tmp_path: Path) -> None:
    result = run("deadline", "DVPN", "today", cwd=tmp_path, DVPN_FORCE_CODE="1", DVPN_SWEEP_SECONDS="x")
    assert result.returncode == 2
    assert "DVPN_FORCE_CODE" in result.stderr and "DVPN_SWEEP_SECONDS" in result.stderr
    assert "Traceback" not in result.stderr


def test_db_status_tells_the_user_to_upgrade_then_upgrade_works(tmp_path: Path) -> None:
    status = run("db", "status", cwd=tmp_path)
    assert status.returncode == 2
    assert "dvpn-bot db upgrade" in status.stderr
    assert run("db", "upgrade", cwd=tmp_path).returncode == 0
    again = run("db", "status", cwd=tmp_path)
    assert again.returncode == 0 and "current" in again.stdout


def test_the_calculator_includes_bank_holidays_added_by_an_admin(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'dvpn-bot.db'}"
    engine = make_engine(url)
    upgrade(engine)
    ctx = ServiceContext(engine, Settings(admins=("UADMIN",)), ManualClock(london("2026-04-01 09:00")))
    calendar_service.add_excluded_day(ctx, "UADMIN", date(2026, 4, 8), "Proclaimed day")
    engine.dispose()
    result = run("deadline", "DVPN", "2026-04-07 10:00", cwd=tmp_path)
    assert result.stdout.splitlines()[0] == "2026-04-10T10:00:00+01:00"
    assert "added by an admin (Proclaimed day)" in result.stdout


def test_calendar_lists_the_excluded_days_and_the_policy(tmp_path: Path) -> None:
    result = run("calendar", "2026", cwd=tmp_path)
    assert result.returncode == 0
    assert "Fri 03 Apr 2026  Good Friday" in result.stdout
    assert "Mon 28 Dec 2026  bank holiday (Boxing Day (observed))" in result.stdout
    assert "Sat 26 Dec 2026  counted:" in result.stdout


def test_the_clare_law_target_prints_with_its_working(tmp_path: Path) -> None:
    # 28 days beginning with Tue 10 Mar 2026, across the clock change and Easter: all count.
    result = run("deadline", "DVDS", "2026-03-10 14:00", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "2026-04-07T00:00:00+01:00"
    assert "Last day: Mon 06 Apr 2026." in result.stdout and "weekends and bank holidays count" in result.stdout


def test_the_incident_clocks_are_explained(tmp_path: Path) -> None:
    # Friday night before the Cumbria October half term: the school is told by Monday 2 November 08:30 GMT.
    result = run("deadline", "encompass", "2026-10-23 21:00", "--area", "cumbria", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "2026-11-02T08:30:00+00:00"
    assert "Mon 26 Oct 2026: not a school day (October half term (cumbria school holiday))" in lines
    crime = run("deadline", "crime", "2026-04-02 20:00", cwd=tmp_path)
    assert crime.stdout.splitlines()[0] == "2026-04-03T20:00:00+01:00"
    assert "Home Office Counting Rules" in crime.stdout and "not law" in crime.stdout
    attend = run("deadline", "attend", "2026-04-02 20:00", "--risk", "high", cwd=tmp_path)
    assert attend.stdout.splitlines()[0] == "2026-04-02T21:00:00+01:00"
    assert not (tmp_path / "dvpn-bot.db").exists(), "the calculator must not create a database"
