"""An incident's reminders: each clock the incident's state implies (rules/incident_lifecycle.py),
planned from its facts while the clock is unmet, then reconciled with the stored rows as a
record's are (services.records.planning.reconcile), so a clock met withdraws its reminders.

Each clock reminds the officer in charge before it falls due (critical: unacknowledged, it goes up
the chain) and, when it falls due unmet, alerts the officer and the team's supervisors. A school not
told is reminded on recording and an hour before the school day starts; a MARAC action reminds its
owner the day before and alerts the supervisors when it falls due.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session, col, select

from config import IncidentPolicy, ReminderPolicy
from models import Incident, IncidentChild, MaracAction, MaracReferral, ProtectedPerson, TeamSupervisor
from models.types import pk
from rules.incident_lifecycle import IMPLIES, IncidentReminders, incident_state
from rules.incidents import (
    CONSIDERED,
    CRIME_RECORDED,
    DASH_COMPLETED,
    MARAC_REFERRAL,
    ClockDue,
    MaracTrigger,
    attendance_due,
    clock_due,
    dash_level,
    escalation_of_count,
    incidents_in_window,
    marac_trigger,
)
from rules.names import births_agree
from services.records.planning import PlannedReminder, after_quiet_hours, is_statutory, reconcile
from services.reminders.results import IncidentClock
from services.reporting.list_results import NextDeadline

# Kinds: what the reminder is about, then who, where several people get one.
DUE = "inc_due:{clock}"  # the officer, before the clock falls due
OVERDUE = "inc_overdue:{clock}:{user}"  # officer and supervisors, when it falls due unmet
ENCOMPASS_DUE = "encompass_due:{child}"
ENCOMPASS_SOON = "encompass_soon:{child}"
ENCOMPASS_UNTOLD = "encompass_untold:{child}:{user}"
ACTION_DUE = "marac_action_due:{action}"
ACTION_OVERDUE = "marac_action_overdue:{action}:{user}"
MOOT_DONE = "moot_done"  # a posted reminder whose clock was met: "Recorded by @jo at ..."
# A posted reminder whose deadline an admin's school-holiday change moved: the casework was not done,
# so the message says the school days changed (and who changed them), never "Recorded by" the admin.
MOOT_SCHOOL_DAYS = "moot_school_days"
# A posted referral reminder no longer due because another write (an incident erased, a victim
# corrected) took the victim's incidents below the escalation threshold: not "Recorded by" whoever
# made that write.
MOOT_ESCALATION = "moot_escalation"
# The clock each short name in a kind stands for.
CLOCK_NAMES = {
    "attend": IncidentClock.ATTENDANCE,
    "dash": IncidentClock.DASH,
    "crime": IncidentClock.CRIME,
    "considered": IncidentClock.CONSIDERED,
    "marac": IncidentClock.MARAC_REFERRAL,
}


@dataclass(frozen=True)
class IncidentFacts:
    incident: Incident
    children: Sequence[IncidentChild]
    referral: MaracReferral | None
    actions: Sequence[MaracAction]
    # The incidents against the same victim reported in the 12 months up to and including this one,
    # itself counted: what the escalation to a MARAC turns on (rules.incidents.escalation_of_count).
    victim_incidents_in_window: int
    supervisor_ids: Sequence[int]


def load_facts(session: Session, incident: Incident) -> IncidentFacts:
    referral = session.exec(select(MaracReferral).where(MaracReferral.incident_id == incident.id)).first()
    actions = session.exec(select(MaracAction).where(MaracAction.referral_id == referral.id)).all() if referral else []
    return IncidentFacts(
        incident=incident,
        children=session.exec(
            select(IncidentChild).where(IncidentChild.incident_id == incident.id).order_by(col(IncidentChild.number))
        ).all(),
        referral=referral,
        actions=actions,
        # Counted, not read from incident.escalation_count: the planner runs inside the writes that
        # change what the kept count counts, and may run before it is counted again there.
        victim_incidents_in_window=incidents_in_window(victim_incidents(session, incident), incident.reported_at),
        supervisor_ids=sorted(
            session.exec(select(TeamSupervisor.user_id).where(TeamSupervisor.team_id == incident.team_id)).all()
        ),
    )


def victim_incidents(session: Session, incident: Incident) -> list[datetime]:
    """When each incident against the same victim was reported. Each record holds its own person
    row, as orders do; they are the same victim when the names match as a lookup by name matches
    them and the dates of birth do not disagree (services.records.order_writer.same_identity's test)."""
    victim = session.get(ProtectedPerson, incident.victim_id)
    assert victim is not None
    found = session.execute(
        sa.select(col(Incident.reported_at), col(ProtectedPerson.date_of_birth))
        .join(ProtectedPerson, col(ProtectedPerson.id) == col(Incident.victim_id))
        .where(col(ProtectedPerson.name_key) == victim.name_key)
    ).all()
    return reports_of(victim, [(at, born) for at, born in found])


def reports_of(victim: ProtectedPerson, reports: Iterable[tuple[datetime, date | None]]) -> list[datetime]:
    """Of (reported at, victim's date of birth) for incidents whose victim has `victim`'s name key,
    the report times of those that may be the same victim."""
    return [at for at, born in reports if births_agree(victim.date_of_birth, born)]


def marac_due(facts: IncidentFacts, policy: IncidentPolicy) -> tuple[MaracTrigger, ClockDue] | None:
    """Why a referral is due and by when; None when it is not (or not yet) due."""
    i = facts.incident
    ruling = dash_level(i.dash_yes, i.dash_judgement) if i.dash_yes is not None else None
    escalated = escalation_of_count(facts.victim_incidents_in_window, i.reported_at, policy.marac_escalation_incidents)
    trigger = marac_trigger(ruling, i.dash_at, escalated)
    if trigger is None:
        return None
    return trigger, clock_due(MARAC_REFERRAL, trigger.since, policy.hours())


def open_clocks(facts: IncidentFacts, policy: IncidentPolicy) -> dict[str, ClockDue]:
    """The incident's own clocks still unmet, by short name."""
    i, hours = facts.incident, policy.hours()
    found: dict[str, ClockDue] = {}
    if i.attended_at is None:
        found["attend"] = attendance_due(i.reported_at, i.risk_level, hours)
    if i.dash_at is None:
        found["dash"] = clock_due(DASH_COMPLETED, i.reported_at, hours)
    if i.crime_disclosed and i.crime_reference is None:
        found["crime"] = clock_due(CRIME_RECORDED, i.reported_at, hours)
    if i.notice_considered is None:
        found["considered"] = clock_due(CONSIDERED, i.reported_at, hours)
    due = marac_due(facts, policy)
    if due is not None and facts.referral is None:
        found["marac"] = due[1]
    return found


def _clock_reminders(facts: IncidentFacts, name: str, due: ClockDue) -> list[PlannedReminder]:
    officer = facts.incident.officer_id
    lead = timedelta(hours=due.hours) / 4  # a quarter of the clock ahead: 12 h of 48, 15 minutes of 1
    planned = [PlannedReminder(DUE.format(clock=name), due.at - lead, officer, critical=True)]
    planned += [
        PlannedReminder(OVERDUE.format(clock=name, user=u), due.at, u, fire_if_late=True)
        for u in (officer, *facts.supervisor_ids)
    ]
    return planned


def _encompass(facts: IncidentFacts) -> list[PlannedReminder]:
    officer, planned = facts.incident.officer_id, []
    for child in facts.children:
        if child.told_at is not None:
            continue
        planned.append(PlannedReminder(ENCOMPASS_DUE.format(child=child.number), child.created_at, officer))
        planned.append(
            PlannedReminder(
                ENCOMPASS_SOON.format(child=child.number), child.due_at - timedelta(hours=1), officer, critical=True
            )
        )
        planned += [
            PlannedReminder(ENCOMPASS_UNTOLD.format(child=child.number, user=u), child.due_at, u, fire_if_late=True)
            for u in (officer, *facts.supervisor_ids)
        ]
    return planned


def _actions(facts: IncidentFacts) -> list[PlannedReminder]:
    planned = []
    for action in facts.actions:
        if action.done_at is not None:
            continue
        planned.append(
            PlannedReminder(ACTION_DUE.format(action=action.number), action.due_at - timedelta(days=1), action.owner_id)
        )
        planned += [
            PlannedReminder(ACTION_OVERDUE.format(action=action.number, user=u), action.due_at, u, fire_if_late=True)
            for u in dict.fromkeys((action.owner_id, *facts.supervisor_ids))
        ]
    return planned


def everything(facts: IncidentFacts, policy: IncidentPolicy) -> list[PlannedReminder]:
    implied = IMPLIES[incident_state(facts.referral is not None)]
    clocks = open_clocks(facts, policy)
    by_family = {
        IncidentReminders.ATTENDANCE: "attend",
        IncidentReminders.DASH: "dash",
        IncidentReminders.CRIME_RECORDED: "crime",
        IncidentReminders.CONSIDERED: "considered",
        IncidentReminders.MARAC_REFERRAL: "marac",
    }
    planned: list[PlannedReminder] = []
    for family in IncidentReminders:
        if family not in implied:
            continue
        if family is IncidentReminders.ENCOMPASS:
            planned += _encompass(facts)
        elif family is IncidentReminders.MARAC_ACTIONS:
            planned += _actions(facts)
        elif (name := by_family[family]) in clocks:
            planned += _clock_reminders(facts, name, clocks[name])
    return planned


def _quiet(p: PlannedReminder, policy: ReminderPolicy, tz: ZoneInfo) -> PlannedReminder:
    if is_statutory(p.kind):
        return p
    moved = after_quiet_hours(p.due_at, policy, tz)
    return p if moved == p.due_at else PlannedReminder(p.kind, moved, p.recipient_id, p.critical, p.fire_if_late)


def deadlines_ahead(facts: IncidentFacts, policy: IncidentPolicy) -> list[NextDeadline]:
    found = [NextDeadline(due.clock.label.capitalize(), due.at) for due in open_clocks(facts, policy).values()]
    found += [NextDeadline("School told", c.due_at) for c in facts.children if c.told_at is None]
    found += [NextDeadline("MARAC action", a.due_at) for a in facts.actions if a.done_at is None]
    return found


def replan_incident(
    session: Session,
    incident: Incident,
    incidents: IncidentPolicy,
    policy: ReminderPolicy,
    tz: ZoneInfo,
    now: datetime,
    *,
    by: int | None = None,
    why: str = MOOT_DONE,
) -> tuple[int, int]:
    """Store the next deadline, plan and reconcile: every incident use case calls this. `by`: who
    acted (their name and the time go on the messages of the reminders it settles), None for the
    system; `why`: what the settled messages say happened."""
    facts = load_facts(session, incident)
    incident.next_deadline_at = min((d.at for d in deadlines_ahead(facts, incidents)), default=None)
    incident.marac_open = "marac" in open_clocks(facts, incidents)  # with the referral clock, for `marac due`
    planned = [_quiet(p, policy, tz) for p in everything(facts, incidents)]
    relevant = {(p.kind, p.due_at) for p in planned}
    wanted = [p for p in planned if p.fire_if_late or p.due_at >= now]
    return reconcile(session, None, wanted, now, relevant, why=lambda kind: why, incident_id=pk(incident), by=by)
