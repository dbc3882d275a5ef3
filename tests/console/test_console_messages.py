"""The console shows what Slack would: a posted message rewritten in place is shown again, titled
with the message it replaces; a reply in a thread is indented under its root; and any message still
standing can be shown as it is now and its buttons pressed (`message M`, `press M.N`)."""

from __future__ import annotations

import re
from pathlib import Path

from config import ReminderPolicy, Settings
from tests.console.test_console_session import run, section

# The demo opens with the supervisor's 'no hearing booked' alert (message 1) and the officer's
# countdown (message 2) for DEMO-DVPN-2026-0001, both unanswered.
SCRIPT = """message 1
press 1.1
!cancel
/dvpn hearing DEMO-DVPN-2026-0001 tomorrow 10:00
message 1
press 1.1
message 99
"""


def test_an_update_names_the_message_it_rewrote_and_press_reaches_any_message(tmp_path: Path) -> None:
    one_at_a_time = Settings(reminders=ReminderPolicy(sweep_concurrency=1))  # so the numbering is known
    status, output = run(SCRIPT, tmp_path, settings=one_at_a_time)
    opening = output[: output.index("@jordan > ")]
    assert "── message 1: DM to @harper, Sgt Harper Example (supervisor, PPU North) ──" in opening
    assert "── message 2: DM to @jordan, PC Jordan Example (officer, PPU North) ──" in opening

    shown = section(output, "@jordan > message 1")
    assert "── message 1 as it stands: DM to @harper" in shown
    assert re.search(r"\[1\] Book hearing\s+\[2\] Acknowledge", shown)  # its buttons, numbered afresh
    pressed = section(output, "@jordan > press 1.1")
    assert "── modal: Book hearing ──" in pressed  # Book hearing, pressed on the supervisor's message

    booked = section(output, "@jordan > /dvpn hearing")
    updated = "── updated: DM to @harper, Sgt Harper Example (supervisor, PPU North) (message 1) ──"
    assert updated in booked
    after = booked[booked.index(updated) :]
    assert "Hearing booked for Fri 03 Apr 2026 10:00 BST by @jordan at Thu 02 Apr 2026 09:30 BST ✓" in after

    second = output.rindex("@jordan > message 1")
    now = output[second : output.index("\n@", second + 1)]
    assert "Hearing booked for Fri 03 Apr 2026 10:00 BST by @jordan" in now and "[1]" not in now
    last = output[output.rindex("@jordan > press 1.1") :]
    assert "Message 1 has no buttons now: nothing to press." in last  # its buttons went with the update
    assert "Show which message? Give a number from 1 to" in section(output, "@jordan > message 99")
    assert status == 1  # the last two found nothing to do
