"""The life of a record as one table: the states a notice and an order pass through, the events
that happen to them, which events each state allows (with the statute behind each refusal) and
which reminders each state implies. services/records/state.py applies it to every write and the
reminder planner (services/records/planning.py) plans only what the record's state implies.

A state is read from the record's facts and the time, never stored: a notice whose hearing
deadline has passed with no hearing listed by it is lapsed in law from that instant, whether or
not the rollover has marked it yet (CSA 2010 s27(3); DAA 2021 s29(2)).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class State(StrEnum):
    # A notice (DVPN, DAPN): served, its application's hearing not yet decided.
    AWAITING_LISTING = "awaiting listing"  # no hearing of the application listed
    LISTED = "hearing listed"  # a hearing listed by the deadline, not yet sat
    LISTED_LATE = "listed after the deadline"  # the only hearing listed is after the deadline
    OUTCOME_DUE = "outcome due"  # the listed hearing's time has come; no outcome recorded
    LAPSED = "lapsed"  # the deadline passed with no hearing listed by it
    # An order (DVPO, DAPO, SPO, OO, bail...).
    IN_FORCE = "in force"
    # Either, once it has ended: superseded, refused, withdrawn, closed, discharged, expired.
    ENDED = "ended"


class Event(StrEnum):
    RECORD = "record"
    BOOK_HEARING = "book hearing"
    ADJOURN_HEARING = "adjourn hearing"
    DECIDE_HEARING = "decide hearing"
    BREACH = "breach"  # with or without an arrest
    CRIME_REFERENCE = "crime reference"
    COURT_APPEARANCE = "court appearance"  # the arrested person brought before the court
    CHECK = "check"
    NOTIFICATION = "notification"
    VARY = "vary"
    CORRECT = "correct"  # a record's details corrected
    EXCLUDED_DAY = "excluded day"  # the force calendar changed under the record's clocks
    CLOSE = "close"
    LAPSE = "lapse"
    EXPIRE = "expire"


# How a refusal names the event: "You cannot adjourn the hearing of WM-DVPN-2026-0001 ...".
DOING: dict[Event, str] = {
    Event.RECORD: "record {ref}",
    Event.BOOK_HEARING: "book a hearing for {ref}",
    Event.ADJOURN_HEARING: "record an adjournment of the hearing of {ref}",
    Event.DECIDE_HEARING: "record the outcome of the hearing of {ref}",
    Event.BREACH: "record a breach of {ref}",
    Event.CRIME_REFERENCE: "add a crime reference to a breach of {ref}",
    Event.COURT_APPEARANCE: "record a court appearance on {ref}",
    Event.CHECK: "record or plan a breach check on {ref}",
    Event.NOTIFICATION: "record a notification on {ref}",
    Event.VARY: "vary {ref}",
    Event.CORRECT: "correct {ref}",
    Event.EXCLUDED_DAY: "change the excluded days under {ref}",
    Event.CLOSE: "close {ref}",
    Event.LAPSE: "mark {ref} lapsed",
    Event.EXPIRE: "mark {ref} expired",
}


class Reminders(StrEnum):
    """Families of reminders; services/records/planning.py plans each."""

    NO_HEARING_BOOKED = "no hearing booked"  # the officer, then supervisors before the deadline
    HEARING_COUNTDOWN = "hearing deadline countdown"  # until a hearing held in time has an outcome
    LAPSE_ALERT = "notice lapsed"  # officer and supervisors, at the deadline
    HEARING_SOON = "hearing soon"  # the day before and hours before each listed hearing
    OUTCOME_MISSING = "outcome missing"  # after a listed hearing's time with no outcome recorded
    EXPIRY = "expiry"
    CHECKS = "breach checks"
    NOTIFICATION = "notification missing"
    BREACH_COURT = "breach court countdown"  # until the court appearance is recorded
    CRIME_REFERENCE = "crime reference missing"
    NOTIFICATION_CHANGE = "change to notify"  # a change's 3-day window, then missed (DAPO, SPO)
    MONITORING = "electronic monitoring ending"  # DAPO requirement, as an expiry


@dataclass(frozen=True)
class Refusal:
    why: str  # what makes the event impossible now
    instead: str  # what to do instead, as a sentence
    citation: str = ""  # the statute that makes it so, where one does


_NOTICE_LAPSE = "CSA 2010 s27(3); DAA 2021 s29(2)"
_ADJOURNMENT = "CSA 2010 s27; DAA 2021 s29(7)"

_ALWAYS = frozenset({Event.BREACH, Event.CRIME_REFERENCE, Event.COURT_APPEARANCE, Event.CORRECT, Event.EXCLUDED_DAY})
_OPEN = _ALWAYS | {Event.CHECK, Event.NOTIFICATION, Event.CLOSE}
_AFTER_THE_END = _ALWAYS | {Event.CHECK, Event.NOTIFICATION}  # what happened before the end, recorded late

ALLOWED: dict[State, frozenset[Event]] = {
    State.AWAITING_LISTING: _OPEN | {Event.BOOK_HEARING},
    State.LISTED: _OPEN,
    State.LISTED_LATE: _OPEN,
    State.OUTCOME_DUE: _OPEN | {Event.ADJOURN_HEARING, Event.DECIDE_HEARING},
    State.LAPSED: _AFTER_THE_END | {Event.LAPSE},
    State.IN_FORCE: _OPEN | {Event.BOOK_HEARING, Event.ADJOURN_HEARING, Event.DECIDE_HEARING, Event.VARY, Event.EXPIRE},
    State.ENDED: _AFTER_THE_END,
}

# What each state implies from now on, including the alarm for the moment time moves it on (a
# listed hearing's outcome falling due, a notice's deadline passing).
IMPLIES: dict[State, frozenset[Reminders]] = {
    State.AWAITING_LISTING: frozenset(
        {
            Reminders.NO_HEARING_BOOKED,
            Reminders.HEARING_COUNTDOWN,
            Reminders.LAPSE_ALERT,
            Reminders.CHECKS,
            Reminders.NOTIFICATION,
            Reminders.BREACH_COURT,
            Reminders.CRIME_REFERENCE,
        }
    ),
    State.LISTED: frozenset(
        {
            Reminders.HEARING_COUNTDOWN,
            Reminders.LAPSE_ALERT,
            Reminders.HEARING_SOON,
            Reminders.OUTCOME_MISSING,
            Reminders.CHECKS,
            Reminders.NOTIFICATION,
            Reminders.BREACH_COURT,
            Reminders.CRIME_REFERENCE,
        }
    ),
    State.LAPSED: frozenset({Reminders.LAPSE_ALERT}),
    State.IN_FORCE: frozenset(
        {
            Reminders.HEARING_SOON,
            Reminders.OUTCOME_MISSING,
            Reminders.EXPIRY,
            Reminders.CHECKS,
            Reminders.NOTIFICATION,
            Reminders.NOTIFICATION_CHANGE,
            Reminders.MONITORING,
            Reminders.BREACH_COURT,
            Reminders.CRIME_REFERENCE,
        }
    ),
    State.ENDED: frozenset(),
}
IMPLIES[State.LISTED_LATE] = IMPLIES[State.LISTED]
IMPLIES[State.OUTCOME_DUE] = IMPLIES[State.LISTED]

# Why an event is refused in a state, and what to do instead. A pair not named here and not
# allowed gets the general refusal (`refusal`).
_REFUSALS: dict[tuple[State, Event], Refusal] = {
    **{
        (state, event): Refusal(
            "its hearing has not taken place yet",
            "Record the adjournment or the outcome once the hearing has sat",
            _ADJOURNMENT,
        )
        for state in (State.LISTED, State.LISTED_LATE)
        for event in (Event.ADJOURN_HEARING, Event.DECIDE_HEARING)
    },
    **{
        (state, Event.BOOK_HEARING): Refusal(
            "it already has a hearing listed",
            "Record that hearing's outcome, or its adjournment to a new time, once it has sat",
        )
        for state in (State.LISTED, State.LISTED_LATE, State.OUTCOME_DUE)
    },
    **{
        (state, Event.VARY): Refusal(
            "only an order a court made can be varied, not a notice",
            "Record the hearing's outcome; the order it makes can be varied",
        )
        for state in (State.AWAITING_LISTING, State.LISTED, State.LISTED_LATE, State.OUTCOME_DUE)
    },
    (State.AWAITING_LISTING, Event.ADJOURN_HEARING): Refusal(
        "it has no hearing listed to adjourn", "Book the hearing first"
    ),
    (State.AWAITING_LISTING, Event.DECIDE_HEARING): Refusal(
        "it has no hearing listed", "Book the hearing first, then record its outcome"
    ),
    **{
        (State.LAPSED, event): Refusal(
            "the notice lapsed at its hearing deadline: no hearing was listed by then, and a later one "
            "cannot keep it alive",
            "Remove it from the PNC. If the deadline or the hearing time is wrong, correct the record",
            _NOTICE_LAPSE,
        )
        for event in (
            Event.BOOK_HEARING,
            Event.ADJOURN_HEARING,
            Event.DECIDE_HEARING,
            Event.CLOSE,
        )
    },
}

NOT_IN_FORCE = Refusal("it is no longer in force", "Only a record in force can change this way")


def refusal(state: State, event: Event) -> Refusal | None:
    """None when `event` may happen in `state`; otherwise why not and what to do instead."""
    if event in ALLOWED[state]:
        return None
    return _REFUSALS.get((state, event), NOT_IN_FORCE)


@dataclass(frozen=True)
class Situation:
    """The facts a record's state is read from."""

    is_notice: bool
    open: bool  # its status is active
    marked_lapsed: bool  # the rollover has marked it lapsed
    deadline: datetime | None  # a notice's hearing deadline
    listed_by_deadline: bool  # some hearing was listed at or before the deadline
    pending_hearing_at: datetime | None  # the earliest listed hearing with no outcome


