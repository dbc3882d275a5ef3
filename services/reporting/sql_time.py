"""Time arithmetic inside SQL, the same answer on PostgreSQL and SQLite, so figures are
aggregated by the database instead of in Python.

SQLite keeps UTC instants as text (models.types.UTCDateTime); julianday() reads them. Seconds are
rounded to whole seconds so that an interval of exactly 24 hours compares equal to 24 hours.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement


class seconds_between(FunctionElement[float]):  # named as the SQL it renders
    """seconds_between(a, b): b - a in seconds (negative when b is earlier)."""

    type = sa.Float()
    inherit_cache = True
    name = "seconds_between"


@compiles(seconds_between, "postgresql")
def _postgresql(element: seconds_between, compiler: SQLCompiler, **kw: Any) -> str:
    start, end = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"EXTRACT(EPOCH FROM ({end} - {start}))"


@compiles(seconds_between, "sqlite")
def _sqlite(element: seconds_between, compiler: SQLCompiler, **kw: Any) -> str:
    start, end = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"ROUND((julianday({end}) - julianday({start})) * 86400.0)"


def hours_between(start: Any, end: Any) -> sa.ColumnElement[float]:
    return seconds_between(start, end) / 3600.0
