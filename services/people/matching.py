"""Reading what someone typed to find a record or a person: a record reference, a PNC id, or a
name (matched through rules.names, as exact `name_key` values and "first ... last" prefixes, so
the database answers from its index on name_key)."""

from __future__ import annotations

import re
from enum import StrEnum

from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import col, or_

from rules.names import NameQuery, is_pnc_id, name_query, normalise_pnc_id

RECORD_REFERENCE = re.compile(r"^[A-Z]{2,4}-[A-Z]{2,5}-\d{4}-\d{1,6}$")
MAX_MIDDLE_NAME_PATTERNS = 32  # each is one index range scan; more would make the search slow


class FoundBy(StrEnum):
    REFERENCE = "reference"
    PNC = "pnc"
    NAME = "name"


def read_identifier(text: str) -> tuple[FoundBy, str]:
    """What kind of identifier was typed, and its normal form."""
    cleaned = " ".join(text.split())
    if RECORD_REFERENCE.fullmatch(cleaned.upper()):
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
