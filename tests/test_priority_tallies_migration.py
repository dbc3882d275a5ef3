"""Migration 0033 adds the priority tallies and the triggers that note whose may have changed, on
both databases: its downgrade takes away every table, trigger and function it made; after an
upgrade from a database written by a release without them, the first keeping makes every tally
from the events (offending recorded meanwhile included), and a write after it is noted."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from models.schema import upgrade
from services.clock import ManualClock
from services.context import ServiceContext
from services.incidents.recording import NewIncident, record_incident
from services.people import priority_tallies
from services.records.order_writer import PersonInput
from tests.properties.invariants import the_priority_tallies_are_the_events
from tests.support.force import Force, london
from tests.support.migrations import undo
from tests.support.records import dvpn, record

TABLES = {"priority_tally", "priority_ahead", "priority_team", "priority_member", "priority_dirty", "priority_state"}


def _made_by_the_migration(connection: sa.Connection) -> set[str]:
    """The tables, triggers and trigger functions of migration 0033 the database has."""
    tables = TABLES & set(sa.inspect(connection).get_table_names())
    if connection.dialect.name == "postgresql":
        triggers = "SELECT tgname || ' ON ' || tgrelid::regclass FROM pg_trigger WHERE tgname LIKE :like"
        functions = "SELECT proname FROM pg_proc WHERE proname LIKE :like"
        return tables | _names(connection, triggers) | _names(connection, functions)
    return tables | _names(connection, "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE :like")


def _names(connection: sa.Connection, query: str) -> set[str]:
    return set(connection.execute(sa.text(query), {"like": "priority_%"}).scalars())


def test_the_tallies_are_made_from_the_events_after_an_upgrade(
    ctx: ServiceContext, clock: ManualClock, force: Force
) -> None:
    clock.set(london("2026-04-02 21:00"))
    record(ctx, force.officer, dvpn("2026-03-30 20:00"))
    record_incident(
        ctx,
        force.officer,
        NewIncident(clock.now() - timedelta(hours=3), PersonInput("Sam Sample"), PersonInput("Alex Example"), (), 15),
    )
    priority_tallies.keep_current(ctx)
    engine = ctx.engine
    with engine.connect() as connection:
        made = _made_by_the_migration(connection)
    # 7 watched tables; on PostgreSQL a function and two triggers each, on SQLite 2 or 3 triggers each.
    assert made >= TABLES and len(made - TABLES) in (7 * 3, 19)

    undo(engine, "0033")
    with engine.connect() as connection:
        assert _made_by_the_migration(connection) == set()
    with engine.begin() as connection:  # a breach recorded by a release that kept no tallies
        connection.execute(
            sa.text(
                "INSERT INTO breach (order_id, occurred_at, recorded_by_id, recorded_at) "
                "SELECT id, served_at + interval '1 day', officer_id, served_at FROM protection_order"
                if connection.dialect.name == "postgresql"
                else "INSERT INTO breach (order_id, occurred_at, recorded_by_id, recorded_at) "
                "SELECT id, datetime(served_at, '+1 day'), officer_id, served_at FROM protection_order"
            )
        )

    upgrade(engine)
    with engine.connect() as connection:
        assert _made_by_the_migration(connection) == made
        assert connection.exec_driver_sql("SELECT count(*) FROM priority_tally").scalar() == 0
    assert priority_tallies.keep_current(ctx).rebuilt
    assert the_priority_tallies_are_the_events(ctx) == []
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT sum(events) FROM priority_tally").scalar() == 3
    with engine.begin() as connection:  # the triggers are there: a write is noted
        connection.exec_driver_sql("UPDATE incident SET risk_level = 'medium'")
        noted = connection.exec_driver_sql("SELECT DISTINCT perpetrator_id FROM priority_dirty").scalars()
        assert len(list(noted)) == 1
    assert the_priority_tallies_are_the_events(ctx) == []
