"""Time arithmetic inside SQL, the same answer on PostgreSQL and SQLite, so figures are
aggregated by the database instead of in Python.

SQLite keeps UTC instants as text (models.types.UTCDateTime); julianday() reads them. Seconds are
rounded to whole seconds so that an interval of exactly 24 hours compares equal to 24 hours.

Local times written into files (LocalTimes) are the one exception: SQLite knows no zones, so there
the instants are formatted in Python, to the same text.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

LOCAL_MINUTES = "%Y-%m-%d %H:%M"  # how the exports write an instant
_TO_CHAR_MINUTES = "YYYY-MM-DD HH24:MI"  # the same in PostgreSQL's to_char


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


def local(instant: datetime | None, tz: ZoneInfo) -> str:
    """The instant as the zone's wall-clock minutes, '' for none."""
    return instant.astimezone(tz).strftime(LOCAL_MINUTES) if instant else ""


class LocalTimes:
    """Instants selected to be written as `local` writes them. PostgreSQL formats them itself
    (to_char of the instant at the zone, '' for none), saving a zone conversion and a strftime per
    cell of a file of thousands of rows; SQLite selects the instant and `text` formats it."""

    def __init__(self, tz: ZoneInfo, *, postgres: bool) -> None:
        self.tz, self.postgres = tz, postgres
        self.text: Callable[[Any], str] = str if postgres else self._formatted

    def column(self, instant: Any) -> Any:
        if not self.postgres:
            return instant
        return sa.func.coalesce(sa.func.to_char(sa.func.timezone(self.tz.key, instant), _TO_CHAR_MINUTES), "")

    def _formatted(self, instant: datetime | None) -> str:
        return local(instant, self.tz)
