"""The export's files for the casework beside the orders: incidents (with their Operation Encompass
notifications and MARAC referral and actions), Clare's Law requests, and perpetrator management
plans. Each kind is one CSV with the same rules as the orders' (services.reporting.export).

Which rows, for a period and the teams in scope (each record's own team):
- incidents reported in the period (an incident has no end; its report is the event the period holds);
- Clare's Law requests open at any time in it: received before the period ends, and not completed
  (disclosed, or closed) before it starts, as an order is in force;
- plans open at any time in it: adopted before it ends and not closed before it starts.

What each holds: references, dates, coded values and counts, the officer's Slack id and initials.
Children are counted, never named; schools, the MARAC's and plans' action text, the reason a notice
was not considered, a decision's reason, whom a disclosure was made to and a close reason are free
text or name people, and stay in the tracker (DPA 2018 s37: adequate, relevant and not excessive).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, func, select

from config import Settings
from models import (
    AppUser,
    DisclosureRequest,
    Incident,
    IncidentChild,
    ManagementPlan,
    MaracAction,
    MaracReferral,
    Perpetrator,
    PlanAction,
    ProtectionOrder,
    Team,
)
from rules.disclosure import days_taken
from rules.plans import ActionKind
from services.records.crime_references import shareable_crime_reference
from services.reporting.report_results import ExportKind, ReportScope
from services.views import initials

Row = dict[str, str]

INCIDENT_COLUMNS = (
    "reference",
    "team",
    "officer_slack_id",
    "reported",
    "risk_level",
    "dash_yes_answers",
    "dash_completed",
    "attended",
    "crime_disclosed",
    "crime_reference",
    "crime_recorded",
    "notice_considered",
    "records_from_incident",
    "children",
    "children_present",
    "schools_told",
    "schools_told_in_time",
    "schools_untold",
    "marac_referred",
    "marac_meeting",
    "marac_actions",
    "marac_actions_done",
    "marac_actions_overdue",
    "suspect_initials",
)
DISCLOSURE_COLUMNS = (
    "reference",
    "route",
    "team",
    "officer_slack_id",
    "received",
    "target",
    "checks_done",
    "forum",
    "decided",
    "decision",
    "disclosed",
    "closed",
    "completed_within_target",
    "days_taken",
    "third_party_applicant",
    "subject_initials",
)
PLAN_COLUMNS = (
    "plan_id",
    "team",
    "perpetrator_initials",
    "adopted",
    "review",
    "closed",
    "actions",
    "actions_done",
    "actions_overdue",
    *(f"{kind.value}_actions" for kind in ActionKind),
)


@dataclass(frozen=True)
class Exported:
    """One kind's rows, and what each row's audit entry points at."""

    rows: list[Row]
    entity_type: str
    entity_ids: list[int]


def columns_of(kind: ExportKind) -> tuple[str, ...]:
    return {
        ExportKind.INCIDENTS: INCIDENT_COLUMNS,
        ExportKind.CLARE: DISCLOSURE_COLUMNS,
        ExportKind.PLANS: PLAN_COLUMNS,
    }[kind]


def casework_rows(
    session: Session,
    kind: ExportKind,
    scope: ReportScope,
    period: tuple[datetime, datetime],
    settings: Settings,
    now: datetime,
) -> Exported:
    build: Callable[[Session, ReportScope, datetime, datetime, Settings, datetime], Exported] = {
        ExportKind.INCIDENTS: _incidents,
        ExportKind.CLARE: _disclosures,
        ExportKind.PLANS: _plans,
    }[kind]
    return build(session, scope, *period, settings, now)


def local(instant: datetime | None, tz: ZoneInfo) -> str:
    return instant.astimezone(tz).strftime("%Y-%m-%d %H:%M") if instant else ""


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


def _in_scope(team_column: Any, scope: ReportScope) -> ColumnElement[bool]:
    return sa.true() if scope.team_ids is None else col(team_column).in_(scope.team_ids)


def _lookup(session: Session, key: Any, value: Any, ids: set[int]) -> dict[int, str]:
    return {int(k): str(v) for k, v in session.exec(select(key, value).where(key.in_(sorted(ids)))).all()}


def _names(session: Session, teams: set[int], officers: set[int]) -> tuple[dict[int, str], dict[int, str]]:
    return (
        _lookup(session, col(Team.id), col(Team.name), teams),
        _lookup(session, col(AppUser.id), col(AppUser.slack_user_id), officers),
    )


def _incidents(
    session: Session, scope: ReportScope, start: datetime, end: datetime, settings: Settings, now: datetime
) -> Exported:
    """One statement for the incidents with what each has one of (team, officer, suspect, referral),
    then one per kind of thing counted (children, MARAC actions, records), each looking up the
    period's incidents by their ids written into the statement (see _among). Plain rows, not ORM
    objects: the export reads a dozen columns of each, and never the free text."""
    tz = settings.timezone
    chosen = (
        _in_scope(Incident.team_id, scope),
        col(Incident.reported_at) >= start,
        col(Incident.reported_at) < end,
    )
    incidents = session.execute(
        sa.select(
            col(Incident.id),
            col(Incident.reference),
            col(Team.name),
            col(AppUser.slack_user_id),
            col(Incident.reported_at),
            col(Incident.risk_level),
            col(Incident.dash_yes),
            col(Incident.dash_at),
            col(Incident.attended_at),
            col(Incident.crime_disclosed),
            col(Incident.crime_reference),
            col(Incident.crime_recorded_at),
            col(Incident.notice_considered),
            col(Perpetrator.full_name),
            col(MaracReferral.referred_at),
            col(MaracReferral.meeting_at),
        )
        .outerjoin(Team, col(Team.id) == col(Incident.team_id))
        .outerjoin(AppUser, col(AppUser.id) == col(Incident.officer_id))
        .outerjoin(Perpetrator, col(Perpetrator.id) == col(Incident.suspect_id))
        .outerjoin(MaracReferral, col(MaracReferral.incident_id) == col(Incident.id))
        .where(*chosen)
        .order_by(col(Incident.reported_at), col(Incident.reference))
    ).all()
    ids = sorted(row[0] for row in incidents)
    referred = sorted(row[0] for row in incidents if row[-2] is not None)
    told = col(IncidentChild.told_at).is_not(None)
    children = {
        incident_id: (int(total), int(present), int(done), int(in_time))
        for incident_id, total, present, done, in_time in session.execute(
            sa.select(
                col(IncidentChild.incident_id),
                func.count(),
                func.count().filter(col(IncidentChild.present)),
                func.count().filter(told),
                func.count().filter(told, col(IncidentChild.told_at) <= col(IncidentChild.due_at)),
            )
            .where(col(IncidentChild.incident_id).in_(_among(ids)))
            .group_by(col(IncidentChild.incident_id))
        ).all()
    }
    done = col(MaracAction.done_at).is_not(None)
    overdue = sa.and_(col(MaracAction.done_at).is_(None), col(MaracAction.due_at) < now)
    actions = {
        int(incident_id): (int(total), int(finished), int(late))
        for incident_id, total, finished, late in session.exec(
            select(MaracReferral.incident_id, func.count(), func.count().filter(done), func.count().filter(overdue))
            .join(MaracReferral, col(MaracReferral.id) == col(MaracAction.referral_id))
            .where(col(MaracReferral.incident_id).in_(_among(referred)))
            .group_by(col(MaracReferral.incident_id))
        ).all()
    }
    records = {
        incident_id: int(n)
        for incident_id, n in session.exec(
            select(ProtectionOrder.incident_id, func.count())
            .where(col(ProtectionOrder.incident_id).in_(_among(ids)))
            .group_by(col(ProtectionOrder.incident_id))
        ).all()
        if incident_id is not None
    }
    rows = []
    for (
        incident_id,
        reference,
        team,
        officer,
        reported_at,
        risk,
        dash_yes,
        dash_at,
        attended_at,
        crime_disclosed,
        crime_reference,
        crime_recorded_at,
        considered,
        suspect,
        referred_at,
        meeting_at,
    ) in incidents:
        total, present, schools_told, in_time = children.get(incident_id, (0, 0, 0, 0))
        agreed, finished, late = actions.get(incident_id, (0, 0, 0))
        rows.append(
            {
                "reference": reference,
                "team": team or "",
                "officer_slack_id": officer or "",
                "reported": local(reported_at, tz),
                "risk_level": risk.value if risk else "",
                "dash_yes_answers": "" if dash_yes is None else str(dash_yes),
                "dash_completed": local(dash_at, tz),
                "attended": local(attended_at, tz),
                "crime_disclosed": _yes_no(crime_disclosed),
                "crime_reference": shareable_crime_reference(settings, crime_reference) or "",
                "crime_recorded": local(crime_recorded_at, tz),
                # Whether a protective notice was considered, never the reason it was not (free text).
                "notice_considered": _yes_no(considered),
                "records_from_incident": str(records.get(incident_id, 0)),
                "children": str(total),
                "children_present": str(present),
                "schools_told": str(schools_told),
                "schools_told_in_time": str(in_time),
                "schools_untold": str(total - schools_told),
                "marac_referred": local(referred_at, tz),
                "marac_meeting": local(meeting_at, tz),
                "marac_actions": str(agreed),
                "marac_actions_done": str(finished),
                "marac_actions_overdue": str(late),
                "suspect_initials": initials(suspect or ""),
            }
        )
    return Exported(rows, "incident", ids)


def _among(ids: list[int]) -> sa.BindParameter[list[int]]:
    """Ids written into the statement as numbers rather than sent as thousands of parameters, each of
    which the driver would otherwise find and convert in the statement's text; a subquery instead
    would read the period's incidents again for each count."""
    return sa.bindparam("ids", ids, expanding=True, literal_execute=True)


