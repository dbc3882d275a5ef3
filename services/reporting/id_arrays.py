"""A list of ids sent to the database as one value: an integer[] on PostgreSQL, a JSON list on
SQLite. An export looks its rows' facts up by the ids of thousands of rows; sent as one bind
parameter each, the driver finds and converts every one of them in the statement's text, and the
planner reads a list of thousands of constants; a subquery instead would read the period's rows
again for each fact."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.sql.elements import ColumnElement


def among(column: Any, ids: Sequence[int], *, postgres: bool) -> ColumnElement[bool]:
    """`column` is one of `ids`."""
    found: ColumnElement[bool]
    if postgres:
        found = column == sa.any_(sa.bindparam(None, list(ids), type_=postgresql.ARRAY(sa.Integer)))
    else:
        listed = sa.bindparam(None, json.dumps(list(ids)), type_=sa.String)
        found = column.in_(sa.select(sa.func.json_each(listed).table_valued("value").c.value))
    return found


def each_id(ids: Sequence[int], *, postgres: bool, name: str = "ids") -> Any:
    """`ids` as a table of (value, position), in their order, from one bound value."""
    if postgres:
        array = sa.bindparam(name, list(ids), type_=postgresql.ARRAY(sa.Integer))
        return sa.func.unnest(array).table_valued("value", with_ordinality="position").render_derived()
    listed = sa.bindparam(name, json.dumps(list(ids)), type_=sa.String)
    each = sa.func.json_each(listed).table_valued("key", "value")
    return sa.select(each.c.value.label("value"), each.c.key.label("position")).subquery("exported")
