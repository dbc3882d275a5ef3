"""`dvpn-bot deadline encompass` with a database configured counts the school holidays admins
added there (and without one says it could not)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from config import Settings
from models.db import make_engine
from models.schema import upgrade
from services.clock import ManualClock
from services.context import ServiceContext
from services.governance import staff
from services.incidents import school_terms
from tests.support.force import london
from tests.test_command_line import run


def test_the_calculator_reads_school_holidays_added_in_slack(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'dvpn-bot.db'}"
    engine = make_engine(url)
    upgrade(engine)
    ctx = ServiceContext(engine, Settings(admins=("UADMIN",)), ManualClock(london("2026-04-02 21:00")), source="test")
    staff.create_team(ctx, "UADMIN", "Team A")
    school_terms.add_term(ctx, "UADMIN", "Westshire", date(2026, 4, 7), date(2026, 4, 17), "Easter holidays")
    engine.dispose()

    result = run("deadline", "encompass", "2026-04-02 21:00", "--area", "westshire", cwd=tmp_path, DATABASE_URL=url)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "2026-04-20T08:30:00+01:00"
    assert "Tue 07 Apr 2026: not a school day (Easter holidays (westshire school holiday))" in lines
    assert "Note:" not in result.stdout

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    plain = run("deadline", "encompass", "2026-04-02 21:00", "--area", "westshire", cwd=elsewhere)
    assert plain.stdout.splitlines()[0] == "2026-04-07T08:30:00+01:00"
    assert "No database yet, so no admin-added bank holidays or school holidays were included." in plain.stdout
    assert not (elsewhere / "dvpn-bot.db").exists()
