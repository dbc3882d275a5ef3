"""The words of an incident's reminder: which clock, when, and the command that meets it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from services.reminders.results import IncidentClock, IncidentDue
from services.wording import Command, Mention, Part, Text

# What meets each clock, as the command to type.
_MEETS: dict[IncidentClock, Callable[[str, int | None], Command]] = {
    IncidentClock.ATTENDANCE: lambda reference, number: Command("incident", f"{reference} attended"),
    IncidentClock.DASH: lambda reference, number: Command("incident", f"{reference} dash <yes answers>"),
    IncidentClock.CRIME: lambda reference, number: Command("incident", f"{reference} crime <reference>"),
    IncidentClock.CONSIDERED: lambda reference, number: Command("incident", f"{reference} considered yes"),
    IncidentClock.MARAC_REFERRAL: lambda reference, number: Command("marac", f"{reference} referred"),
    IncidentClock.SCHOOL: lambda reference, number: Command("encompass", f"{reference} told {number}"),
    IncidentClock.MARAC_ACTION: lambda reference, number: Command("marac", f"{reference} done {number}"),
}


def incident_words(
    subject: IncidentDue, reference: str, say_when: Callable[[datetime | None], str]
) -> tuple[str, Text]:
    what = subject.what.value if subject.number is None else f"{subject.what.value} ({subject.number})"
    if subject.what is IncidentClock.SCHOOL:
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
