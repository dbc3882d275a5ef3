"""Data subjects, kept apart because the law treats suspects and victims as different categories
(Data Protection Act 2018 s38). Names, dates of birth and addresses live only here."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.types import IDS_NEVER_REUSED, utc_column


class Perpetrator(SQLModel, table=True):
    __tablename__ = "perpetrator"
    # varchar_pattern_ops: PostgreSQL can then answer LIKE 'prefix%' from the index (the database's
    # collation is not C); equality lookups use it too. SQLite ignores the option.
    __table_args__ = (
        sa.Index("ix_perpetrator_name_key", "name_key", postgresql_ops={"name_key": "varchar_pattern_ops"}),
        IDS_NEVER_REUSED,
    )

    id: int | None = Field(default=None, primary_key=True)
    full_name: str = Field(max_length=200)
    name_key: str = Field(max_length=200)  # normalised for search
    date_of_birth: date | None = None
    address: str | None = Field(default=None, sa_type=sa.Text)
    pnc_id: str | None = Field(default=None, max_length=32, index=True)
    created_at: datetime = Field(sa_column=utc_column(nullable=False))
    updated_at: datetime = Field(sa_column=utc_column(nullable=False))


class ProtectedPerson(SQLModel, table=True):
    __tablename__ = "protected_person"
    __table_args__ = (
        sa.Index("ix_protected_person_name_key", "name_key", postgresql_ops={"name_key": "varchar_pattern_ops"}),
        IDS_NEVER_REUSED,
    )

    id: int | None = Field(default=None, primary_key=True)
    full_name: str = Field(max_length=200)
    name_key: str = Field(max_length=200)
    date_of_birth: date | None = None
    address: str | None = Field(default=None, sa_type=sa.Text)
    created_at: datetime = Field(sa_column=utc_column(nullable=False))
    updated_at: datetime = Field(sa_column=utc_column(nullable=False))


class OrderProtectedPerson(SQLModel, table=True):
    """An order may protect several people; a person may be protected by several orders."""

    __tablename__ = "order_protected_person"

    order_id: int = Field(foreign_key="protection_order.id", primary_key=True)
    person_id: int = Field(foreign_key="protected_person.id", primary_key=True, index=True)


class IdentityMismatch(SQLModel, table=True):
    """A perpetrator recorded with a PNC id already on record under a different name or date of
    birth. What the officer typed is kept in its own perpetrator row; until a supervisor or admin
    entitled to both records says whether it is the same person, perpetrator history keeps the rows
    apart, so a PNC id never opens another team's record."""

    __tablename__ = "identity_mismatch"
    __table_args__ = (IDS_NEVER_REUSED,)

    id: int | None = Field(default=None, primary_key=True)
    perpetrator_id: int = Field(foreign_key="perpetrator.id", index=True)  # the row as typed
    order_id: int = Field(foreign_key="protection_order.id", index=True)  # the record it was typed on
    recorded_by_id: int = Field(foreign_key="app_user.id")
    created_at: datetime = Field(sa_column=utc_column(nullable=False))
    resolved_at: datetime | None = Field(default=None, sa_column=utc_column())
    resolved_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    same_person: bool | None = None  # the resolution: joined in history (True) or kept apart (False)
