"""A list of ids (or references) sent to the database as one value: an integer[] (varchar[]) on
PostgreSQL, a JSON list on SQLite. An export looks its rows' facts up by the ids of thousands of rows; sent as one bind
parameter each, the driver finds and converts every one of them in the statement's text, and the
planner reads a list of thousands of constants; a subquery instead would read the period's rows
again for each fact.

On PostgreSQL the array is sent as its text, '{1,2,3}', with no type of its own, so that the server
reads it as the integer[] the statement casts it to. psycopg would dump a Python list element by
element in Python (a regular expression each); and text sent as varchar is cast to integer[] by an
expression the planner cannot fold, so `= ANY` searched the whole array for each row a scan read
(14 s for a month's hearings) where a constant array is hashed."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.sql.elements import ColumnElement


def among(column: Any, ids: Sequence[int] | Sequence[str], *, postgres: bool) -> ColumnElement[bool]:
    """`column` is one of `ids`: integer ids, or references."""
    found: ColumnElement[bool]
    if not ids:  # an empty array has no type to compare by
        found = sa.false()
    elif postgres:
        found = column == sa.any_(_texts(ids) if isinstance(ids[0], str) else _array(ids, None))
    else:
        listed = sa.bindparam(None, json.dumps(list(ids)), type_=sa.String)
        found = column.in_(sa.select(sa.func.json_each(listed).table_valued("value").c.value))
    return found


def each_id(ids: Sequence[int], *, postgres: bool, name: str = "ids") -> Any:
    """`ids` as a table of (value, position), in their order, from one bound value."""
    if postgres:
        return sa.func.unnest(_array(ids, name)).table_valued("value", with_ordinality="position").render_derived()
    listed = sa.bindparam(name, json.dumps(list(ids)), type_=sa.String)
    each = sa.func.json_each(listed).table_valued("key", "value")
    return sa.select(each.c.value.label("value"), each.c.key.label("position")).subquery("exported")


def _texts(values: Sequence[int] | Sequence[str]) -> Any:
    """Strings as a varchar[] constant's text, each quoted (so a comma or brace inside is kept)."""
    quoted = ('"' + str(v).replace("\\", "\\\\").replace('"', '\\"') + '"' for v in values)
    text = "{" + ",".join(quoted) + "}"
    return sa.cast(sa.bindparam(None, text, type_=sa.types.NullType()), postgresql.ARRAY(sa.String))


def _array(ids: Sequence[int] | Sequence[str], name: str | None) -> Any:
    text = "{" + ",".join(map(str, map(int, ids))) + "}"
    return sa.cast(sa.bindparam(name, text, type_=sa.types.NullType()), postgresql.ARRAY(sa.Integer))
