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

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

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
from models.db import is_postgres
from rules.disclosure import days_taken
from rules.plans import ActionKind
from services.records.crime_references import shareable_crime_reference
from services.reporting.csv_file import Row
from services.reporting.id_arrays import among
from services.reporting.report_results import ExportKind, ReportScope
from services.reporting.sql_time import LocalTimes, local
from services.views import initials

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
    """One kind's rows, and what each row's audit entry points at. The rows are made as the file is
    written (services.reporting.export writes it while the server writes the audit rows); every
    statement they need has run by then."""

    rows: Iterable[Row]
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


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


def _in_scope(team_column: Any, scope: ReportScope) -> ColumnElement[bool]:
    return sa.true() if scope.team_ids is None else col(team_column).in_(scope.team_ids)


def _lookup(session: Session, key: Any, value: Any, ids: set[int]) -> dict[int, str]:
    postgres = is_postgres(session.get_bind().engine)
    return {
        int(k): str(v)
        for k, v in session.execute(sa.select(key, value).where(among(key, sorted(ids), postgres=postgres)))
    }


def _names(session: Session, teams: set[int], officers: set[int]) -> tuple[dict[int, str], dict[int, str]]:
    return (
        _lookup(session, col(Team.id), col(Team.name), teams),
        _lookup(session, col(AppUser.id), col(AppUser.slack_user_id), officers),
    )