def state_of(situation: Situation, now: datetime) -> State:
    s = situation
    if s.marked_lapsed:
        return State.LAPSED
    if not s.open:
        return State.ENDED
    if not s.is_notice:
        return State.IN_FORCE
    if s.deadline is not None and s.deadline <= now and not s.listed_by_deadline:
        return State.LAPSED
    if s.pending_hearing_at is None:
        return State.AWAITING_LISTING
    if s.pending_hearing_at <= now:
        return State.OUTCOME_DUE
    return State.LISTED if s.listed_by_deadline else State.LISTED_LATE


def entered_late_in_time(situation: Situation, scheduled_at: datetime) -> bool:
    """A hearing entered after the deadline passed but held by it: the notice never lapsed, so
    booking it is allowed while the rollover has not yet marked the notice lapsed."""
    return (
        situation.is_notice
        and situation.open
        and situation.deadline is not None
        and scheduled_at <= situation.deadline
        and not situation.listed_by_deadline
    )


def table(states: tuple[State, ...]) -> str:
    """The states × events table in markdown (ARCHITECTURE.md)."""
    events = [e for e in Event if e is not Event.RECORD]
    head = "| state | " + " | ".join(e.value for e in events) + " |"
    rule = "|---" * (len(events) + 1) + "|"
    rows = [
        f"| {state.value} | " + " | ".join("yes" if e in ALLOWED[state] else "—" for e in events) + " |"
        for state in states
    ]
    return "\n".join([head, rule, *rows])


NOTICE_STATES = (
    State.AWAITING_LISTING,
    State.LISTED,
    State.LISTED_LATE,
    State.OUTCOME_DUE,
    State.LAPSED,
    State.ENDED,
)
ORDER_STATES = (State.IN_FORCE, State.ENDED)
