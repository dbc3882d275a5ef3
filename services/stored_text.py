"""Typed text the database can keep, checked in one place from the model's own column lengths.

PostgreSQL refuses a VARCHAR longer than its column and any text holding a NUL byte, where SQLite
stores both; without this check the same input is saved on one database and a fault on the other.
Every row a session writes passes `refuse_unstorable` before its flush (installed once, on every
session, by `install`), and forms check their fields first with `violation`, so a problem is shown
on the field it belongs to with the others. Longer text is refused, never cut: nothing typed is
lost silently."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import SQLModel

from rules.validation import Violation
from services.errors import ValidationFailed

# NUL and the other C0 control characters but tab, line feed and carriage return: no keyboard types
# them, PostgreSQL cannot store NUL, and the rest would corrupt a CSV or a Slack message.
UNSTORABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

# What each typed column is called on screen, and the form field it is typed in.
LABELS: dict[tuple[str, str], tuple[str, str]] = {
    ("perpetrator", "full_name"): ("perpetrator_name", "The name of the person it is against"),
    ("perpetrator", "address"): ("perpetrator_address", "The address of the person it is against"),
    ("perpetrator", "pnc_id"): ("perpetrator_pnc", "The PNC id"),
    ("protected_person", "full_name"): ("protected_name", "The protected person's name"),
    ("protected_person", "address"): ("protected_address", "The protected person's address"),
    ("protection_order", "authoriser_name"): ("authoriser_name", "The authorising officer's name"),
    ("protection_order", "court"): ("court", "The court's name"),
    ("protection_order", "conditions"): ("conditions", "The conditions"),
    ("protection_order", "crime_reference"): ("crime_reference", "The crime reference"),
    ("protection_order", "close_reason"): ("reason", "The reason"),
    ("hearing", "court"): ("court", "The court's name"),
    ("breach", "crime_reference"): ("crime_reference", "The crime reference"),
    ("breach", "details"): ("details", "What happened"),
    ("breach_check", "outcome"): ("outcome", "The outcome"),
    ("team", "name"): ("name", "The team name"),
    ("app_user", "display_name"): ("display_name", "The display name"),
}


def violation(model: type[SQLModel], column: str, text: str | None) -> Violation | None:
    """Why `text` cannot be kept in `model.column`, on the field it is typed in; None if it can."""
    if text is None:
        return None
    limit = _limits(model)[column]  # None for TEXT: no limit but the NUL
    if (limit is None or len(text) <= limit) and not UNSTORABLE.search(text):
        return None  # the usual case, asked of every text column a save writes: answered first
    table = model.__table__  # type: ignore[attr-defined]
    field, what = LABELS.get((table.name, column), (column, f"The {column.replace('_', ' ')}"))
    if UNSTORABLE.search(text):
        return Violation(
            field, f"{what} holds a character that cannot be stored (a NUL or control character): type it again."
        )
    assert limit is not None
    return Violation(field, f"{what} is too long: {len(text)} characters, at most {limit}.")


_LIMITS: dict[type[SQLModel], dict[str, int | None]] = {}


def _limits(model: type[SQLModel]) -> dict[str, int | None]:
    """Each column's length limit (None for none), read once per model."""
    limits = _LIMITS.get(model)
    if limits is None:
        table = model.__table__  # type: ignore[attr-defined]
        limits = _LIMITS[model] = {c.key: getattr(c.type, "length", None) for c in table.c}
    return limits


def row_violations(row: Any) -> list[Violation]:
    """Every text column of `row` the database could not keep as it is."""
    if not isinstance(row, SQLModel) or not hasattr(row, "__table__"):
        return []
    model = type(row)
    held = row.__dict__  # where the ORM keeps what is set: read there, not through its descriptors
    found = []
    for column in _limits(model):
        value = held[column] if column in held else getattr(row, column, None)
        if isinstance(value, str) and (problem := violation(model, column, value)) is not None:
            found.append(problem)
    return found


def refuse_unstorable_values(model: type[SQLModel], rows: Iterable[Mapping[str, Any]]) -> None:
    """`refuse_unstorable` for rows written as values, not objects (the audit trail's at the commit)."""
    problems = [
        problem
        for row in rows
        for column, value in row.items()
        if isinstance(value, str) and (problem := violation(model, column, value)) is not None
    ]
    if problems:
        raise ValidationFailed(problems)


def refuse_unstorable_rows(rows: Iterable[Any]) -> None:
    """ValidationFailed, and nothing written, for any of `rows` holding text its column cannot keep."""
    problems = [p for row in rows for p in row_violations(row)]
    if problems:
        raise ValidationFailed(problems)


def refuse_unstorable(session: OrmSession, _context: object, _instances: object) -> None:
    """Before a flush: `refuse_unstorable_rows` for every new or changed row."""
    refuse_unstorable_rows((*session.new, *session.dirty))


def install() -> None:
    """Check every session's rows before they are flushed (idempotent)."""
    if not event.contains(OrmSession, "before_flush", refuse_unstorable):
        event.listen(OrmSession, "before_flush", refuse_unstorable)


install()
