"""Which incidents have a MARAC referral due and none recorded, found by the database in two
statements instead of one incident at a time: the list (`marac due`) and the supervisors' digest
section both ask here.

Candidates are the incidents with a live referral clock (a reminder not cancelled): the planner
keeps one for every incident whose referral is due and not recorded, an invariant checked after
every step of the stateful tests (tests/properties/invariants.py, incident_violations). So the
database reads the few reminded incidents, not every incident of the force, and each is ruled on
again from its facts as the planner rules (services.incidents.planning.marac_due): a referral
is due when the DASH level is high (14+ yes answers, or raised on professional judgement) once the
DASH is recorded, or when the victim's incidents in the 12 months up to and including this one reach
DVPN_MARAC_ESCALATION_INCIDENTS. "The victim's incidents" are found as planning.victim_incidents
finds them: incidents whose victim row has the same name key and a date of birth that does not
disagree. The database picks the candidates and counts; the rulings (rules.incidents) are made here
from what it returns, so the reasons and clocks are the same words and the same arithmetic.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, func, select

from config import IncidentPolicy
from domain.enums import ReminderState
from models import Incident, MaracReferral, ProtectedPerson, Reminder
from rules.incidents import (
    ESCALATION_WINDOW_DAYS,
    MARAC_REFERRAL,
    ClockDue,
    MaracTrigger,
    clock_due,
    dash_level,
    escalation_of_count,
    marac_trigger,
)
from services.reporting.sql_time import seconds_between

WINDOW_SECONDS = ESCALATION_WINDOW_DAYS * 86_400


@dataclass(frozen=True)
class ReferralDue:
    incident_id: int
    reference: str
    reported_at: datetime
    victim_id: int
    officer_id: int
    suspect_id: int
    trigger: MaracTrigger
    due: ClockDue


def unreferred() -> ColumnElement[bool]:
    return ~sa.exists().where(col(MaracReferral.incident_id) == col(Incident.id))


def clocked(dialect: str) -> sa.CTE:
    """The incidents with a live referral clock, each once. Its condition is the predicate of the
    partial index ix_reminder_marac_clock (migration 0026); on PostgreSQL the set is materialised,
    so the planner starts from these few rows rather than from every incident."""
    clock = sa.and_(
        col(Reminder.state) != ReminderState.CANCELLED,
        sa.or_(col(Reminder.kind) == "inc_due:marac", col(Reminder.kind).like("inc_overdue:marac:%")),
    )
    found = select(col(Reminder.incident_id).label("incident_id")).where(clock).distinct().cte("marac_clock")
    return found.prefix_with("MATERIALIZED") if dialect == "postgresql" else found


def referrals_due(session: Session, policy: IncidentPolicy, where: Sequence[ColumnElement[bool]]) -> list[ReferralDue]:
    """Every incident matching `where` (its scope: a team, the supervised teams) with no referral
    recorded and a referral due, in the order they were reported."""
    dialect = session.get_bind().dialect.name
    clock = clocked(dialect)
    rows = session.execute(
        sa.select(
            col(Incident.id),
            col(Incident.reference),
            col(Incident.reported_at),
            col(Incident.victim_id),
            col(Incident.officer_id),
            col(Incident.suspect_id),
            col(Incident.dash_yes),
            col(Incident.dash_judgement),
            col(Incident.dash_at),
        )
        .join(clock, clock.c.incident_id == col(Incident.id))
        .where(*where, unreferred())
        .order_by(col(Incident.reported_at), col(Incident.id))
    ).all()
    escalated = _escalated(session, policy.marac_escalation_incidents, where, clocked(dialect)) if rows else {}
    found = []
    hours = policy.hours()
    for id_, reference, reported_at, victim_id, officer_id, suspect_id, dash_yes, judgement, dash_at in rows:
        ruling = dash_level(dash_yes, judgement) if dash_yes is not None else None
        count = escalated.get(id_)
        escalation = (
            escalation_of_count(count, reported_at, policy.marac_escalation_incidents) if count is not None else None
        )
        trigger = marac_trigger(ruling, dash_at, escalation)
        if trigger is None:
            continue
        due = clock_due(MARAC_REFERRAL, trigger.since, hours)
        found.append(ReferralDue(id_, reference, reported_at, victim_id, officer_id, suspect_id, trigger, due))
    return found


def _escalated(session: Session, threshold: int, where: Sequence[ColumnElement[bool]], clock: sa.CTE) -> dict[int, int]:
    """Of the clocked, unreferred incidents in scope, those whose victim has `threshold` or more
    incidents in the window ending at the incident's report (the incident itself counted):
    {incident id: that count}."""
    candidate = (
        select(
            col(Incident.id).label("id"),
            col(Incident.victim_id).label("victim_id"),
            col(Incident.reported_at).label("at"),
        )
        .join(clock, clock.c.incident_id == col(Incident.id))
        .where(*where, unreferred())
        .cte("candidate")
    )
    if session.get_bind().dialect.name == "postgresql":
        candidate = candidate.prefix_with("MATERIALIZED")
    victim, other_victim = aliased(ProtectedPerson), aliased(ProtectedPerson)
    other = aliased(Incident)
    same_person = sa.and_(
        col(other_victim.name_key) == col(victim.name_key),
        sa.or_(
            col(victim.date_of_birth).is_(None),
            col(other_victim.date_of_birth).is_(None),
            col(other_victim.date_of_birth) == col(victim.date_of_birth),
        ),
    )
    inside = sa.and_(
        col(other.reported_at) <= candidate.c.at,
        seconds_between(col(other.reported_at), candidate.c.at) < WINDOW_SECONDS,
    )
    counted = (
        select(candidate.c.id, func.count())
        .join(victim, col(victim.id) == candidate.c.victim_id)
        .join(other_victim, same_person)
        .join(other, sa.and_(col(other.victim_id) == col(other_victim.id), inside))
        .group_by(candidate.c.id)
        .having(func.count() >= threshold)
    )
    return {int(id_): int(n) for id_, n in session.execute(counted).all()}
