"""The words of a Clare's Law request's or a management plan's reminder: which clock, when, and the
command that meets it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from services.reminders.results import CaseworkClock, CaseworkDue
from services.wording import Command, Mention, Part, Text


def casework_words(
    subject: CaseworkDue, reference: str, say_when: Callable[[datetime | None], str]
) -> tuple[str, Text]:
    owner: tuple[Part, ...] = (
        (
            "Officer in charge: " if subject.what is CaseworkClock.CLARE_TARGET else "Owner: ",
            Mention(subject.officer.slack_id),
            ". ",
        )
        if (subject.officer and subject.officer.slack_id)
        else ()
    )
    match subject.what:
        case CaseworkClock.CLARE_TARGET:
            headline = (
                "Clare's Law request past its completion target"
                if subject.overdue
                else f"Clare's Law request near its completion target ({say_when(subject.due_at)})"
            )
            was = f"The target was {say_when(subject.due_at)}. " if subject.overdue else ""
            return headline, (
                was,
                *owner,
                "See where it stands: ",
                Command("clare", reference),
                "; record the next step, e.g. ",
                Command("clare", f'{reference} decide disclose "why"'),
                ".",
            )
        case CaseworkClock.PLAN_ACTION:
            number = subject.number
            headline = (
                f"Overdue: management plan action {number}"
                if subject.overdue
                else f"Due {say_when(subject.due_at)}: management plan action {number}"
            )
            was = f"It fell due {say_when(subject.due_at)}. " if subject.overdue else ""
            return headline, (
                was,
                *owner,
                "When it is done: ",
                Command("perpetrator", f"{reference} plan done {number}"),
                ".",
            )
        case CaseworkClock.PLAN_REVIEW:
            headline = (
                "Management plan review due"
                if subject.overdue
                else f"Management plan review {say_when(subject.due_at)}"
            )
            return headline, (
                *owner,
                "See the plan: ",
                Command("perpetrator", f"{reference} plan"),
                "; set the next review: ",
                Command("perpetrator", f"{reference} plan review DATE"),
                ", or close it: ",
                Command("perpetrator", f'{reference} plan close "why"'),
                ".",
            )
