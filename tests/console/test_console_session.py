"""The console driven as a script (stdin not a terminal): the real Bolt app, services and
scheduler jobs behind it, the demo force in front of it, plain text out, and an exit status."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from config import Settings
from console.main import run_console

# The record form for a DVPN, answered field by field: type (kept), served, authoriser, rank,
# perpetrator name, date of birth, address, PNC, protected name, date of birth, address, conditions,
# risk (a wrong answer first: the console says so and asks again), children, crime reference, officer.
NEW_DVPN = """/dvpn new DVPN

yesterday 20:00
Supt Rowan Example
superintendent
Frankie Madeup
1/2/1990
1 Example Road, Demoton

Robin Pretend
3/3/1992


Not a risk level
high
y
CR/DEMO/1234

"""

SCRIPT = (
    "/dvpn help\n"
    + NEW_DVPN
    + """press 2
tomorrow 10:00
Demoton Magistrates' Court
time +2h
home
time 2026-04-03 11:00
/dvpn granted DEMO-DVPN-2026-0012 28 days
as @champion
/dvpn close DEMO-DVPN-2026-0012 finished
quit
"""
)


def run(script: str, tmp_path: Path, *, demo: bool = True, settings: Settings | None = None) -> tuple[int, str]:
    out = io.StringIO()
    status = run_console(
        settings or Settings(),
        demo=demo,
        database=str(tmp_path / "console.db"),
        input=io.StringIO(script),
        output=out,
    )
    return status, out.getvalue()


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, str]:
    return run(SCRIPT, tmp_path_factory.mktemp("session"))


def section(output: str, after: str, until: str = "\n@") -> str:
    """The output from the line that echoes `after` to the next prompt."""
    start = output.index(after)
    end = output.find(until, start + len(after))
    return output[start : end if end > 0 else None]


def test_output_is_plain_text_with_the_commands_echoed(session: tuple[int, str]) -> None:
    _, output = session
    assert "\033[" not in output
    assert "@jordan > /dvpn help" in output
    assert "Record: new\n  e.g. /dvpn new DVPN" in section(output, "@jordan > /dvpn help")


def test_a_countdown_fires_on_its_own_when_the_demo_opens(session: tuple[int, str]) -> None:
    _, output = session
    before_any_command = output[: output.index("@jordan > ")]
    assert re.search(r"── message \d+: DM to @jordan, PC Jordan Example \(officer, PPU North\) ──", before_any_command)
    assert "Hearing deadline in 2 hours" in before_any_command
    assert "DEMO-DVPN-2026-0001" in before_any_command
    assert "DM to @harper" in before_any_command  # the duty supervisor: no hearing booked


def test_the_record_form_becomes_prompts_and_records_the_dvpn(session: tuple[int, str]) -> None:
    _, output = session
    form = section(output, "@jordan > /dvpn new DVPN")
    assert "── modal: New protection record ──" in form
    assert "1) DVPN: Domestic Violence Protection Notice" in form
    assert "Risk level (DASH) (optional): Not a risk level" in form
    assert "! Choose a number from 1 to 3." in form  # asked again, then answered
    assert "DEMO-DVPN-2026-0012 recorded." in form
    assert "Next: book the hearing." in form  # a short reply: the card is behind Show record
    assert "Frankie Madeup" not in form.split("DEMO-DVPN-2026-0012 recorded.")[1]
    assert re.search(r"\[1\] Show record\s+\[2\] Book hearing", form)


def test_press_sends_the_button_and_its_form_books_the_hearing(session: tuple[int, str]) -> None:
    _, output = session
    pressed = section(output, "@jordan > press 2")
    assert "── modal: Book hearing ──" in pressed
    assert "Hearing booked for DEMO-DVPN-2026-0012 at Demoton Magistrates" in pressed
    assert "Hearing: Fri 03 Apr 2026 10:00 BST" in pressed


def test_moving_time_fires_reminders_marked_with_their_recipient(session: tuple[int, str]) -> None:
    _, output = session
    moved = section(output, "@jordan > time +2h")
    assert "⏱  Thu 02 Apr 2026 11:30 BST" in moved
    lapsed = section(moved, "⏱  Thu 02 Apr 2026 11:30 BST", "⏱")
    assert re.search(r"── message \d+: DM to @jordan, PC Jordan Example \(officer, PPU North\) ──", lapsed)
    assert "Notice lapsed: remove it from the PNC" in lapsed
    assert "The clock is now Thu 02 Apr 2026 11:30 BST." in moved


def test_home_opens_the_app_home(session: tuple[int, str]) -> None:
    _, output = session
    home = section(output, "@jordan > home")
    assert "── App Home of @jordan, PC Jordan Example (officer, PPU North) ──" in home
    assert "Waiting for me" in home and "Mine today" in home
    assert "DEMO-DVPN-2026-0012" in home
    assert "[1] New protection record" in home


def test_the_overnight_rollover_and_the_granted_order(session: tuple[int, str]) -> None:
    _, output = session
    overnight = section(output, "@jordan > time 2026-04-03 11:00")
    assert "⏱  Fri 03 Apr 2026 08:00 BST" in overnight  # the hearing's 2-hour reminder, to its officer
    assert "Hearing in 2 hours" in overnight
    assert "lapsed: DEMO-DVPN-2026-0001" in overnight  # the 00:05 rollover marked the unheard notice
    granted = section(output, "@jordan > /dvpn granted")
    assert "Application granted: DEMO-DVPO-2026-0009 recorded, following DEMO-DVPN-2026-0012." in granted


def test_a_champion_may_read_but_is_refused_changes(session: tuple[int, str]) -> None:
    _, output = session
    assert "You are now @avery: DC Avery Example (champion)." in output
    refused = section(output, "@avery > /dvpn close")
    assert "Champions can read records but not change them." in refused


def test_a_refused_command_makes_the_exit_status_non_zero(session: tuple[int, str]) -> None:
    status, _ = session
    assert status == 1


def test_every_command_succeeding_exits_zero(tmp_path: Path) -> None:
    script = "as UADMIN\n/dvpn help\n/dvpn deadline DVPN 2/4/2026 20:00\ntime\nhelp\n"
    status, output = run(script, tmp_path, demo=False, settings=Settings(admins=("UADMIN",)))
    assert status == 0, output
    assert "Skipped Fri 03 Apr 2026: Good Friday." in output


FAILURES = ["/dvpn nonsense", "fly away", "press 9", "as @nobody", "/dvpn show WM-DVPN-2026-9999", "/other"]


@pytest.mark.parametrize("line", FAILURES)
def test_each_kind_of_failure_makes_the_exit_status_non_zero(tmp_path: Path, line: str) -> None:
    status, output = run(f"/dvpn help\n{line}\n", tmp_path, demo=False)
    assert status == 1, output


def test_a_cancelled_form_saves_nothing_and_is_not_a_failure(tmp_path: Path) -> None:
    settings = Settings(admins=("UADMIN",))
    script = "as UADMIN\n/dvpn admin team create Team A\n/dvpn admin team add Team A @UADMIN\n/dvpn new DVPN\n!cancel\n"
    status, output = run(script, tmp_path, demo=False, settings=settings)
    assert "(form closed, nothing saved)" in output
    assert "recorded." not in output
    assert status == 0, output