def _incidents(
    session: Session, scope: ReportScope, start: datetime, end: datetime, settings: Settings, now: datetime
) -> Exported:
    """One statement for the period's incidents with their team and officer, then one per fact
    looked up by the ids it needs (suspects, referrals and their actions, children, records) sent
    as one array (services.reporting.id_arrays). The suspects and referrals, tables as large as the
    incidents, joined into the first statement tempt the planner into hashing them whole (in parallel
    workers), where the month's few thousand are found by id. Plain rows,
    not ORM objects: the export reads a dozen columns of each, and never the free text."""
    postgres = is_postgres(session.get_bind().engine)
    times = LocalTimes(settings.timezone, postgres=postgres)
    at, text = times.column, times.text
    incidents = session.execute(
        sa.select(
            col(Incident.id),
            col(Incident.reference),
            col(Team.name),
            col(AppUser.slack_user_id),
            at(col(Incident.reported_at)),
            col(Incident.risk_level),
            col(Incident.dash_yes),
            at(col(Incident.dash_at)),
            at(col(Incident.attended_at)),
            col(Incident.crime_disclosed),
            col(Incident.crime_reference),
            at(col(Incident.crime_recorded_at)),
            col(Incident.notice_considered),
            col(Incident.suspect_id),
        )
        .outerjoin(Team, col(Team.id) == col(Incident.team_id))
        .outerjoin(AppUser, col(AppUser.id) == col(Incident.officer_id))
        .where(
            _in_scope(Incident.team_id, scope),
            col(Incident.reported_at) >= start,
            col(Incident.reported_at) < end,
        )
        .order_by(col(Incident.reported_at), col(Incident.reference))
    ).all()
    ids = sorted(row[0] for row in incidents)
    names = {
        int(person_id): str(name)
        for person_id, name in session.execute(
            sa.select(col(Perpetrator.id), col(Perpetrator.full_name)).where(
                among(
                    col(Perpetrator.id),
                    sorted({row[-1] for row in incidents if row[-1] is not None}),
                    postgres=postgres,
                )
            )
        ).all()
    }
    referrals = {
        int(incident_id): (int(referral_id), text(referred_at), text(meeting_at))
        for incident_id, referral_id, referred_at, meeting_at in session.execute(
            sa.select(
                col(MaracReferral.incident_id),
                col(MaracReferral.id),
                at(col(MaracReferral.referred_at)),
                at(col(MaracReferral.meeting_at)),
            ).where(among(col(MaracReferral.incident_id), ids, postgres=postgres))
        ).all()
    }
    told = col(IncidentChild.told_at).is_not(None)
    children = {
        int(incident_id): (int(total), int(present), int(done), int(in_time))
        for incident_id, total, present, done, in_time in session.execute(
            sa.select(
                col(IncidentChild.incident_id),
                func.count(),
                func.count().filter(col(IncidentChild.present)),
                func.count().filter(told),
                func.count().filter(told, col(IncidentChild.told_at) <= col(IncidentChild.due_at)),
            )
            .where(among(col(IncidentChild.incident_id), ids, postgres=postgres))
            .group_by(col(IncidentChild.incident_id))
        ).all()
    }
    done = col(MaracAction.done_at).is_not(None)
    overdue = sa.and_(col(MaracAction.done_at).is_(None), col(MaracAction.due_at) < now)
    actions = {
        int(referral_id): (str(total), str(finished), str(late))
        for referral_id, total, finished, late in session.execute(
            sa.select(
                col(MaracAction.referral_id), func.count(), func.count().filter(done), func.count().filter(overdue)
            )
            .where(among(col(MaracAction.referral_id), sorted(r[0] for r in referrals.values()), postgres=postgres))
            .group_by(col(MaracAction.referral_id))
        ).all()
    }
    records = {
        int(incident_id): str(n)
        for incident_id, n in session.execute(
            sa.select(col(ProtectionOrder.incident_id), func.count())
            .where(among(col(ProtectionOrder.incident_id), ids, postgres=postgres))
            .group_by(col(ProtectionOrder.incident_id))
        ).all()
    }
    unreferred, none_agreed, no_children = (0, "", ""), ("0", "0", "0"), (0, 0, 0, 0)

    def lines() -> Iterator[Row]:
        suspects: dict[int | None, str] = {}  # initials made while the audit rows are written
        for (
            incident_id,
            reference,
            team,
            officer,
            reported,
            risk,
            dash_yes,
            dash_completed,
            attended,
            crime_disclosed,
            crime_reference,
            crime_recorded,
            considered,
            suspect_id,
        ) in incidents:
            total, present, schools_told, in_time = children.get(incident_id, no_children)
            referral_id, referred, meeting = referrals.get(incident_id, unreferred)
            if (suspect := suspects.get(suspect_id)) is None:
                suspect = suspects[suspect_id] = initials(names.get(suspect_id, ""))
            yield (
                reference,
                team or "",
                officer or "",
                text(reported),
                risk.value if risk else "",
                "" if dash_yes is None else str(dash_yes),
                text(dash_completed),
                text(attended),
                _yes_no(crime_disclosed),
                shareable_crime_reference(settings, crime_reference) or "",
                text(crime_recorded),
                # Whether a protective notice was considered, never the reason it was not (free text).
                _yes_no(considered),
                records.get(incident_id, "0"),
                str(total),
                str(present),
                str(schools_told),
                str(in_time),
                str(total - schools_told),
                referred,
                meeting,
                *actions.get(referral_id, none_agreed),
                suspect,
            )

    return Exported(lines(), "incident", ids)


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

    def lines() -> Iterator[Row]:
        for request in requests:
            done = request.disclosed_at or request.closed_at
            yield (
                request.reference,
                request.route.value,
                teams.get(request.team_id, ""),
                officers.get(request.officer_id, ""),
                local(request.received_at, tz),
                local(request.target_at, tz),
                local(request.checks_at, tz),
                local(request.forum_at, tz),
                local(request.decided_at, tz),
                request.decision.value if request.decision else "",
                local(request.disclosed_at, tz),
                local(request.closed_at, tz),
                "" if done is None else _yes_no(done <= request.target_at),
                "" if done is None else str(days_taken(request.received_at, done, tz)),
                # Whether someone other than the person at risk asked: never who.
                _yes_no(request.applicant_id is not None),
                initials(subjects.get(request.perpetrator_id, "")),
            )

    return Exported(lines(), "disclosure_request", [r.id for r in requests if r.id is not None])


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
        .where(among(col(PlanAction.plan_id), ids, postgres=is_postgres(session.get_bind().engine)))
        .group_by(col(PlanAction.plan_id), col(PlanAction.kind))
    ).all():
        found = counts.setdefault(int(plan_id), {"actions": 0, "actions_done": 0, "actions_overdue": 0})
        found["actions"] += int(total)
        found["actions_done"] += int(finished)
        found["actions_overdue"] += int(late)
        found[f"{ActionKind(kind).value}_actions"] = int(total)

    def lines() -> Iterator[Row]:
        for plan in plans:
            assert plan.id is not None
            found = counts.get(plan.id, {})
            yield (
                str(plan.id),
                teams.get(plan.team_id, ""),
                initials(people.get(plan.perpetrator_id, "")),
                local(plan.adopted_at, tz),
                local(plan.review_at, tz),
                local(plan.closed_at, tz),
                *(str(found.get(column, 0)) for column in PLAN_COLUMNS[6:]),
            )

    return Exported(lines(), "management_plan", ids)
