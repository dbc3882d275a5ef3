"""Clare's Law requests and perpetrator management plans as retention sees them: members of record
families like incidents, each with its people, its last activity and whether it is still open.

A request is about two people (the person at risk and the subject, each its own row); a plan about
one (the perpetrator row of the record it was adopted from). A request or plan joins the family of
those people (services.governance.retention), and with no other casework about them is a family of
its own. A request has no end in law either: like an incident it ends at its last activity (receipt,
checks, forum, decision, disclosure, closure), and a plan at its adoption, each action agreed or done,
or its closure. An open request (neither disclosed nor closed) or an open plan is live casework and
holds its family's erasure."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, func, select

from models import DisclosureApplicant, DisclosureRequest, ManagementPlan, PlanAction, Reminder

# In deletion order: each before the rows it points at (the people go after, in retention).
LINKED_TABLES = (PlanAction, ManagementPlan, DisclosureRequest, DisclosureApplicant)

REQUEST_TYPE = "DVDS"  # what the review lists as a Clare's Law request's type (its references say it too)
PLAN_TYPE = "PLAN"  # ... and a management plan's


def plan_reference(force_code: str, plan_id: int) -> str:
    """A plan has no reference of its own (it is reached through a record's); this one names it in
    the review and the erasure, e.g. WM-PLAN-0007."""
    return f"{force_code}-{PLAN_TYPE}-{plan_id:04d}"


def plan_id_of(force_code: str, reference: str) -> int | None:
    prefix = f"{force_code}-{PLAN_TYPE}-".upper()
    digits = reference.upper().removeprefix(prefix)
    return int(digits) if reference.upper().startswith(prefix) and digits.isdigit() else None


@dataclass(frozen=True)
class KeptRequest:
    id: int
    reference: str
    person_id: int  # the person at risk
    subject_id: int
    applicant_id: int | None
    last_activity: datetime
    open: bool


@dataclass(frozen=True)
class KeptPlan:
    id: int
    reference: str
    perpetrator_id: int
    last_activity: datetime
    open: bool


def kept_requests(session: Session) -> list[KeptRequest]:
    kept = []
    for r in session.exec(select(DisclosureRequest)).all():
        assert r.id is not None
        times = (r.received_at, r.checks_at, r.forum_at, r.decided_at, r.disclosed_at, r.closed_at)
        is_open = r.closed_at is None and r.disclosed_at is None
        last = max(t for t in times if t is not None)
        kept.append(
            KeptRequest(r.id, r.reference, r.protected_person_id, r.perpetrator_id, r.applicant_id, last, is_open)
        )
    return kept


def kept_plans(session: Session, force_code: str) -> list[KeptPlan]:
    actions: dict[int, list[datetime | None]] = defaultdict(list)
    for plan_id, agreed, done in session.execute(
        sa.select(col(PlanAction.plan_id), func.max(PlanAction.created_at), func.max(PlanAction.done_at)).group_by(
            col(PlanAction.plan_id)
        )
    ).all():
        actions[plan_id] += [agreed, done]
    kept = []
    for p in session.exec(select(ManagementPlan)).all():
        assert p.id is not None
        times = [p.adopted_at, p.closed_at, *actions.get(p.id, [])]
        last = max(t for t in times if t is not None)
        kept.append(KeptPlan(p.id, plan_reference(force_code, p.id), p.perpetrator_id, last, p.closed_at is None))
    return kept


def conditions(requests: Collection[KeptRequest], plans: Collection[KeptPlan]) -> dict[type, ColumnElement[bool]]:
    """Which rows of each linked table go with the family; and, under Reminder, the reminders about
    its requests and plans, which go before them."""
    request_ids = sorted(r.id for r in requests)
    plan_ids = sorted(p.id for p in plans)
    applicants = sorted({r.applicant_id for r in requests if r.applicant_id is not None})
    return {
        Reminder: sa.or_(col(Reminder.disclosure_id).in_(request_ids), col(Reminder.plan_id).in_(plan_ids)),
        PlanAction: col(PlanAction.plan_id).in_(plan_ids),
        ManagementPlan: col(ManagementPlan.id).in_(plan_ids),
        DisclosureRequest: col(DisclosureRequest.id).in_(request_ids),
        DisclosureApplicant: col(DisclosureApplicant.id).in_(applicants),
    }