def _disclosures(
    session: Session, scope: ReportScope, start: datetime, end: datetime, settings: Settings, now: datetime
) -> Exported:
    tz = settings.timezone
    completed = func.coalesce(col(DisclosureRequest.disclosed_at), col(DisclosureRequest.closed_at))
    requests = session.exec(
        select(DisclosureRequest)
        .where(
            _in_scope(DisclosureRequest.team_id, scope),
            col(DisclosureRequest.received_at) < end,
            sa.or_(completed.is_(None), completed >= start),
        )
        .order_by(col(DisclosureRequest.received_at), col(DisclosureRequest.reference))
    ).all()
    teams, officers = _names(session, {r.team_id for r in requests}, {r.officer_id for r in requests})
    subjects = _lookup(session, col(Perpetrator.id), col(Perpetrator.full_name), {r.perpetrator_id for r in requests})
    rows = []
    for request in requests:
        done = request.disclosed_at or request.closed_at
        rows.append(
            {
                "reference": request.reference,
                "route": request.route.value,
                "team": teams.get(request.team_id, ""),
                "officer_slack_id": officers.get(request.officer_id, ""),
                "received": local(request.received_at, tz),
                "target": local(request.target_at, tz),
                "checks_done": local(request.checks_at, tz),
                "forum": local(request.forum_at, tz),
                "decided": local(request.decided_at, tz),
                "decision": request.decision.value if request.decision else "",
                "disclosed": local(request.disclosed_at, tz),
                "closed": local(request.closed_at, tz),
                "completed_within_target": "" if done is None else _yes_no(done <= request.target_at),
                "days_taken": "" if done is None else str(days_taken(request.received_at, done, tz)),
                # Whether someone other than the person at risk asked: never who.
                "third_party_applicant": _yes_no(request.applicant_id is not None),
                "subject_initials": initials(subjects.get(request.perpetrator_id, "")),
            }
        )
    return Exported(rows, "disclosure_request", [r.id for r in requests if r.id is not None])


