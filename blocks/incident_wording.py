"""The words of an incident's reminder: which clock, when, and the command that meets it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from services.reminders.results import IncidentDue
from services.wording import Command, Mention, Part, Text

# What meets each clock, as the command to type.
_MEETS: dict[str, Callable[[str, int | None], Command]] = {
    "attendance": lambda reference, number: Command("incident", f"{reference} attended"),
    "DASH": lambda reference, number: Command("incident", f"{reference} dash <yes answers>"),
    "crime recorded": lambda reference, number: Command("incident", f"{reference} crime <reference>"),
    "DVPN/DAPN considered": lambda reference, number: Command("incident", f"{reference} considered yes"),
    "MARAC referral": lambda reference, number: Command("marac", f"{reference} referred"),
    "school told": lambda reference, number: Command("encompass", f"{reference} told {number}"),
    "MARAC action": lambda reference, number: Command("marac", f"{reference} done {number}"),
}


def incident_words(
    subject: IncidentDue, reference: str, say_when: Callable[[datetime | None], str]
) -> tuple[str, Text]:
    what = subject.what if subject.number is None else f"{subject.what} ({subject.number})"
    if subject.what == "school told":
        what = f"School of child {subject.number} to be told (Operation Encompass)"
    headline = f"Overdue: {what}" if subject.overdue else f"Due {say_when(subject.due_at)}: {what}"
    was: str = f"It fell due {say_when(subject.due_at)}. " if subject.overdue else ""
    officer: tuple[Part, ...] = (
        ("Officer in charge: ", Mention(subject.officer.slack_id), ". ")
        if (subject.officer and subject.officer.slack_id)
        else ()
    )
    meets = _MEETS.get(subject.what)
    record: tuple[Part, ...] = ("Record it: ", meets(reference, subject.number), ".") if meets else ()
    return headline, (was, *officer, *record)
