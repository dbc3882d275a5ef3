"""The console obeys the justification like Slack does: the same modal, asked as prompts, then the
card; and the caseload reads the same. Driven through the console with the demo force."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from models.db import make_engine
from tests.console.test_console_session import run, section

SCRIPT = """as @champion
/dvpn show DEMO-DVPN-2026-0001
ok
Quality review of DVPN service times
/dvpn caseload all due:overdue
quit
"""


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, str, Path]:
    folder = tmp_path_factory.mktemp("casework")
    status, output = run(SCRIPT, folder)
    return status, output, folder


def test_a_champion_is_asked_why_then_shown_the_card_and_the_reason_is_logged(session: tuple[int, str, Path]) -> None:
    status, output, tmp_path = session

    assert status == 0, output
    shown = section(output, "@avery > /dvpn show DEMO-DVPN-2026-0001")
    assert "── modal: Why open this record? ──" in shown
    assert "! Say why in a few more words (at least 10 characters)." in shown
    assert "── modal: DEMO-DVPN-2026-0001 ──" in shown
    assert "Perpetrator: Blake Hypothetical" in shown
    assert "HTTP" not in shown  # the card is read, not submitted
    engine = make_engine(f"sqlite:///{tmp_path / 'console.db'}")
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text("SELECT actor, justification, source FROM audit_event WHERE action = 'view'")
        ).all()
    engine.dispose()
    assert [tuple(r) for r in rows] == [("slack:UDCHA01", "Quality review of DVPN service times", "console")]


def test_the_caseload_in_the_console(session: tuple[int, str, Path]) -> None:
    _, output, _ = session
    caseload = section(output, "@avery > /dvpn caseload all due:overdue")
    assert "Caseload: the force · active · past a deadline (1–5 of 5)" in caseload
    assert "DEMO-DVPN-2026-0001 · BH · @jordan" in caseload
    # The officers' table, drawn as columns with the figures aligned right.
    assert "  Officer   Records  Overdue\n  @morgan         2        2\n  @jordan         1        1" in caseload
