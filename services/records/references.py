"""Human references such as WM-DVPN-2026-0042: force, type, year of the event, number in the year."""

from __future__ import annotations

from sqlmodel import Session

from models import ReferenceCounter, metadata


def next_reference(session: Session, force_code: str, order_type: str, year: int) -> str:
    """Hand out the next number in one statement: an upsert that counts the year's first record
    or adds one to the count. Its row lock makes concurrent processes on PostgreSQL each get a
    different number; SQLite has a single writer."""
    key = {"force_code": force_code, "order_type": order_type, "year": year}
    table = metadata.tables[ReferenceCounter.__tablename__]
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert  # type: ignore[assignment]
    upsert = insert(table).values(**key, last_number=1)
    number = session.execute(
        upsert.on_conflict_do_update(index_elements=list(key), set_={"last_number": table.c.last_number + 1}).returning(
            table.c.last_number
        )
    ).scalar_one()
    return f"{force_code}-{order_type}-{year}-{number:04d}"
