"""Writing the audit trail (Data Protection Act 2018 s62).

Snapshots never carry personal data: names, dates of birth and addresses are replaced by a marker
saying the field was present or changed, so the trail can be kept after a person's data is erased.
"""

from __future__ import annotations

from datetime import date, datetime, time
from enum import Enum
from typing import Any

from sqlmodel import Session, SQLModel

from models import AppUser, AuditEvent

PERSONAL_FIELDS = frozenset({"full_name", "name_key", "date_of_birth", "address"})
PERSONAL_MARKER = "[personal data]"


def snapshot(row: SQLModel) -> dict[str, Any]:
    """A JSON-safe copy of a row with personal fields masked."""
    data: dict[str, Any] = {}
    for key, value in row.model_dump().items():
        if key in PERSONAL_FIELDS:
            data[key] = PERSONAL_MARKER if value is not None else None
        else:
            data[key] = _json_safe(value)
    return data


def changes(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the fields that differ, for a compact audit row."""
    keys = [k for k in after if before.get(k) != after.get(k)]
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
