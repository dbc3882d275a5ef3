"""Writing the audit trail (Data Protection Act 2018 s62).

Snapshots never carry personal data: names, dates of birth, addresses and PNC ids, and free text
that may name people, are replaced by a marker saying the field was present or changed, so the
trail can be kept (it is append-only) after a person's data is erased.
"""

from __future__ import annotations

import copy
from datetime import date, datetime, time
from enum import Enum
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.sql.elements import ClauseElement
from sqlalchemy.sql.util import find_tables
from sqlmodel import Session, SQLModel

from models import AppUser, AuditEvent, metadata
from services import stored_text

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
    shown: dict[str, Any] = {}
    hidden: dict[str, Any] = {}
    # The fields loaded, as model_dump gives them (a copy of a JSON value, which may be changed
    # in place later), read where the ORM keeps them. In the model's field order: the order
    # attributes were loaded differs between a fresh row and one refreshed after a commit.
    held = row.__dict__
    for key, marker in _fields(type(row)):
        if key not in held:
            continue
        value = held[key]
        if marker is not None:
            shown[key] = marker if value is not None else None
            hidden[key] = value
        elif isinstance(value, dict | list):
            shown[key] = copy.deepcopy(value)
        else:
            shown[key] = _json_safe(value)
    return Snapshot(shown, hidden)


_FIELDS: dict[type[SQLModel], list[tuple[str, str | None]]] = {}


def _fields(model: type[SQLModel]) -> list[tuple[str, str | None]]:
    """The model's fields in order, each with the marker that masks it (None: shown as it is)."""
    fields = _FIELDS.get(model)
    if fields is None:
        free_text = FREE_TEXT_FIELDS.get(str(getattr(model, "__tablename__", "")), frozenset())
        fields = _FIELDS[model] = [
            (name, PERSONAL_MARKER if name in PERSONAL_FIELDS else FREE_TEXT_MARKER if name in free_text else None)
            for name in model.model_fields
        ]
    return fields


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
    """An audit row, added to the session now (after any rows held back by write_creation and
    write_change, which it follows in the trail), so the caller can flush it and read its id."""
    audit_row = AuditEvent(
        **_audit_values(
            actor=actor,
            at=at,
            action=action,
            entity_type=entity_type,
            entity_id=entity_id,
            source=source,
            order_id=order_id,
            before=before,
            after=after,
            justification=justification,
            system_actor=system_actor,
        )
    )
    _add_held(session)
    session.add(audit_row)
    return audit_row


def _audit_values(
    *,
    actor: AppUser | None,
    at: datetime,
    action: str,
    entity_type: str,
    entity_id: int | None,
    source: str,
    order_id: int | None,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    justification: str | None,
    system_actor: str,
) -> dict[str, Any]:
    """An audit row's columns."""
    return {
        "at": at,
        "actor_user_id": actor.id if actor else None,
        "actor": f"slack:{actor.slack_user_id}" if actor else f"system:{system_actor}",
        "action": action,
        "entity_type": entity_type,
        "entity_id": entity_id,
        "order_id": order_id,
        "before": before,
        "after": after,
        "justification": justification,
        "source": source,
    }


# The creations and changes a transaction audits are held back and written together (at the
# commit, or before anything reads the trail or adds to it), so they are written in one INSERT
# rather than one for each flush a use case makes to learn its new rows' ids. What each says is
# fixed when it is written (its columns' values): only the INSERT waits.
_HELD = "audit_rows_held"
AUDIT_TABLE: sa.Table = metadata.tables[str(AuditEvent.__tablename__)]


def take_held(session: Session) -> list[dict[str, Any]]:
    """The rows held so far, no longer held: for a caller writing them itself, in the same
    transaction and before anything it audits later (a new record's save sends them with its
    rows, in one statement)."""
    held: list[dict[str, Any]] = session.info.pop(_HELD, None) or []
    return held


def _hold(session: Session, values: dict[str, Any]) -> None:
    session.info.setdefault(_HELD, []).append(values)


def _add_held(session: OrmSession) -> None:
    """The held rows join the session, flushed with what follows (a row added to the trail, a
    statement reading it)."""
    held = session.info.pop(_HELD, None)
    if held:
        session.add_all(AuditEvent(**values) for values in held)


def _before_commit(session: OrmSession) -> None:
    """At the commit the held rows are inserted as they are, values and no objects: nothing in the
    transaction reads them any more. Their text is checked as every flushed row's is."""
    held = session.info.pop(_HELD, None)
    if held:
        stored_text.refuse_unstorable_values(AuditEvent, held)
        session.flush()  # what was added to the trail before them goes in first, as it would have
        session.connection().execute(sa.insert(AUDIT_TABLE), held)


def _before_reading_the_trail(state: ORMExecuteState) -> None:
    """Held rows are in the trail for any statement on it in the same transaction: added here,
    they are flushed by the autoflush that follows this hook."""
    statement = state.statement
    if state.session.info.get(_HELD) and isinstance(statement, ClauseElement) and _on_the_trail(statement):
        _add_held(state.session)


_ON_THE_TRAIL: dict[object, bool] = {}  # by a statement's shape: whether it names the audit table
_SHAPES_KEPT = 2_000  # statements are of a few hundred shapes; more is a leak, so start again


def _on_the_trail(statement: ClauseElement) -> bool:
    """Whether the statement reads or writes the audit table. Walking a statement's tree costs
    more than most of what a write does between its flushes, so the answer is kept by the
    statement's shape: its cache key, which running it works out anyway (and keeps on it)."""
    shape = statement._generate_cache_key()
    if shape is None:  # a statement SQLAlchemy cannot cache: asked afresh each time
        return AUDIT_TABLE in find_tables(statement, check_columns=True, include_crud=True)
    known = _ON_THE_TRAIL.get(shape.key)
    if known is None:
        if len(_ON_THE_TRAIL) >= _SHAPES_KEPT:
            _ON_THE_TRAIL.clear()
        known = _ON_THE_TRAIL[shape.key] = AUDIT_TABLE in find_tables(statement, check_columns=True, include_crud=True)
    return known


def _after_rollback(session: OrmSession) -> None:
    session.info.pop(_HELD, None)


def install() -> None:
    """Hold back every session's creation and change audits (idempotent)."""
    for name, listener in (
        ("before_commit", _before_commit),
        ("do_orm_execute", _before_reading_the_trail),
        ("after_rollback", _after_rollback),
    ):
        if not event.contains(OrmSession, name, listener):
            event.listen(OrmSession, name, listener)


install()


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
    _hold(session, creation(actor=actor, at=at, row=row, source=source, order_id=order_id, system_actor=system_actor))


def creation(
    *,
    actor: AppUser | None,
    at: datetime,
    row: SQLModel,
    source: str,
    order_id: int | None = None,
    system_actor: str = "system",
) -> dict[str, Any]:
    """The audit row's values for a new row, personal fields masked, as write_creation holds them."""
    return _audit_values(
        actor=actor,
        at=at,
        action="create",
        entity_type=str(row.__tablename__),
        entity_id=getattr(row, "id", None),
        order_id=order_id,
        before=None,
        after=snapshot(row),
        justification=None,
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
    audit_row = _audit_values(
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
    _hold(session, audit_row)
    return True
