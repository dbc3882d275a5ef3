"""The messages an officer and their sergeant receive over a typical DVPN -> DVPO life with one
breach (bench/reminder_messages.py): exactly these, in this order. Each one asks for something not
yet done; none repeats what the officer has already done (a countdown to a deadline the booked
hearing already meets, or its escalation)."""

from __future__ import annotations

from pathlib import Path

from bench.reminder_messages import LONDON, OFFICER, SERGEANT, live
from console.slack_api import SlackWebAPI


def test_a_dvpn_to_dvpo_life_with_one_breach_sends_fifteen_messages(tmp_path: Path, slack: SlackWebAPI) -> None:
    life = live(str(tmp_path), slack)
    said = [(f"{when.astimezone(LONDON):%a %d %H:%M}", to, kind.split(":")[0]) for when, to, kind in life.posts]
    assert said == [
        ("Thu 02 22:00", OFFICER, "no_hearing_booked"),  # a statutory countdown: the night does not hold it
        ("Thu 02 22:30", OFFICER, "renotify"),
        ("Thu 02 22:30", SERGEANT, "escalation"),
        ("Fri 03 20:00", OFFICER, "breach_check_due"),
        ("Mon 06 16:00", OFFICER, "hearing_tomorrow"),
        ("Tue 07 11:30", OFFICER, "hearing_in_2h"),
        ("Wed 08 14:00", OFFICER, "breach_check_due"),
        ("Sun 12 16:00", OFFICER, "crime_reference_missing"),
        ("Sun 12 16:00", SERGEANT, "crime_reference_missing"),  # after the officer's, never before
        ("Wed 15 14:30", OFFICER, "breach_check_due"),
        ("Wed 22 15:00", OFFICER, "breach_check_due"),
        ("Mon 27 08:00", OFFICER, "expires_in_7d"),
        ("Wed 29 15:30", OFFICER, "breach_check_due"),
        ("Sat 02 08:00", OFFICER, "expires_in_2d"),
        ("Mon 04 08:00", OFFICER, "expires_today"),
    ]


def test_over_that_life_every_message_gone_moot_is_rewritten_and_no_stale_button_remains(
    tmp_path: Path, slack: SlackWebAPI
) -> None:
    life = live(str(tmp_path), slack)
    rewritten = [(f"{when.astimezone(LONDON):%a %d %H:%M}", to, kind.split(":")[0]) for when, to, kind in life.updates]
    assert rewritten == [
        ("Fri 03 09:00", OFFICER, "no_hearing_booked"),  # the hearing booked: the alert and its follow-ups
        ("Fri 03 09:00", OFFICER, "renotify"),
        ("Fri 03 09:00", SERGEANT, "escalation"),
        ("Fri 03 20:30", OFFICER, "breach_check_due"),  # each check recorded
        ("Tue 07 14:15", OFFICER, "hearing_tomorrow"),  # the outcome recorded
        ("Tue 07 14:15", OFFICER, "hearing_in_2h"),
        ("Wed 08 14:30", OFFICER, "breach_check_due"),
        ("Sun 12 17:00", OFFICER, "crime_reference_missing"),  # the crime reference added: both copies
        ("Sun 12 17:00", SERGEANT, "crime_reference_missing"),
        ("Wed 15 15:00", OFFICER, "breach_check_due"),
        ("Wed 22 15:30", OFFICER, "breach_check_due"),
        ("Wed 29 16:00", OFFICER, "breach_check_due"),
        ("Tue 05 00:05", OFFICER, "expires_in_7d"),  # the order expired
        ("Tue 05 00:05", OFFICER, "expires_in_2d"),
        ("Tue 05 00:05", OFFICER, "expires_today"),
    ]
    assert life.stale_buttons() == []  # every message still standing asks only for what is still wanted
    updates = [str(c["text"]) for c in slack.calls("chat.update")]
    booked = "Hearing booked for Tue 07 Apr 2026 13:30 BST by <@UOFFICER> at Fri 03 Apr 2026 09:00 BST ✓"
    assert updates[0] == f"WM-DVPN-2026-0001 (AE): No hearing booked ({booked})"  # who acted, and when
    assert updates[-1] == "WM-DVPO-2026-0001 (AE): Expires today (The record has ended — no action needed)"
