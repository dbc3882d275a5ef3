"""Column types shared by the tables: UTC-aware datetimes and enums stored as their values."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlmodel import SQLModel

# Named constraints let Alembic alter them the same way on SQLite and PostgreSQL.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# The table keyword of a table whose rows are erased while their ids are named elsewhere (the audit
# trail, a reminder's buttons, a plan's reference): SQLite's plain INTEGER PRIMARY KEY would hand
# the highest erased id to the next row, AUTOINCREMENT never does (migration 0032). PostgreSQL's
# sequences never go back, and ignore it.
IDS_NEVER_REUSED: dict[str, Any] = {"sqlite_autoincrement": True}


class UTCDateTime(sa.TypeDecorator[datetime]):
    """Stores instants in UTC and always returns them timezone-aware.

    PostgreSQL keeps `timestamptz`; SQLite has no zone, so naive UTC is stored and UTC re-attached
    on the way out. A naive datetime is refused: it would be a local time pretending to be UTC.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("refusing to store a naive datetime; give it a timezone")
        utc = value.astimezone(UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def enum_type(enum: type[StrEnum]) -> sa.Enum:
    """A VARCHAR holding the enum's value, so adding a member needs no database migration."""
    return sa.Enum(
        enum,
        native_enum=False,
        create_constraint=False,
        length=32,
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )


def enum_column(enum: type[StrEnum], *, nullable: bool = False, index: bool = False, **kw: Any) -> sa.Column[Any]:
    return sa.Column(enum_type(enum), nullable=nullable, index=index, **kw)


def utc_column(*, nullable: bool = True, index: bool = False) -> sa.Column[Any]:
    return sa.Column(UTCDateTime(), nullable=nullable, index=index)


def column_length(model: type[SQLModel], name: str) -> int:
    """The declared length of a VARCHAR column, so limits checked in services follow the schema."""
    length = model.__table__.c[name].type.length  # type: ignore[attr-defined]
    assert isinstance(length, int), f"{model.__name__}.{name} has no length"
    return length


def pk(row: SQLModel) -> int:
    """A row's id, which exists once the row has been flushed; SQLModel types it as optional."""
    value = getattr(row, "id", None)
    if not isinstance(value, int):
        raise RuntimeError(f"{type(row).__name__} has no id yet: flush the session first")
    return value
