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

The figures by day (all but the plans and the requests open now) are summed from the kept daily
counts (services.reporting.casework_counts, migration 0029) when the period's days are kept days, as
the records' figures are (services.reporting.daily_counts); else counted from the rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, func, select

from config import Settings
from domain.enums import RiskLevel
from models import Incident, IncidentChild, ManagementPlan, MaracReferral, PlanAction
from services.disclosures.figures import request_figures
from services.reporting import casework_counts
from services.reporting.period import Period
from services.reporting.report_results import CaseworkFigures, ReportScope
from services.reporting.sql_time import hours_between


def _team(column: object, scope: ReportScope) -> ColumnElement[bool]:
    return sa.true() if scope.team_ids is None else col(column).in_(scope.team_ids)


def casework_figures(
    session: Session, scope: ReportScope, period: Period, settings: Settings, now: datetime, *, kept: bool
) -> CaseworkFigures:
    """The casework figures of `scope` over `period`: summed from the kept daily counts when `kept`
    (the period's whole days are kept days, services.reporting.casework_counts), else counted from
    the rows. Both say the same; the plans are a snapshot now, counted from their rows either way."""
    hours = settings.incidents.marac_referral_hours
    if kept:
        counts = _from_counts(session, scope, period, hours)
    else:
        counts = _from_rows(session, scope, period, settings.timezone, hours)
    plans, plans_overdue, overdue_actions = _plans(session, scope, now)
    return CaseworkFigures(
        incidents=counts.high + counts.medium + counts.standard + counts.unassessed,
        incidents_high=counts.high,
        incidents_medium=counts.medium,
        incidents_standard=counts.standard,
        incidents_unassessed=counts.unassessed,
        high_risk=counts.high_risk,
        marac_referred_in_time=counts.referred_in_time,
        marac_referral_hours=hours,
        children=counts.children,
        schools_told_in_time=counts.told_in_time,
        disclosures=request_figures(session, scope.team_ids, period, now, settings.timezone, None, kept=kept),
        plans_open=plans,
        plans_overdue=plans_overdue,
        plan_actions_overdue=overdue_actions,
    )


@dataclass(frozen=True)
class _Counts:
    high: int
    medium: int
    standard: int
    unassessed: int
    high_risk: int
    referred_in_time: int
    children: int
    told_in_time: int


def _from_counts(session: Session, scope: ReportScope, period: Period, hours: int) -> _Counts:
    total = casework_counts.totals(session, scope.team_ids, period.start, period.end)
    referral_hours = casework_counts.spread(
        session, casework_counts.MARAC_HOURS, scope.team_ids, period.start, period.end
    )
    return _Counts(
        high=total["incidents_high"],
        medium=total["incidents_medium"],
        standard=total["incidents_standard"],
        unassessed=total["incidents_unassessed"],
        high_risk=total["high_risk"],
        referred_in_time=casework_counts.at_most(referral_hours, hours),
        children=total["children"],
        told_in_time=total["schools_told_in_time"],
    )


def _from_rows(session: Session, scope: ReportScope, period: Period, tz: ZoneInfo, hours: int) -> _Counts:
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
    return _Counts(
        high=by_risk.get(RiskLevel.HIGH, 0),
        medium=by_risk.get(RiskLevel.MEDIUM, 0),
        standard=by_risk.get(RiskLevel.STANDARD, 0),
        unassessed=by_risk.get(None, 0),
        high_risk=int(high_risk),
        referred_in_time=int(referred_in_time),
        children=int(children),
        told_in_time=int(told_in_time),
    )


def _plans(session: Session, scope: ReportScope, now: datetime) -> tuple[int, int, int]:
    """Plans open now, those with an action or the review past due, and the overdue actions: one
    pass over the open plans joined to their overdue actions counted per plan (an EXISTS per plan
    and a second count took 180 ms at national scale, 18,764 plans; this 40 to 75 ms, load 7)."""
    open_plans = sa.and_(
        _team(ManagementPlan.team_id, scope),
        col(ManagementPlan.adopted_at) <= now,
        col(ManagementPlan.closed_at).is_(None),
    )
    late = (
        sa.select(col(PlanAction.plan_id).label("plan_id"), func.count().label("n"))
        .where(col(PlanAction.done_at).is_(None), col(PlanAction.due_at) < now)
        .group_by(col(PlanAction.plan_id))
        .subquery("late")
    )
    late_plan = sa.or_(
        sa.and_(col(ManagementPlan.review_at).is_not(None), col(ManagementPlan.review_at) < now),
        late.c.n.is_not(None),
    )
    plans, plans_overdue, overdue_actions = session.execute(
        sa.select(func.count(), func.count().filter(late_plan), func.coalesce(func.sum(late.c.n), 0))
        .select_from(ManagementPlan)
        .outerjoin(late, late.c.plan_id == col(ManagementPlan.id))
        .where(open_plans)
    ).one()
    return int(plans), int(plans_overdue), int(overdue_actions)
