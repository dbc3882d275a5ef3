"""What a new record's rows need from the database before they are written: its team with the
team's supervisors (for its reminders and thread), the force's excluded-day calendar (for its
deadlines), and the ids its new rows will have, so the people, the record, its links and its first
check go in together (services.new_rows), each already knowing the ids it refers to. Its reference
is not counted here but once the record is planned, just before its rows go in (order_writer): the
counter's row stays locked until the commit.

On PostgreSQL in one round trip: the admin-added days are aggregated into one row joined to the
team's query, and the ids are taken from the tables' own sequences (as an INSERT would take them).
On SQLite, where a statement is no round trip, each as it is read elsewhere, and the ids are the
next after each table's largest, as SQLite gives them (one writer at a time: nothing can come
between)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlmodel import Session, SQLModel, col

from config import Settings
from models import BreachCheck, ExtraExcludedDay, Notification, Perpetrator, ProtectedPerson, ProtectionOrder, Team
from rules.calendar import ExcludedDayCalendar
from services.records.calendar import force_calendar, remember_calendar
from services.records.planning import TEAM_AND_SUPERVISORS, team_and_supervisors, team_of

# The tables a new record's rows go in whose ids are handed out here.
WITH_IDS: tuple[type[SQLModel], ...] = (Perpetrator, ProtectedPerson, ProtectionOrder, BreachCheck, Notification)


@dataclass(frozen=True)
class NewRecordReads:
    team: Team | None
    supervisor_ids: list[int]
    calendar: ExcludedDayCalendar
    ids: dict[type[SQLModel], list[int]]  # for each of WITH_IDS, as many as asked for


def new_record_reads(
    session: Session, settings: Settings, team_id: int, new: Mapping[type[SQLModel], int]
) -> NewRecordReads:
    """The new record's team `team_id`, the force calendar (kept for the transaction, as
    force_calendar keeps it) and `new[model]` ids for each of WITH_IDS."""
    if session.get_bind().dialect.name != "postgresql":
        team, supervisors = team_and_supervisors(session, team_id)
        ids = {model: _next_ids(session, model, new.get(model, 0)) for model in WITH_IDS}
        return NewRecordReads(team, supervisors, force_calendar(session, settings), ids)
    counts = {f"new_{_table(model).name}": new.get(model, 0) for model in WITH_IDS}
    rows = session.exec(_IN_ONE_ROUND_TRIP, params={"team_id": team_id} | counts).all()
    assert rows, "the officer's team exists (a foreign key), so its query returns a row"
    days, names, *taken = rows[0][2:]
    calendar = remember_calendar(session, settings, zip(days or (), names or (), strict=True))
    ids = {model: list(given or ()) for model, given in zip(WITH_IDS, taken, strict=True)}
    return NewRecordReads(*team_of(rows), calendar, ids)


def _next_ids(session: Session, model: type[SQLModel], count: int) -> list[int]:
    """SQLite: the ids its next inserts would give, as it gives them: after the largest the table
    holds and, for an AUTOINCREMENT table, the largest it ever held (sqlite_sequence), so an
    erased row's id is not handed out again."""
    if not count:
        return []
    table = _table(model)
    largest: sa.ColumnElement[int] = sa.select(sa.func.coalesce(sa.func.max(table.c.id), 0)).scalar_subquery()
    if _has_sequences(session):
        held = sa.select(_SEQUENCES.c.seq).where(_SEQUENCES.c.name == table.name).scalar_subquery()
        largest = sa.func.max(largest, sa.func.coalesce(held, 0))
    after = session.execute(sa.select(largest)).scalar_one()
    return list(range(after + 1, after + 1 + count))


_SEQUENCES = sa.table("sqlite_sequence", sa.column("name"), sa.column("seq"))


def _has_sequences(session: Session) -> bool:
    """SQLite makes sqlite_sequence with its first AUTOINCREMENT table."""
    found = sa.text("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_sequence'")
    return bool(session.execute(found).scalar_one())


def _table(model: type[SQLModel]) -> sa.Table:
    table: sa.Table = model.__table__  # type: ignore[attr-defined]
    return table


def _taken_ids(model: type[SQLModel]) -> sa.ScalarSelect[Any]:
    """`new_<table>` ids from the table's sequence, as an array (NULL for none)."""
    name = _table(model).name
    sequence = sa.func.pg_get_serial_sequence(name, "id")
    count = sa.bindparam(f"new_{name}", type_=sa.Integer)
    return (
        sa.select(sa.func.array_agg(sa.func.nextval(sequence)))
        .select_from(sa.func.generate_series(1, count))
        .scalar_subquery()
    )


def _in_one_round_trip() -> Any:
    day, name = col(ExtraExcludedDay.day), col(ExtraExcludedDay.name)
    added = sa.select(  # one row, whatever the days: an aggregate with no GROUP BY
        sa.func.array_agg(aggregate_order_by(day, day)).label("days"),
        sa.func.array_agg(aggregate_order_by(name, day)).label("names"),
    ).subquery()
    return TEAM_AND_SUPERVISORS.add_columns(
        added.c.days,
        added.c.names,
        *(_taken_ids(model) for model in WITH_IDS),
    ).join_from(Team, added, sa.true())


_IN_ONE_ROUND_TRIP = _in_one_round_trip()  # built once, as its parts are
