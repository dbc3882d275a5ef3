"""A record's audit trail: who created, changed, viewed, exported or erased it and what hangs from
it (hearings, breaches, checks, notifications, reminders), when and why, oldest first, a page at a
time. For the supervisors of its team and for admins. Reading the trail is itself a consultation
and is audited (Data Protection Act 2018 s62(1)(c)).

Audit rows never hold personal data (services.governance.audit masks it), and free-text fields such as a
close reason are named here but not shown: the trail says *that* they changed.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func
from sqlmodel import col, select

from models import AuditEvent, Role
from services.context import ServiceContext
from services.errors import NotAllowed
from services.governance.access import require_role, supervised_team_ids
from services.governance.audit_results import AuditTrailPage, TrailEntry
from services.records.lookup import find_order
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
}
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


def trail(
    ctx: ServiceContext, actor_slack_id: str, reference: str, *, offset: int = 0, limit: int = PAGE_SIZE
) -> AuditTrailPage:
    offset = max(0, offset)
    with reading(ctx, actor_slack_id) as read:
        session, user = read.session, read.user
        require_role(user, Role.SUPERVISOR, Role.ADMIN, doing="see a record's audit trail")
        order = find_order(session, reference, force_code=ctx.settings.force_code, user=user)
        if user.role is Role.SUPERVISOR and order.team_id not in supervised_team_ids(session, user):
            raise NotAllowed(
                f"{order.reference} belongs to a team you do not supervise. Its supervisors or an admin "
                "can see its audit trail."
            )
        read.audit("view_audit", "protection_order", order.id, order_id=order.id, after={"offset": offset})
        session.flush()
        total = session.exec(select(func.count()).where(AuditEvent.order_id == order.id)).one()
        rows = session.exec(
            select(AuditEvent)
            .where(AuditEvent.order_id == order.id)
            .order_by(col(AuditEvent.at), col(AuditEvent.id))
            .offset(offset)
            .limit(limit)
        ).all()
        return AuditTrailPage(order.reference, tuple(_entry(row) for row in rows), total, offset)


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
