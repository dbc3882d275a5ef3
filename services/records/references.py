"""Human references such as WM-DVPN-2026-0042: force, type, year of the event, number in the year."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session

from models import ReferenceCounter, metadata


def next_reference(session: Session, force_code: str, order_type: str, year: int) -> str:
    """Hand out the next number. The UPDATE ... RETURNING takes a row lock, so concurrent
    processes on PostgreSQL each get a different number; SQLite has a single writer."""
    key = {"force_code": force_code, "order_type": order_type, "year": year}
    table = metadata.tables[ReferenceCounter.__tablename__]
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        session.execute(pg_insert(table).values(**key, last_number=0).on_conflict_do_nothing())
    else:
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        session.execute(sqlite_insert(table).values(**key, last_number=0).on_conflict_do_nothing())
    number = session.execute(
        sa.update(table)
        .where(*(table.c[k] == v for k, v in key.items()))
        .values(last_number=table.c.last_number + 1)
        .returning(table.c.last_number)
    ).scalar_one()
    return f"{force_code}-{order_type}-{year}-{number:04d}"
