"""The App Home's "Waiting for me": the reminders sent to the user and not yet acted on, on records
still open, that still ask for something. The newest WAITING_LOOKED_AT sent are looked through.
Which of them are live is told from what they are about alone (the record's rows for a notice's or
an order's, the kind and a follow-up's source for an incident's, whether its subject is on record
for a request's or a plan's), and only the first HOME_LISTED live ones are read whole, with their
people, initials and escalation (services.reminders.facts); the rest are counted. Reading every
one's facts to keep a tenth of them was most of an officer's Home."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col

from config import Settings
from models import OrderStatus, ProtectionOrder, Reminder, ReminderState
from models.db import serial_custom_plans
from services.records.planning import follow_up_source
from services.reminders.batch import loaded
from services.reminders.casework_facts import still_due
from services.reminders.facts import asked_of, facts_for
from services.reminders.incident_facts import names_a_clock
from services.reminders.results import (
    HOME_LISTED,
    BreachCheckDue,
    BreachCourtDeadline,
    CaseworkDue,
    CrimeReferenceMissing,
    Expiring,
    FollowUp,
    HearingCountdown,
    HearingSoon,
    IncidentDue,
    MonitoringEnding,
    NoHearingBooked,
    NoticeLapsed,
    NotificationChangeDue,
    NotificationMissing,
    Offer,
    OutcomeMissing,
    ReminderFacts,
    Subject,
    UnbookedToSupervisor,
)
from services.reminders.rows import COLUMNS, Claimed

WAITING_LOOKED_AT = 200  # the newest sent reminders a Home looks through for live ones


def waiting_for(
    session: Session, settings: Settings, user_id: int, now: datetime
) -> tuple[tuple[ReminderFacts, ...], int]:
    """The first HOME_LISTED live reminders sent to the user, with their facts, and how many more
    are live. Listed as the Home always has: an incident's first, then a request's or a plan's,
    then a record's, each oldest first (by id, of those sent for the same time)."""
    serial_custom_plans(session)  # one user has 11,000 sent reminders, the next a handful
    live = _live(session, _sent(session, user_id), now)
    listed = live[:HOME_LISTED]
    # What they are about is read set by set, as the sweep reads a claimed batch's (one statement a
    # kind of row, not several a reminder: an incident's facts alone were six).
    with loaded(session, listed):
        said = facts_for(session, listed, settings, now, late=False)
    return tuple(said[r.id] for r in listed), len(live) - len(listed)


def _sent(session: Session, user_id: int) -> list[Claimed]:
    """The newest WAITING_LOOKED_AT reminders sent to the user and not acted on: a record's, while
    the record is open; an incident's, a request's or a plan's, while it has no update reason (one
    whose clock was met, or whose subject was completed, done or closed, has one: its message
    rewritten; services/incidents/planning.py, services/disclosures/planning.py,
    services/people/plan_reminders.py)."""
    found = [Claimed(*row) for query in sent_queries(user_id) for row in session.execute(query).all()]
    return sorted(found, key=lambda r: (r.due_at, r.id), reverse=True)[:WAITING_LOOKED_AT]


def sent_queries(user_id: int) -> tuple[Any, ...]:
    """The newest WAITING_LOOKED_AT sent to the user of each subject: a record's, an incident's
    (ix_reminder_recipient_incident_sent holds just those), a request's or a plan's."""
    sent = (col(Reminder.recipient_id) == user_id, col(Reminder.state) == ReminderState.SENT)
    no_reason = col(Reminder.update_reason).is_(None)
    newest = (col(Reminder.due_at).desc(), col(Reminder.id).desc())
    queries = (
        sa.select(*COLUMNS)
        .join(ProtectionOrder, col(ProtectionOrder.id) == col(Reminder.order_id))
        .where(*sent, col(ProtectionOrder.status) == OrderStatus.ACTIVE),
        sa.select(*COLUMNS).where(*sent, col(Reminder.incident_id).is_not(None), no_reason),
        sa.select(*COLUMNS).where(
            *sent, sa.or_(col(Reminder.disclosure_id).is_not(None), col(Reminder.plan_id).is_not(None)), no_reason
        ),
    )
    return tuple(query.order_by(*newest).limit(WAITING_LOOKED_AT) for query in queries)


def _live(session: Session, sent: Sequence[Claimed], now: datetime) -> list[Claimed]:
    """Those of `sent` still live, in the Home's order."""
    oldest_first = list(reversed(sent))
    incidents = [r for r in oldest_first if r.incident_id is not None]
    casework = [r for r in oldest_first if r.disclosure_id is not None or r.plan_id is not None]
    records = [r for r in oldest_first if r.order_id is not None]
    sources = _sources(session, [*incidents, *casework])
    asked = asked_of(session, records, now)
    return [
        *(r for r in incidents if _clock_named(r, sources)),
        *still_due(session, casework, sources),
        *(r for r in records if is_live(*asked[r.id], now)),
    ]


def _sources(session: Session, reminders: Sequence[Claimed]) -> dict[int, Claimed]:
    """The reminders the follow-ups among `reminders` are about, by id."""
    ids = sorted({int(s) for r in reminders if (s := follow_up_source(r.kind))})
    if not ids:
        return {}
    found = session.execute(sa.select(*COLUMNS).where(col(Reminder.id).in_(ids))).all()
    return {row.id: Claimed(*row) for row in found}


def _clock_named(reminder: Claimed, sources: dict[int, Claimed]) -> bool:
    """An incident's reminder is live while it names one of the incident's clocks (its facts'
    IncidentDue): a follow-up while its source does."""
    source_id = follow_up_source(reminder.kind)
    if source_id is None:
        return names_a_clock(reminder.kind)
    source = sources.get(int(source_id))
    return source is not None and names_a_clock(source.kind)


def is_live(about: Subject | None, offer: Offer | None, now: datetime) -> bool:
    """Whether a sent reminder still asks for something: its work is not yet done, or the moment it
    warns of is still ahead. A follow-up is live while what it follows up is."""
    match about:
        case FollowUp():
            return is_live(about.about, offer, now)
        case NoHearingBooked() | UnbookedToSupervisor() | HearingCountdown():
            return offer is Offer.HEARING
        case OutcomeMissing() | NoticeLapsed():
            return offer is Offer.OUTCOME
        case BreachCheckDue():
            return offer is Offer.CHECK
        case CrimeReferenceMissing():
            return offer is Offer.CRIME_REFERENCE
        case HearingSoon():
            return _ahead(about.booked_for, now)
        case Expiring():
            return _ahead(about.expires_at, now)
        case MonitoringEnding():
            return _ahead(about.ends_at, now)
        case BreachCourtDeadline():
            return _ahead(about.court_by, now)
        case NotificationMissing() | NotificationChangeDue():
            return True  # the record is open: the notification is still to be recorded or acted on
        case IncidentDue() | CaseworkDue():
            return True  # _sent left out those whose clock was met
    return False


def _ahead(moment: datetime | None, now: datetime) -> bool:
    return moment is not None and moment > now
