"""Reading what someone typed to find a record or a person: a record reference, a PNC id, or a
name (matched through rules.names, as exact `name_key` values and "first ... last" prefixes, so
the database answers from its index on name_key)."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import col, or_

from rules.names import NameQuery, is_pnc_id, name_query, normalise_pnc_id
from services.records.lookup import FULL, WITHOUT_PREFIX

MAX_MIDDLE_NAME_PATTERNS = 32  # each is one index range scan; more would make the search slow


class FoundBy(StrEnum):
    REFERENCE = "reference"
    PNC = "pnc"
    NAME = "name"


def read_identifier(text: str) -> tuple[FoundBy, str]:
    """What kind of identifier was typed, and its normal form."""
    cleaned = " ".join(text.split())
    # In full (WM-DVPN-2026-0042) or without the force's prefix (INC-2026-0001), as
    # services.records.lookup reads a record's and services.incidents.scope an incident's.
    if FULL.fullmatch(cleaned.upper()) or WITHOUT_PREFIX.fullmatch(cleaned.upper()):
        return FoundBy.REFERENCE, cleaned.upper()
    if is_pnc_id(cleaned):
        return FoundBy.PNC, normalise_pnc_id(cleaned)
    return FoundBy.NAME, cleaned


def name_matches(column: object, typed: str) -> ColumnElement[bool] | None:
    """A filter on a name_key column (e.g. Perpetrator.name_key) for a typed name; None when
    nothing name-like was typed."""
    query: NameQuery = name_query(typed)
    if query.empty:
        return None
    key = col(column)
    clauses: list[ColumnElement[bool]] = [key.in_(sorted(query.keys))]
    pairs = query.first_last[:MAX_MIDDLE_NAME_PATTERNS]
    # Keys hold only a-z and spaces, so no LIKE wildcard can come from what was typed.
    clauses += [key.like(f"{first} % {last}") for first, last in pairs]
    return or_(*clauses)
