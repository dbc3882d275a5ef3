"""Writing the audit trail (Data Protection Act 2018 s62).

Snapshots never carry personal data: names, dates of birth, addresses and PNC ids, and free text
that may name people, are replaced by a marker saying the field was present or changed, so the
trail can be kept (it is append-only) after a person's data is erased.
"""

from __future__ import annotations

from datetime import date, datetime, time
from enum import Enum
from typing import Any

from sqlmodel import Session, SQLModel

from models import AppUser, AuditEvent

PERSONAL_FIELDS = frozenset({"full_name", "name_key", "date_of_birth", "address", "pnc_id"})
PERSONAL_MARKER = "[personal data]"
# Anything an officer types may name people ("spoke to Sam at her mother's", a court "Sam's address"),
# so the trail records that it was written or changed, never what it says: every typed field,
# checked or not (a crime reference that matches the force's format can still be a reference to
# the person's other cases, which erasure must take with it). Per table: hearing.outcome is an
# enum, breach_check.outcome is free text.
FREE_TEXT_FIELDS: dict[str, frozenset[str]] = {
    "protection_order": frozenset({"conditions", "close_reason", "court", "crime_reference", "authoriser_name"}),
    "hearing": frozenset({"court"}),
    "breach": frozenset({"details", "crime_reference"}),
    "breach_check": frozenset({"outcome"}),
    "disclosure_request": frozenset({"decision_reason", "disclosed_to", "close_reason"}),
    "management_plan": frozenset({"close_reason"}),
    "plan_action": frozenset({"what"}),
    # An incident's "why not" and its crime reference; a child's school (personal data, as the
    # child's name is); what a MARAC agreed.
    "incident": frozenset({"crime_reference", "notice_considered_reason"}),
    "incident_child": frozenset({"school", "school_area"}),
    "marac_action": frozenset({"description"}),
}
FREE_TEXT_MARKER = "[free text]"


class Snapshot(dict[str, Any]):
    """A row as the audit trail may show it, plus the masked fields' real values kept in memory
    only, so a change to a masked field is still noticed (and logged as changed) by `changes`."""

    def __init__(self, shown: dict[str, Any], hidden: dict[str, Any]) -> None:
        super().__init__(shown)
        self.hidden = hidden


def snapshot(row: SQLModel) -> Snapshot:
    """A JSON-safe copy of a row with personal fields and free text masked."""
    table = str(getattr(row, "__tablename__", ""))
    free_text = FREE_TEXT_FIELDS.get(table, frozenset())
    shown: dict[str, Any] = {}
    hidden: dict[str, Any] = {}
    values = row.model_dump()
    # In the model's field order: model_dump follows the order attributes were loaded, which
    # differs between a fresh row and one refreshed after a commit.
    for key in (name for name in type(row).model_fields if name in values):
        value = values[key]
        if key in PERSONAL_FIELDS or key in free_text:
            marker = PERSONAL_MARKER if key in PERSONAL_FIELDS else FREE_TEXT_MARKER
            shown[key] = marker if value is not None else None
            hidden[key] = value
        else:
            shown[key] = _json_safe(value)
    return Snapshot(shown, hidden)


def changes(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the fields that differ, for a compact audit row. A masked field that changed appears
    with its marker on both sides: the trail says it changed, not what it said."""
    hidden_before = before.hidden if isinstance(before, Snapshot) else {}
    hidden_after = after.hidden if isinstance(after, Snapshot) else {}
    keys = [
        k
        for k in after
        if before.get(k) != after.get(k) or (k in hidden_after and hidden_before.get(k) != hidden_after[k])
    ]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def _json_safe(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return value


def write_audit(
    session: Session,
    *,
    actor: AppUser | None,
    at: datetime,
    action: str,
    entity_type: str,
    entity_id: int | None,
    source: str,
    order_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    justification: str | None = None,
    system_actor: str = "system",
) -> AuditEvent:
    event = AuditEvent(
        at=at,
        actor_user_id=actor.id if actor else None,
        actor=f"slack:{actor.slack_user_id}" if actor else f"system:{system_actor}",
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        order_id=order_id,
        before=before,
        after=after,
        justification=justification,
        source=source,
    )
    session.add(event)
    return event


def write_creation(
    session: Session,
    *,
    actor: AppUser | None,
    at: datetime,
    row: SQLModel,
    source: str,
    order_id: int | None = None,
    system_actor: str = "system",
) -> None:
    """Audit a new row, personal fields masked."""
    write_audit(
        session,
        actor=actor,
        at=at,
        action="create",
        entity_type=str(row.__tablename__),
        entity_id=getattr(row, "id", None),
        order_id=order_id,
        after=snapshot(row),
        source=source,
        system_actor=system_actor,
    )


def write_change(
    session: Session,
    *,
    actor: AppUser | None,
    at: datetime,
    row: SQLModel,
    before: dict[str, Any],
    source: str,
    order_id: int | None = None,
    justification: str | None = None,
    system_actor: str = "system",
) -> bool:
    """Audit an update of `row` since the `before` snapshot: only the fields that changed.
    Returns False, writing nothing, when nothing changed."""
    old, new = changes(before, snapshot(row))
    if not new:
        return False
    write_audit(
        session,
        actor=actor,
        at=at,
        action="update",
        entity_type=str(row.__tablename__),
        entity_id=getattr(row, "id", None),
        order_id=order_id,
        before=old,
        after=new,
        justification=justification,
        source=source,
        system_actor=system_actor,
    )
    return True
