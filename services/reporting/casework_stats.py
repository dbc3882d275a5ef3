"""The casework part of the stats command: incidents, MARAC, Operation Encompass, Clare's Law and
perpetrator management plans, for the same period and scope as the orders' figures. Counts only,
each by the database; never a person.

Definitions ("in the period": the named time falls inside it; scope: the record's own team_id).
- incidents by risk: incidents reported in the period, by their DASH level now (high, medium,
  standard), and those with no DASH yet.
- MARAC referrals within the setting: of the incidents reported in the period whose DASH made them
  high risk, those referred within DVPN_MARAC_REFERRAL_HOURS of that DASH (the referral clock,
  rules.incidents.MARAC_REFERRAL); escalation referrals (N incidents in 12 months) are not counted
  here, as their clock starts at the incident that escalated, not at a DASH.
- schools told before the school day: the children present at or linked to an incident reported
  in the period, and those whose school was told by the start of the next school day (told_at <=
  due_at, the Operation Encompass deadline stored with the child).
- Clare's Law: services.disclosures.figures, the figures the force reports (requests received by
  route, disclosures, completed within target, median days, open past target now).
- plans: management plans open now (adopted and not closed), those with an action or the review
  past due now, and the overdue actions themselves. A snapshot at the time asked, like the
  requests open past their target.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, func, select

from config import Settings
from domain.enums import RiskLevel
from models import Incident, IncidentChild, ManagementPlan, MaracReferral, PlanAction
from services.disclosures.figures import request_figures
from services.reporting.period import Period
from services.reporting.report_results import CaseworkFigures, ReportScope
from services.reporting.sql_time import hours_between


def _team(column: object, scope: ReportScope) -> ColumnElement[bool]:
    return sa.true() if scope.team_ids is None else col(column).in_(scope.team_ids)


def casework_figures(
    session: Session, scope: ReportScope, period: Period, settings: Settings, now: datetime
) -> CaseworkFigures:
    tz = settings.timezone
    start, end = period.start_at(tz), period.end_at(tz)
    reported = sa.and_(
        _team(Incident.team_id, scope), col(Incident.reported_at) >= start, col(Incident.reported_at) < end
    )
    by_risk = {
        level: int(n)
        for level, n in session.exec(
            select(Incident.risk_level, func.count()).where(reported).group_by(col(Incident.risk_level))
        ).all()
    }
    hours = settings.incidents.marac_referral_hours
    high = sa.and_(reported, col(Incident.risk_level) == RiskLevel.HIGH, col(Incident.dash_at).is_not(None))
    in_time = sa.and_(
        col(MaracReferral.id).is_not(None),
        hours_between(col(Incident.dash_at), col(MaracReferral.referred_at)) <= hours,
    )
    high_risk, referred_in_time = session.execute(
        sa.select(func.count(), func.count().filter(in_time))
        .select_from(Incident)
        .outerjoin(MaracReferral, col(MaracReferral.incident_id) == col(Incident.id))
        .where(high)
    ).one()
    told = sa.and_(col(IncidentChild.told_at).is_not(None), col(IncidentChild.told_at) <= col(IncidentChild.due_at))
    children, told_in_time = session.execute(
        sa.select(func.count(), func.count().filter(told))
        .select_from(IncidentChild)
        .join(Incident, col(Incident.id) == col(IncidentChild.incident_id))
        .where(reported)
    ).one()
    open_plans = sa.and_(
        _team(ManagementPlan.team_id, scope),
        col(ManagementPlan.adopted_at) <= now,
        col(ManagementPlan.closed_at).is_(None),
    )
    late_actions = sa.and_(col(PlanAction.done_at).is_(None), col(PlanAction.due_at) < now)
    overdue_actions: int = session.exec(
        select(func.count())
        .select_from(PlanAction)
        .join(ManagementPlan, col(ManagementPlan.id) == col(PlanAction.plan_id))
        .where(open_plans, late_actions)
    ).one()
    late_plan = sa.or_(
        sa.and_(col(ManagementPlan.review_at).is_not(None), col(ManagementPlan.review_at) < now),
        sa.exists().where(col(PlanAction.plan_id) == col(ManagementPlan.id), late_actions),
    )
    plans, plans_overdue = session.execute(
        sa.select(func.count(), func.count().filter(late_plan)).select_from(ManagementPlan).where(open_plans)
    ).one()
    return CaseworkFigures(
        incidents=sum(by_risk.values()),
        incidents_high=by_risk.get(RiskLevel.HIGH, 0),
        incidents_medium=by_risk.get(RiskLevel.MEDIUM, 0),
        incidents_standard=by_risk.get(RiskLevel.STANDARD, 0),
        incidents_unassessed=by_risk.get(None, 0),
        high_risk=int(high_risk),
        marac_referred_in_time=int(referred_in_time),
        marac_referral_hours=settings.incidents.marac_referral_hours,
        children=int(children),
        schools_told_in_time=int(told_in_time),
        disclosures=request_figures(session, scope.team_ids, period, now, tz, None),
        plans_open=int(plans),
        plans_overdue=int(plans_overdue),
        plan_actions_overdue=int(overdue_actions),
    )
