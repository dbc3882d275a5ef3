"""Human references such as WM-DVPN-2026-0042: force, type, year of the event, number in the year."""

from __future__ import annotations

from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from models import ReferenceCounter, metadata

_KEY = ("force_code", "order_type", "year")


def next_reference(session: Session, force_code: str, order_type: str, year: int) -> str:
    """Hand out the next number in one statement: an upsert that counts the year's first record
    or adds one to the count. Its row lock makes concurrent processes on PostgreSQL each get a
    different number; SQLite has a single writer."""
    key = {"force_code": force_code, "order_type": order_type, "year": year}
    return as_reference(
        force_code, order_type, year, session.execute(counted(session.get_bind().dialect.name), key).scalar_one()
    )


def as_reference(force_code: str, order_type: str, year: int, number: int) -> str:
    return f"{force_code}-{order_type}-{year}-{number:04d}"


@cache
def counted(dialect: str) -> Any:
    """The upsert, returning the number handed out (parameters: force_code, order_type, year).
    Built once per dialect: building it cost as much as running it."""
    table = metadata.tables[ReferenceCounter.__tablename__]
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    upsert = insert(table).values(**{name: sa.bindparam(name) for name in _KEY}, last_number=1)
    return upsert.on_conflict_do_update(
        index_elements=list(_KEY), set_={"last_number": table.c.last_number + 1}
    ).returning(table.c.last_number)
