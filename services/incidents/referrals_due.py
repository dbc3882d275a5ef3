"""Which incidents have a MARAC referral due and none recorded, found by the database in one
statement instead of one incident at a time: the list (`marac due`) and the supervisors' digest
section both ask here.

Candidates are the incidents marked `marac_open`: the planner keeps the mark with the referral
clock (services.incidents.planning.replan_incident), set exactly when a referral is due and none
is recorded, an invariant checked after every step of the stateful tests
(tests/properties/invariants.py, incident_violations). So the database reads the few open ones from
one partial index that holds what the ruling needs (ix_incident_marac_open), not every incident of
the force, and each is ruled on again from its facts as the planner rules
(services.incidents.planning.marac_due): a referral is due when the DASH level is high (14+ yes
answers, or raised on professional judgement) once the DASH is recorded, or when the victim's
incidents in the 12 months up to and including this one reach DVPN_MARAC_ESCALATION_INCIDENTS. That
count is kept on the incident (incident.escalation_count, services.incidents.escalation_counts:
recounted on every write that can change it and checked against the facts after every step of the
stateful tests), so no candidate's victim is matched by name across the force's incidents here. The
rulings (rules.incidents) are made here from what the database returns, so the reasons and clocks
are the same words and the same arithmetic.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col

from config import IncidentPolicy
from domain.enums import RiskLevel
from models import Incident
from rules.incidents import (
    DASH_HIGH_FROM,
    MARAC_REFERRAL,
    ClockDue,
    MaracTrigger,
    clock_due,
    dash_level,
    escalation_of_count,
    marac_trigger,
)


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


@dataclass(frozen=True)
class ReferralClock:
    """A referral due, as the digest orders and counts it: what the index holds, no more."""

    incident_id: int
    reported_at: datetime
    due: ClockDue


def referral_clocks(
    session: Session, policy: IncidentPolicy, where: Sequence[ColumnElement[bool]]
) -> list[ReferralClock]:
    """The incidents with no referral recorded and one due, in `where`'s scope (a team, the
    supervised teams), each with only its id, report time and clock, due first
    (then as reported): ruled on by the database as first_due rules, from ix_incident_marac_open
    alone (it holds every column asked here), so the digest can count them all and read whole only
    the few it lists."""
    since = referral_since(policy)
    query = (
        sa.select(col(Incident.id), col(Incident.reported_at), since)
        .where(col(Incident.marac_open), *where, since.is_not(None))
        .order_by(since, col(Incident.reported_at), col(Incident.id))
    )
    hours = policy.hours()
    return [
        ReferralClock(id_, reported_at, clock_due(MARAC_REFERRAL, started, hours))
        for id_, reported_at, started in session.execute(query)
    ]


def referral_ids(session: Session, policy: IncidentPolicy, where: Sequence[ColumnElement[bool]]) -> list[int]:
    """referral_clocks' incidents, their ids only, in its order: the digest counts them all and
    reads the clocks of the few it lists."""
    since = referral_since(policy)
    query = (
        sa.select(col(Incident.id))
        .where(col(Incident.marac_open), *where, since.is_not(None))
        .order_by(since, col(Incident.reported_at), col(Incident.id))
    )
    return list(session.execute(query).scalars())


def referral_since(policy: IncidentPolicy) -> sa.Case[Any]:
    """When an incident's referral clock starts, as rules.incidents.marac_trigger rules on the
    facts: the DASH's time when it is high (14+ yes answers, or raised on judgement), the report's
    when the victim's incidents reach the escalation count, the earlier of the two (the DASH's when
    both start at once); NULL when no referral is due."""
    high = sa.and_(
        col(Incident.dash_at).is_not(None),
        sa.or_(col(Incident.dash_yes) >= DASH_HIGH_FROM, col(Incident.dash_judgement) == RiskLevel.HIGH),
    )
    escalated = col(Incident.escalation_count) >= policy.marac_escalation_incidents
    return sa.case(
        (sa.and_(high, sa.or_(~escalated, col(Incident.dash_at) <= col(Incident.reported_at))), col(Incident.dash_at)),
        (escalated, col(Incident.reported_at)),
    )


def first_due(
    session: Session, policy: IncidentPolicy, where: Sequence[ColumnElement[bool]], limit: int
) -> tuple[int, list[ReferralDue]]:
    """How many referrals_due finds, and the first `limit` of them by when the referral is due (then
    as reported): the database rules on each candidate as rules.incidents.marac_trigger does, orders
    by when the clock starts (a referral is due a fixed number of hours after) and counts, so only
    the page's rows come back, each ruled on again here."""
    since = referral_since(policy)
    # The count and the page's order from the index alone; only the page's rows are read whole.
    ordered = (
        sa.select(
            col(Incident.id).label("id"),
            since.label("since"),
            col(Incident.reported_at).label("reported_at"),
            sa.func.count().over().label("total"),  # after the WHERE, before the LIMIT
        )
        .where(col(Incident.marac_open), *where, since.is_not(None))
        .order_by(since, col(Incident.reported_at), col(Incident.id))
        .limit(limit)
        .subquery("first_due")
    )
    page = (
        _candidates()
        .add_columns(ordered.c.total)
        .join(ordered, ordered.c.id == col(Incident.id))
        .order_by(ordered.c.since, ordered.c.reported_at, ordered.c.id)
    )
    rows = session.execute(page).all()
    return (int(rows[0].total) if rows else 0), _ruled([row[:10] for row in rows], policy)


def _candidates() -> sa.Select[*tuple[Any, ...]]:
    return sa.select(
        col(Incident.id),
        col(Incident.reference),
        col(Incident.reported_at),
        col(Incident.victim_id),
        col(Incident.officer_id),
        col(Incident.suspect_id),
        col(Incident.dash_yes),
        col(Incident.dash_judgement),
        col(Incident.dash_at),
        col(Incident.escalation_count),
    )


def _ruled(rows: Iterable[Sequence[Any]], policy: IncidentPolicy) -> list[ReferralDue]:
    found = []
    hours, threshold = policy.hours(), policy.marac_escalation_incidents
    for id_, reference, reported_at, victim_id, officer_id, suspect_id, dash_yes, judgement, dash_at, count in rows:
        ruling = dash_level(dash_yes, judgement) if dash_yes is not None else None
        escalation = escalation_of_count(count, reported_at, threshold)
        trigger = marac_trigger(ruling, dash_at, escalation)
        if trigger is None:
            continue
        due = clock_due(MARAC_REFERRAL, trigger.since, hours)
        found.append(ReferralDue(id_, reference, reported_at, victim_id, officer_id, suspect_id, trigger, due))
    return found
