"""The perpetrator priority list's kept tallies (services.people.priority_tallies): each person's
offending in the scoring window, summed and banded as the list ranks it, so the list is read from an
index instead of summed over a million events at every ask.

A person is keyed as services.people.priority keys them (`k_kind`, `k_first`, `k_second`: by PNC id,
else name and date of birth, else the row alone). Derived data, no foreign keys: rows of perpetrators
whose events or identity may have changed are noted in `priority_dirty` by triggers on the tables
the events come from (migration 0033), whichever statement writes them, and the tallies of those
people are made again before the list is next read."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.types import utc_column

KIND_LENGTH = 4  # "pnc", "name", "row"
FIRST_LENGTH = 200  # a PNC id, a name key or a row id
SECOND_LENGTH = 32  # a date of birth as the database writes it, or ""


class PriorityTally(SQLModel, table=True):
    """One person's tally as of `priority_state.day`: their events in the window up to the time it
    was made, and the points the matrix gave them that day."""

    __tablename__ = "priority_tally"
    __table_args__ = (
        sa.Index("ix_priority_tally_rank", "total", "victims", "last"),  # the champion's list, read backwards
        sa.Index("ix_priority_tally_latest", "latest"),  # whose recency band a new day moves
        sa.Index("ix_priority_tally_first", "first_at"),  # whose events a new day's window leaves behind
        sa.Index(
            "ix_priority_tally_next",
            "next_at",
            postgresql_where=sa.text("next_at IS NOT NULL"),
            sqlite_where=sa.text("next_at IS NOT NULL"),
        ),
    )

    k_kind: str = Field(primary_key=True, max_length=KIND_LENGTH)
    k_first: str = Field(primary_key=True, max_length=FIRST_LENGTH)
    k_second: str = Field(primary_key=True, max_length=SECOND_LENGTH)
    events: int
    gravity: int
    victims: int
    total: int  # the RFG(V) score on the day it was made
    serial: bool
    latest: datetime = Field(sa_column=utc_column(nullable=False))  # the latest counted event
    last: datetime = Field(sa_column=utc_column(nullable=False))  # the latest event at all, the list's order
    first_at: datetime = Field(sa_column=utc_column(nullable=False))  # the earliest event in the window
    next_at: datetime | None = Field(default=None, sa_column=utc_column())  # the first event after it was made


class PriorityAhead(SQLModel, table=True):
    """A person none of whose events in the window counts yet, and the first of them: they have no
    tally (they are on no list) until that time comes."""

    __tablename__ = "priority_ahead"
    __table_args__ = (sa.Index("ix_priority_ahead_next", "next_at"),)

    k_kind: str = Field(primary_key=True, max_length=KIND_LENGTH)
    k_first: str = Field(primary_key=True, max_length=FIRST_LENGTH)
    k_second: str = Field(primary_key=True, max_length=SECOND_LENGTH)
    next_at: datetime = Field(sa_column=utc_column(nullable=False))


class PriorityTeam(SQLModel, table=True):
    """A team with an event of the person's in the window, and the person's rank there: a
    supervisor's list is read from their teams' rows."""

    __tablename__ = "priority_team"
    __table_args__ = (
        sa.Index("ix_priority_team_rank", "team_id", "total", "victims", "last"),
        sa.Index("ix_priority_team_person", "k_kind", "k_first", "k_second"),  # made again with the tally
    )

    team_id: int = Field(primary_key=True)
    k_kind: str = Field(primary_key=True, max_length=KIND_LENGTH)
    k_first: str = Field(primary_key=True, max_length=FIRST_LENGTH)
    k_second: str = Field(primary_key=True, max_length=SECOND_LENGTH)
    total: int
    victims: int
    serial: bool
    last: datetime = Field(sa_column=utc_column(nullable=False))


class PriorityMember(SQLModel, table=True):
    """A perpetrator row whose events a tally counts, and under which key: when the row's identity
    changes, or it is erased, the tally it left is made again too."""

    __tablename__ = "priority_member"
    __table_args__ = (sa.Index("ix_priority_member_person", "k_kind", "k_first", "k_second"),)

    perpetrator_id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    k_kind: str = Field(max_length=KIND_LENGTH)
    k_first: str = Field(max_length=FIRST_LENGTH)
    k_second: str = Field(max_length=SECOND_LENGTH)


class PriorityDirty(SQLModel, table=True):
    """A perpetrator row whose events, victims or identity a write may have changed, noted by the
    triggers of migration 0033 in the writing transaction; taken away when its tallies are made again."""

    __tablename__ = "priority_dirty"

    id: int | None = Field(default=None, primary_key=True)
    perpetrator_id: int


class PriorityState(SQLModel, table=True):
    """The one row saying which day the tallies are banded for, under which matrix and settings, and
    how many people they hold and how many of them are serial (the force's list's counts)."""

    __tablename__ = "priority_state"

    id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    day: date
    fingerprint: str = Field(max_length=64)
    people: int
    serial: int
    kept_at: datetime = Field(sa_column=utc_column(nullable=False))
