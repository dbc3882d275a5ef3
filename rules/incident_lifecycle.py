"""The life of an incident as one table, in the manner of rules/lifecycle.py: its states (read from
its facts, never stored), the events that happen to it, which each state allows (each refusal with
why and what to do instead) and which reminder families each state implies. Every family stays
planned only while its own clock is unmet (attended, assessed, recorded, decided, referred, told,
done), so a satisfied clock's reminders are withdrawn by the replan that follows the event.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class IncidentState(StrEnum):
    OPEN = "open"  # reported; no MARAC referral recorded
    REFERRED = "referred to MARAC"


class IncidentEvent(StrEnum):
    RECORD = "record"
    DASH = "dash"
    ATTENDED = "attended"
    CRIME = "crime reference"
    CONSIDERED = "notice considered"
    ENCOMPASS = "school told"
    MARAC_REFERRED = "marac referred"
    MARAC_MEETING = "marac meeting"
    MARAC_ACTION = "marac action"
    MARAC_DONE = "marac action done"


DOING: dict[IncidentEvent, str] = {
    IncidentEvent.RECORD: "record {ref}",
    IncidentEvent.DASH: "record the DASH on {ref}",
    IncidentEvent.ATTENDED: "record attendance at {ref}",
    IncidentEvent.CRIME: "add a crime reference to {ref}",
    IncidentEvent.CONSIDERED: "record whether a DVPN/DAPN was considered on {ref}",
    IncidentEvent.ENCOMPASS: "record a school told about {ref}",
    IncidentEvent.MARAC_REFERRED: "record a MARAC referral for {ref}",
    IncidentEvent.MARAC_MEETING: "record the MARAC meeting for {ref}",
    IncidentEvent.MARAC_ACTION: "record a MARAC action for {ref}",
    IncidentEvent.MARAC_DONE: "record a MARAC action done for {ref}",
}


class IncidentReminders(StrEnum):
    """Families of an incident's reminders; services/incidents/planning.py plans each."""

    ATTENDANCE = "attendance"
    DASH = "DASH completed"
    CRIME_RECORDED = "crime recorded"
    CONSIDERED = "DVPN/DAPN considered"
    ENCOMPASS = "school told (Operation Encompass)"
    MARAC_REFERRAL = "MARAC referral"
    MARAC_ACTIONS = "MARAC actions"


@dataclass(frozen=True)
class Refusal:
    why: str
    instead: str
    citation: str = ""  # guidance, where a refusal rests on it


_ALWAYS = frozenset(
    {
        IncidentEvent.DASH,
        IncidentEvent.ATTENDED,
        IncidentEvent.CRIME,
        IncidentEvent.CONSIDERED,
        IncidentEvent.ENCOMPASS,
    }
)
ALLOWED: dict[IncidentState, frozenset[IncidentEvent]] = {
    IncidentState.OPEN: _ALWAYS | {IncidentEvent.MARAC_REFERRED},
    IncidentState.REFERRED: _ALWAYS
    | {IncidentEvent.MARAC_MEETING, IncidentEvent.MARAC_ACTION, IncidentEvent.MARAC_DONE},
}
_OTHER_FAMILIES = frozenset(
    {
        IncidentReminders.ATTENDANCE,
        IncidentReminders.DASH,
        IncidentReminders.CRIME_RECORDED,
        IncidentReminders.CONSIDERED,
        IncidentReminders.ENCOMPASS,
    }
)
IMPLIES: dict[IncidentState, frozenset[IncidentReminders]] = {
    IncidentState.OPEN: _OTHER_FAMILIES | {IncidentReminders.MARAC_REFERRAL},
    IncidentState.REFERRED: _OTHER_FAMILIES | {IncidentReminders.MARAC_ACTIONS},
}
_NOT_REFERRED = Refusal(
    "no MARAC referral is recorded for it",
    "Record the referral first",
)
_REFUSALS: dict[tuple[IncidentState, IncidentEvent], Refusal] = {
    (IncidentState.OPEN, IncidentEvent.MARAC_MEETING): _NOT_REFERRED,
    (IncidentState.OPEN, IncidentEvent.MARAC_ACTION): _NOT_REFERRED,
    (IncidentState.OPEN, IncidentEvent.MARAC_DONE): _NOT_REFERRED,
    (IncidentState.REFERRED, IncidentEvent.MARAC_REFERRED): Refusal(
        "its MARAC referral is already recorded", "Record the meeting date or the actions agreed"
    ),
}


def refusal(state: IncidentState, event: IncidentEvent) -> Refusal | None:
    if event in ALLOWED[state]:
        return None
    return _REFUSALS[(state, event)]


def incident_state(referred: bool) -> IncidentState:
    return IncidentState.REFERRED if referred else IncidentState.OPEN
