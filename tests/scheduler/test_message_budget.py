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