def _plans(
    session: Session, scope: ReportScope, start: datetime, end: datetime, settings: Settings, now: datetime
) -> Exported:
    tz = settings.timezone
    plans = session.exec(
        select(ManagementPlan)
        .where(
            _in_scope(ManagementPlan.team_id, scope),
            col(ManagementPlan.adopted_at) < end,
            sa.or_(col(ManagementPlan.closed_at).is_(None), col(ManagementPlan.closed_at) >= start),
        )
        .order_by(col(ManagementPlan.adopted_at), col(ManagementPlan.id))
    ).all()
    ids = sorted(p.id for p in plans if p.id is not None)
    teams = _lookup(session, col(Team.id), col(Team.name), {p.team_id for p in plans})
    people = _lookup(session, col(Perpetrator.id), col(Perpetrator.full_name), {p.perpetrator_id for p in plans})
    done = col(PlanAction.done_at).is_not(None)
    overdue = sa.and_(col(PlanAction.done_at).is_(None), col(PlanAction.due_at) < now)
    counts: dict[int, dict[str, int]] = {}
    for plan_id, kind, total, finished, late in session.execute(
        sa.select(
            col(PlanAction.plan_id),
            col(PlanAction.kind),
            func.count(),
            func.count().filter(done),
            func.count().filter(overdue),
        )
        .where(col(PlanAction.plan_id).in_(ids))
        .group_by(col(PlanAction.plan_id), col(PlanAction.kind))
    ).all():
        found = counts.setdefault(int(plan_id), {"actions": 0, "actions_done": 0, "actions_overdue": 0})
        found["actions"] += int(total)
        found["actions_done"] += int(finished)
        found["actions_overdue"] += int(late)
        found[f"{ActionKind(kind).value}_actions"] = int(total)
    rows = []
    for plan in plans:
        assert plan.id is not None
        found = counts.get(plan.id, {})
        rows.append(
            {
                "plan_id": str(plan.id),
                "team": teams.get(plan.team_id, ""),
                "perpetrator_initials": initials(people.get(plan.perpetrator_id, "")),
                "adopted": local(plan.adopted_at, tz),
                "review": local(plan.review_at, tz),
                "closed": local(plan.closed_at, tz),
                **{column: str(found.get(column, 0)) for column in PLAN_COLUMNS[6:]},
            }
        )
    return Exported(rows, "management_plan", ids)
