"""A record's audit trail: who created, changed, viewed, exported or erased it and what hangs from
it (hearings, breaches, checks, notifications, reminders), when and why, oldest first, a page at a
time. For the supervisors of its team and for admins. An incident's trail holds its children's
school notifications, its MARAC referral and actions and its reminders; a Clare's Law request's
holds its applicant's details (as changed, never shown). Reading the trail is itself a consultation
and is audited (Data Protection Act 2018 s62(1)(c)).

Audit rows never hold personal data (services.governance.audit masks it), and free-text fields such as a
close reason are named here but not shown: the trail says *that* they changed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy import func
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, select

from models import (
    AppUser,
    AuditEvent,
    DisclosureRequest,
    Incident,
    IncidentChild,
    MaracAction,
    MaracReferral,
    Reminder,
    Role,
)
from services.context import ServiceContext
from services.errors import NotAllowed, NotFound
from services.governance.access import require_role, supervised_team_ids
from services.governance.audit_results import AuditTrailPage, TrailEntry
from services.incidents.scope import find_incident
from services.records.lookup import find_order, normalise_reference
from services.unit_of_work import reading

PAGE_SIZE = 20
# Short coded fields whose old and new values are worth showing; other fields are named only.
SHOWN_VALUES = frozenset({"status", "outcome", "risk_level", "order_type", "state", "kind"})
UNSHOWN_FIELDS = frozenset({"updated_at"})  # the entry's own time says when
THINGS = {
    "protection_order": "the record",
    "hearing": "a hearing",
    "breach": "a breach",
    "breach_check": "a breach check",
    "notification": "a notification",
    "reminder": "a reminder",
    "perpetrator": "the perpetrator's details",
    "protected_person": "a protected person's details",
    "identity_mismatch": "an identity check (a PNC id given with differing details)",
    "incident": "the incident",
    "incident_child": "a child linked to the incident (whose school is told)",
    "marac_referral": "the MARAC referral",
    "marac_action": "a MARAC action",
    "disclosure_request": "the Clare's Law request",
    "disclosure_applicant": "the applicant's details",
}
INCIDENT_TYPE = re.compile(r"(?:^|-)INC-")
DISCLOSURE_TYPE = re.compile(r"(?:^|-)DVDS-")
DOING = {
    "create": "created",
    "update": "changed",
    "view": "viewed the details of",
    "view_history": "saw in a perpetrator history",
    "view_audit": "read the audit trail of",
    "export": "exported",
    "erase": "erased personal data from",
    "escalate": "escalated",
    "acknowledge": "acknowledged",
    "done": "marked done",
    "snooze": "snoozed",
}


@dataclass(frozen=True)
class _Subject:
    """What a trail is of: its reference, its team, its audit row in the trail, and which rows are its."""

    reference: str
    team_id: int
    entity_type: str
    entity_id: int
    order_id: int | None
    rows: ColumnElement[bool]


def trail(
    ctx: ServiceContext, actor_slack_id: str, reference: str, *, offset: int = 0, limit: int = PAGE_SIZE
) -> AuditTrailPage:
    offset = max(0, offset)
    with reading(ctx, actor_slack_id) as read:
        session, user = read.session, read.user
        require_role(user, Role.SUPERVISOR, Role.ADMIN, doing="see a record's audit trail")
        subject = _subject(session, user, reference, ctx.settings.force_code)
        if user.role is Role.SUPERVISOR and subject.team_id not in supervised_team_ids(session, user):
            raise NotAllowed(
                f"{subject.reference} belongs to a team you do not supervise. Its supervisors or an admin "
                "can see its audit trail."
            )
        read.audit(
            "view_audit", subject.entity_type, subject.entity_id, order_id=subject.order_id, after={"offset": offset}
        )
        session.flush()
        total = session.exec(select(func.count()).where(subject.rows)).one()
        rows = session.exec(
            select(AuditEvent)
            .where(subject.rows)
            .order_by(col(AuditEvent.at), col(AuditEvent.id))
            .offset(offset)
            .limit(limit)
        ).all()
        return AuditTrailPage(subject.reference, tuple(_entry(row) for row in rows), total, offset)


def _subject(session: Session, user: AppUser, reference: str, force_code: str) -> _Subject:
    typed = normalise_reference(reference)
    if INCIDENT_TYPE.search(typed):
        incident = find_incident(session, typed, force_code=force_code)
        return _incident(incident)
    if DISCLOSURE_TYPE.search(typed):
        return _disclosure(session, typed, force_code)
    order = find_order(session, reference, force_code=force_code, user=user)
    assert order.id is not None
    return _Subject(
        order.reference, order.team_id, "protection_order", order.id, order.id, col(AuditEvent.order_id) == order.id
    )


def _about(entity_type: str, ids: Any) -> ColumnElement[bool]:
    return sa.and_(col(AuditEvent.entity_type) == entity_type, col(AuditEvent.entity_id).in_(ids))


def _incident(incident: Incident) -> _Subject:
    """The incident's rows and those of what hangs from it, found by their ids: their audit rows
    name the row they are about, not the incident."""
    assert incident.id is not None
    referrals = select(MaracReferral.id).where(MaracReferral.incident_id == incident.id)
    rows = sa.or_(
        _about("incident", [incident.id]),
        _about("incident_child", select(IncidentChild.id).where(IncidentChild.incident_id == incident.id)),
        _about("marac_referral", referrals),
        _about("marac_action", select(MaracAction.id).where(col(MaracAction.referral_id).in_(referrals))),
        _about("reminder", select(Reminder.id).where(Reminder.incident_id == incident.id)),
    )
    return _Subject(incident.reference, incident.team_id, "incident", incident.id, None, rows)


def _disclosure(session: Session, typed: str, force_code: str) -> _Subject:
    whole = typed if typed.startswith(f"{force_code}-") else f"{force_code}-{typed}"
    request = session.exec(
        select(DisclosureRequest).where(col(DisclosureRequest.reference).in_({typed, whole}))
    ).first()
    if request is None:
        raise NotFound(
            f"No Clare's Law request has the reference '{typed[:40]}'. They look like {force_code}-DVDS-2026-0001.",
            "reference",
        )
    assert request.id is not None
    rows = _about("disclosure_request", [request.id])
    if request.applicant_id is not None:
        rows = sa.or_(rows, _about("disclosure_applicant", [request.applicant_id]))
    return _Subject(request.reference, request.team_id, "disclosure_request", request.id, None, rows)


def _entry(row: AuditEvent) -> TrailEntry:
    kind, _, who = row.actor.partition(":")
    return TrailEntry(
        at=row.at,
        actor_slack_id=who if kind == "slack" else None,
        system=who if kind != "slack" else None,
        what=describe(row.action, row.entity_type, row.before, row.after),
        justification=row.justification,
        source=row.source,
    )


def describe(action: str, entity_type: str, before: dict[str, Any] | None, after: dict[str, Any] | None) -> str:
    thing = THINGS.get(entity_type, entity_type.replace("_", " "))
    text = f"{DOING.get(action, action.replace('_', ' '))} {thing}"
    changed = [_change(f, (before or {}).get(f), v) for f, v in (after or {}).items() if f not in UNSHOWN_FIELDS]
    if action == "update" and changed:
        text += ": " + ", ".join(changed)
    return text


def _change(field: str, old: Any, new: Any) -> str:
    label = field.replace("_", " ").removesuffix(" id")
    if field in SHOWN_VALUES:
        return f"{label} {old or '—'} → {new or '—'}"
    return label
