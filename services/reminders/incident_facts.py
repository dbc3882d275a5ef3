"""What an incident's reminder is about, as facts (services/reminders/facts.py does the notices'
and orders'): the incident's reference and the suspect's initials, never a name or a school."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import datetime

from sqlmodel import Session, col, select

from config import Settings
from models import AppUser, Incident, IncidentChild, MaracAction, MaracReferral, Perpetrator, Reminder, ReminderState
from services.incidents.planning import CLOCK_NAMES, load_facts, open_clocks
from services.records.planning import follow_up_source
from services.reminders.batch import current
from services.reminders.chain import Escalation
from services.reminders.results import (
    INCIDENT_TYPE,
    FollowUp,
    IncidentClock,
    IncidentDue,
    Late,
    OtherKind,
    Person,
    ReminderFacts,
    Subject,
)
from services.reminders.rows import ReminderRow
from services.reminders.snoozing import snoozes_before
from services.views import initials

Lateness = Callable[[datetime, datetime, Settings], Late | None]
_KIND = re.compile(
    r"(?P<head>inc_due|inc_overdue|encompass_due|encompass_soon|encompass_untold|marac_action_due|marac_action_overdue)"
    r":(?P<arg>\w+)(?::(?P<user>\d+))?"
)


def incident_facts_for(
    session: Session,
    reminders: Sequence[ReminderRow],
    settings: Settings,
    now: datetime,
    lateness: Lateness,
    late: bool,
    escalation: Escalation,
) -> dict[int, ReminderFacts]:
    if not reminders:
        return {}
    ids = {r.incident_id for r in reminders if r.incident_id is not None}
    incidents = {i.id: i for i in session.exec(select(Incident).where(col(Incident.id).in_(sorted(ids)))).all()}
    suspects = {
        p.id: p
        for p in session.exec(
            select(Perpetrator).where(col(Perpetrator.id).in_(sorted({i.suspect_id for i in incidents.values()})))
        ).all()
    }
    sources = _sources(session, reminders)
    wanted = {r.recipient_id for r in [*reminders, *sources.values()] if r.recipient_id}
    wanted |= {i.officer_id for i in incidents.values()}
    users = {u.id: u for u in session.exec(select(AppUser).where(col(AppUser.id).in_(sorted(wanted)))).all()}
    found: dict[int, ReminderFacts] = {}
    for reminder in reminders:
        assert reminder.id is not None and reminder.incident_id is not None
        incident = incidents[reminder.incident_id]
        about = _about(session, settings, reminder, incident, users, sources)
        deadline = about.due_at if isinstance(about, IncidentDue) and not about.overdue else None
        recipient = users.get(reminder.recipient_id or 0)
        officer = users.get(incident.officer_id)
        found[reminder.id] = ReminderFacts(
            reminder_id=reminder.id,
            kind=reminder.kind,
            reference=incident.reference,
            order_type=INCIDENT_TYPE,
            initials=initials(suspects[incident.suspect_id].full_name),
            subject=about,
            critical=reminder.critical,
            due_at=reminder.due_at,
            officer_slack_id=officer.slack_user_id if officer else "",
            tz=settings.timezone,
            recipient_slack_id=recipient.slack_user_id if recipient else None,
            channel=reminder.recipient_channel,
            late=lateness(reminder.snoozed_until or reminder.due_at, now, settings) if late else None,
            deadline=deadline,
            snoozes=snoozes_before(deadline, now, settings.timezone),
            escalates_to=escalation.level(reminder, incident.team_id, recipient),
        )
    return found


def _sources(session: Session, reminders: Sequence[ReminderRow]) -> dict[int, Reminder]:
    """The reminders the follow-ups among `reminders` are about, by id."""
    ids = sorted({int(s) for r in reminders if (s := follow_up_source(r.kind))})
    if not ids:
        return {}
    return {r.id: r for r in session.exec(select(Reminder).where(col(Reminder.id).in_(ids))).all() if r.id}


def _about(
    session: Session,
    settings: Settings,
    reminder: ReminderRow,
    incident: Incident,
    users: dict[int | None, AppUser],
    sources: dict[int, Reminder],
) -> Subject:
    """What the reminder is about; a follow-up (sent again, or escalated) is about its source's clock."""
    source_id = follow_up_source(reminder.kind)
    if source_id is None:
        return _subject(session, settings, reminder, incident, users)
    renotify = reminder.kind.startswith("renotify")
    source = sources.get(int(source_id))
    if source is None:
        return FollowUp(renotify, None, False, Person(None))
    recipient = users.get(source.recipient_id)
    return FollowUp(
        renotify,
        _subject(session, settings, source, incident, users),
        source.state is ReminderState.FAILED,
        Person(recipient.slack_user_id if recipient else None),
    )


def names_a_clock(kind: str) -> bool:
    """Whether a reminder of this kind is about one of its incident's clocks (so asks for something
    while it has no update reason): any other kind is worded as a kind of its own."""
    return _clock_kind(kind) is not None


def _clock_kind(kind: str) -> re.Match[str] | None:
    match = _KIND.fullmatch(kind)
    if match is None or (match["head"].startswith("inc_") and match["arg"] not in CLOCK_NAMES):
        return None
    return match


def _subject(
    session: Session, settings: Settings, reminder: ReminderRow, incident: Incident, users: dict[int | None, AppUser]
) -> Subject:
    match = _clock_kind(reminder.kind)
    if match is None:
        return OtherKind(reminder.kind.split(":")[0])
    head, arg = match["head"], match["arg"]
    to_someone_else = match["user"] is not None and int(match["user"]) != incident.officer_id
    officer = users.get(incident.officer_id)
    person = Person(officer.slack_user_id if officer else None) if to_someone_else else None
    batch = current(session)
    if head.startswith("inc_"):
        facts = batch.incidents.get(incident.id or 0) if batch is not None else None
        clock = open_clocks(facts or load_facts(session, incident), settings.incidents).get(arg)
        due = reminder.due_at if head == "inc_overdue" else (clock.at if clock else None)
        return IncidentDue(CLOCK_NAMES[arg], due, head == "inc_overdue", None, person)
    if head.startswith("encompass_"):
        if batch is not None:
            child = batch.children.get((incident.id or 0, int(arg)))
        else:
            child = session.exec(
                select(IncidentChild).where(IncidentChild.incident_id == incident.id, IncidentChild.number == int(arg))
            ).first()
        due_at = child.due_at if child else None
        return IncidentDue(IncidentClock.SCHOOL, due_at, head == "encompass_untold", int(arg), person)
    if batch is not None:
        action = batch.marac_actions.get((incident.id or 0, int(arg)))
    else:
        action = session.exec(
            select(MaracAction)
            .join(MaracReferral, col(MaracReferral.id) == col(MaracAction.referral_id))
            .where(MaracReferral.incident_id == incident.id, MaracAction.number == int(arg))
        ).first()
    due_at = action.due_at if action else None
    return IncidentDue(IncidentClock.MARAC_ACTION, due_at, head == "marac_action_overdue", int(arg), person)
