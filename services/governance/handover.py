"""The casework a leaver hands on beyond their protection records (services.governance.teams.deactivate):
every row that makes them answer for a clock still running. Each is given to the successor, audited,
and its subject replanned, so the reminders that clock sends go to someone who can act on them:

- incidents they are the officer in charge of whose clocks still run (attendance, DASH, crime
  recording, DVPN/DAPN considered, the MARAC referral, a school to tell, a MARAC action undone) or
  can still start (`_open_incident`), moved to the successor's team as a record is, so the
  successor may act on them;
- Clare's Law requests of theirs not completed (neither disclosed nor closed), moved the same way;
- MARAC actions they own not yet done (the incident stays where it is: its officer answers for it);
- actions of open perpetrator management plans they own not yet done, and the review of the open
  plans they adopted (a plan's review is reminded to whoever adopted it: services/people/plan_reminders.py).

A completed request, a done action, a closed plan and an incident none of whose clocks runs or can
start stay theirs: who handled them is history, as the officer of a closed record is."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

from sqlalchemy import ColumnElement
from sqlmodel import SQLModel, and_, col, or_, select

from models import AppUser, DisclosureRequest, Incident, ManagementPlan, MaracAction, MaracReferral, PlanAction
from models.types import pk
from rules.incidents import ESCALATION_WINDOW_DAYS
from services.disclosures.planning import replan_request
from services.governance.audit import snapshot
from services.incidents.scope import replan
from services.people.plan_reminders import replan_plan
from services.records.planning import MOOT_HANDED_ON
from services.unit_of_work import Acting

T = TypeVar("T", Incident, ManagementPlan)


@dataclass(frozen=True)
class Casework:
    """What was handed on: the subjects whose reminders must be replanned once every row has moved
    (and the leaver no longer supervises), and how many of each kind."""

    incidents: Sequence[Incident]  # theirs, and those whose MARAC actions they owned
    requests: Sequence[DisclosureRequest]
    plans: Sequence[ManagementPlan]  # adopted by them, or with actions they owned
    incident_count: int
    marac_actions: int
    plan_actions: int
    plan_reviews: int


def hand_on_casework(work: Acting, leaver: AppUser, successor: AppUser) -> Casework:
    """Give the successor the leaver's open casework, each row audited. Replan it afterwards with `replan_casework`."""
    session, to = work.session, pk(successor)
    incidents = session.exec(
        select(Incident)
        .where(Incident.officer_id == leaver.id, _open_incident(work.now))
        .order_by(col(Incident.reference))
        .with_for_update()
    ).all()
    # A successor placed in no team leaves each row in its own (deactivate refuses one; the field is optional).
    team = {} if successor.team_id is None else {"team_id": successor.team_id}
    hand_on(work, incidents, officer_id=to, **team)
    requests = session.exec(
        select(DisclosureRequest)
        .where(
            DisclosureRequest.officer_id == leaver.id,
            col(DisclosureRequest.disclosed_at).is_(None),
            col(DisclosureRequest.closed_at).is_(None),
        )
        .order_by(col(DisclosureRequest.reference))
        .with_for_update()
    ).all()
    hand_on(work, requests, officer_id=to, **team, updated_at=work.now)
    marac = session.exec(
        select(MaracAction, Incident)
        .join(MaracReferral, col(MaracReferral.id) == col(MaracAction.referral_id))
        .join(Incident, col(Incident.id) == col(MaracReferral.incident_id))
        .where(MaracAction.owner_id == leaver.id, col(MaracAction.done_at).is_(None))
        .order_by(col(MaracAction.id))
        .with_for_update()
    ).all()
    hand_on(work, [action for action, _ in marac], owner_id=to)
    open_plan = col(ManagementPlan.closed_at).is_(None)
    plan_actions = session.exec(
        select(PlanAction, ManagementPlan)
        .join(ManagementPlan, col(ManagementPlan.id) == col(PlanAction.plan_id))
        .where(PlanAction.owner_id == leaver.id, col(PlanAction.done_at).is_(None), open_plan)
        .order_by(col(PlanAction.id))
        .with_for_update()
    ).all()
    hand_on(work, [plan_action for plan_action, _ in plan_actions], owner_id=to)
    # The adopter is the plan's owner for its review (the audit row keeps who adopted it).
    adopted = session.exec(
        select(ManagementPlan)
        .where(ManagementPlan.created_by_id == leaver.id, open_plan)
        .order_by(col(ManagementPlan.id))
        .with_for_update()
    ).all()
    hand_on(work, adopted, created_by_id=to, updated_at=work.now)
    return Casework(
        incidents=_unique([*incidents, *(i for _, i in marac)]),
        requests=requests,
        plans=_unique([*adopted, *(p for _, p in plan_actions)]),
        incident_count=len(incidents),
        marac_actions=len(marac),
        plan_actions=len(plan_actions),
        plan_reviews=len(adopted),
    )


def hand_on(work: Acting, rows: Sequence[SQLModel], **values: object) -> int:
    """Set `values` on each row, each change audited (against its record, for a row of one). Returns how many."""
    for row in rows:
        before = snapshot(row)
        for key, value in values.items():
            setattr(row, key, value)
        work.changed(row, before, order_id=getattr(row, "order_id", None))
    return len(rows)


def _open_incident(now: datetime) -> ColumnElement[bool]:
    """An incident has no closed state; it is open while a clock runs or can still start.

    A clock runs: every replan stores the earliest unmet deadline, and none once all are met, so the
    incident's own next_deadline_at says it (the invariants check it is the one recomputed). A clock
    can still start: the MARAC referral's, while there is no referral and the incident is within
    the escalation window, since another incident against the same victim, reported late or
    corrected onto them, can bring its count to the threshold. An older one's count could only be
    raised by a report backdated by more than a year; should that happen, the sweep escalates the
    reminders its officer, having left, cannot receive (services.reminders.queue)."""
    referred = select(MaracReferral.id).where(col(MaracReferral.incident_id) == col(Incident.id)).exists()
    window = now - timedelta(days=ESCALATION_WINDOW_DAYS)
    return or_(col(Incident.next_deadline_at).is_not(None), and_(col(Incident.reported_at) > window, ~referred))


def replan_casework(work: Acting, casework: Casework) -> None:
    """Replan what was handed on, once every row has moved and the leaver's supervision has ended:
    the reminders planned for the leaver are withdrawn and the successor's (and their new team's
    supervisors') planned in their place."""
    settings, by = work.ctx.settings, pk(work.user)
    for incident in casework.incidents:
        replan(work, incident, why=MOOT_HANDED_ON)
    for request in casework.requests:
        replan_request(work.session, request, settings, work.now, by=by, moot=MOOT_HANDED_ON)
    for plan in casework.plans:
        replan_plan(work.session, plan, settings, work.now, by=by, moot=MOOT_HANDED_ON)


def _unique(rows: list[T]) -> list[T]:
    return list({pk(row): row for row in rows}.values())
