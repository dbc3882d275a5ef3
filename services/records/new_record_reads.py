"""What a new record's row needs from the database before it is written: its reference (the
year's counter, counted up), its team with the team's supervisors (for its reminders and thread),
and the force's excluded-day calendar (for its deadlines).

On PostgreSQL in one round trip: the counter's upsert is a data-modifying WITH of the team's
query (run once, whatever the query returns), and the admin-added days are aggregated into one
row joined to it. On SQLite, where a statement is no round trip, each as it is read elsewhere."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlmodel import Session, col

from config import Settings
from models import ExtraExcludedDay, Team
from rules.calendar import ExcludedDayCalendar
from rules.order_types import OrderType
from services.records.calendar import force_calendar, remember_calendar
from services.records.planning import TEAM_AND_SUPERVISORS, team_and_supervisors, team_of
from services.records.references import as_reference, counted, next_reference


@dataclass(frozen=True)
class NewRecordReads:
    reference: str
    team: Team | None
    supervisor_ids: list[int]
    calendar: ExcludedDayCalendar


def new_record_reads(
    session: Session, settings: Settings, order_type: OrderType, year: int, team_id: int
) -> NewRecordReads:
    """The new record's reference for `year`, its team `team_id` and the force calendar (kept for
    the transaction, as force_calendar keeps it)."""
    force_code = settings.force_code
    if session.get_bind().dialect.name != "postgresql":
        reference = next_reference(session, force_code, order_type.value, year)
        team, supervisors = team_and_supervisors(session, team_id)
        return NewRecordReads(reference, team, supervisors, force_calendar(session, settings))
    key = {"force_code": force_code, "order_type": order_type.value, "year": year, "team_id": team_id}
    rows = session.exec(_IN_ONE_ROUND_TRIP, params=key).all()
    assert rows, "the officer's team exists (a foreign key), so its query returns a row"
    number, days, names = rows[0][2:]
    calendar = remember_calendar(session, settings, zip(days or (), names or (), strict=True))
    return NewRecordReads(as_reference(force_code, order_type.value, year, number), *team_of(rows), calendar)


def _in_one_round_trip() -> Any:
    number = counted("postgresql").cte("counted")
    day, name = col(ExtraExcludedDay.day), col(ExtraExcludedDay.name)
    added = sa.select(  # one row, whatever the days: an aggregate with no GROUP BY
        sa.func.array_agg(aggregate_order_by(day, day)).label("days"),
        sa.func.array_agg(aggregate_order_by(name, day)).label("names"),
    ).subquery()
    return (
        TEAM_AND_SUPERVISORS.add_columns(sa.select(number.c.last_number).scalar_subquery(), added.c.days, added.c.names)
        .join_from(Team, added, sa.true())
        .add_cte(number)
    )


_IN_ONE_ROUND_TRIP = _in_one_round_trip()  # built once, as its parts are
