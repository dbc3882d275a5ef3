"""Test databases: one PostgreSQL database per test process, emptied between tests, and seeded
states built once per process and put back for each test that asks for them.

Building a seed through the services (every record authorised, validated, audited and replanned)
costs far more than copying its rows back, and each test must still start from exactly the same
rows: so a seed runs once per database kind, its rows are kept, and each later test gets them back.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url

from models import metadata
from services.clock import ManualClock

POSTGRES_URL_VARIABLE = "DVPN_TEST_POSTGRES_URL"
T = TypeVar("T")


def row_counts(engine: Engine) -> dict[str, int]:
    """Rows in every table: equal before and after a refused call means nothing was written.
    The delivery ledger is left out: it notes every request Slack sent, refused or not."""
    with engine.connect() as connection:
        return {
            table.name: connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
            for table in metadata.sorted_tables
            if table.name != "slack_delivery"
        }


def audit_rows(engine: Engine, **where: object) -> list[dict[str, object]]:
    table = metadata.tables["audit_event"]
    query = sa.select(table).order_by(table.c.id)
    for key, value in where.items():
        query = query.where(table.c[key] == value)
    with engine.connect() as connection:
        return [dict(row._mapping) for row in connection.execute(query)]


def worker_name() -> str:
    """pytest-xdist names its workers gw0, gw1, ...; a run without it is one process."""
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def worker_database_url(base_url: str) -> str:
    """This test process's own database beside the one named in DVPN_TEST_POSTGRES_URL, so
    parallel workers never empty each other's tables."""
    url = make_url(base_url.replace("postgresql://", "postgresql+psycopg://", 1))
    return url.set(database=f"{url.database}_{worker_name()}").render_as_string(hide_password=False)


def create_database(url: str) -> None:
    """(Re)create the database `url` names, from a connection to the server's `postgres` database."""
    target = make_url(url)
    admin = sa.create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)')
            connection.exec_driver_sql(f'CREATE DATABASE "{target.database}"')
    finally:
        admin.dispose()


def drop_database(url: str) -> None:
    target = make_url(url)
    admin = sa.create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)')
    finally:
        admin.dispose()


# Migration 0010's trigger (audit_event_no_truncate) refuses TRUNCATE on audit_event, for the owner
# too. Emptying the test database between tests is the one place allowed round it: the test suite
# connects as the server's superuser, which may set session_replication_role, and sets it only
# inside its own transaction, so no other session ever runs with the trigger silenced.
_EVERY_ID_FROM_ONE = "SELECT setval(seqrelid::regclass, 1, false) FROM pg_sequence"


def empty_postgres(engine: Engine) -> None:
    """Every table emptied and every id sequence back at 1. Only the tables holding rows are
    truncated: TRUNCATE costs per table, and most tests touch a few."""
    holding_rows = " UNION ALL ".join(
        f"SELECT '{t.name}' WHERE EXISTS (SELECT 1 FROM {t.name})" for t in metadata.sorted_tables
    )
    with engine.begin() as connection:
        full = [name for (name,) in connection.exec_driver_sql(holding_rows)]
        if full:
            connection.exec_driver_sql("SET LOCAL session_replication_role = replica")
            connection.exec_driver_sql(f"TRUNCATE {', '.join(full)} CASCADE")
        connection.exec_driver_sql(_EVERY_ID_FROM_ONE)


@dataclass(frozen=True)
class _Saved:
    clock_at: datetime
    value: Any
    sqlite_file: Path | None = None
    rows: dict[str, list[dict[str, Any]]] | None = None


class Seeds:
    """Seeded database states of one test process, by name, database kind and starting time.

    `restore_or_build(name, engine, clock, build)` leaves the test's database holding exactly what
    `build()` would have made from the state it is in now, and the clock where `build` left it,
    and returns what `build` returned. The first call for a key runs `build` and keeps the whole
    database; later calls put it back. A seed's name must therefore name everything it builds on
    (for example "force+search" for the search seed made on the test force)."""

    def __init__(self, folder: Path) -> None:
        self._folder = folder
        self._saved: dict[tuple[str, str, datetime], _Saved] = {}

    def restore_or_build(self, name: str, engine: Engine, clock: ManualClock, build: Callable[[], T]) -> T:
        key = (name, engine.dialect.name, clock.now())
        saved = self._saved.get(key)
        if saved is None:
            value = build()
            saved = self._keep(key, engine, clock, value)
            self._saved[key] = saved
        else:
            self._put_back(saved, engine)
        clock.set(saved.clock_at)
        result: T = saved.value
        return result

    def _keep(self, key: tuple[str, str, datetime], engine: Engine, clock: ManualClock, value: Any) -> _Saved:
        if engine.dialect.name == "sqlite":
            engine.dispose()  # closing the last connection folds the WAL into the file, so a copy is whole
            kept = self._folder / f"seed-{len(self._saved)}.db"
            shutil.copy(_sqlite_path(engine), kept)
            return _Saved(clock.now(), value, sqlite_file=kept)
        with engine.connect() as connection:
            # In key order, so a row that refers to another of its own table (an order to the notice
            # it was made on) is put back after the row it refers to.
            rows = {
                table.name: [
                    dict(row._mapping) for row in connection.execute(sa.select(*stored).order_by(*table.primary_key))
                ]
                for table in metadata.sorted_tables
                # A generated column (protection_order.hours_to_hearing) is the database's to write.
                if (stored := [c for c in table.c if c.computed is None])
            }
        return _Saved(clock.now(), value, rows=rows)

    @staticmethod
    def _put_back(saved: _Saved, engine: Engine) -> None:
        if saved.sqlite_file is not None:
            engine.dispose()
            path = _sqlite_path(engine)
            for leftover in (Path(f"{path}-wal"), Path(f"{path}-shm")):
                leftover.unlink(missing_ok=True)
            shutil.copy(saved.sqlite_file, path)
            return
        assert saved.rows is not None
        empty_postgres(engine)
        with engine.begin() as connection:
            # The saved rows go back as they were, kept counts (caseload_count) included: the row
            # triggers that keep those counts would count the records a second time.
            connection.exec_driver_sql("SET LOCAL session_replication_role = replica")
            for table in metadata.sorted_tables:
                rows = saved.rows[table.name]
                if rows:
                    _insert(connection, table, rows)
                if "id" in table.c and isinstance(table.c.id.type, sa.Integer):
                    # Ids made after the seed continue from where the seed's own left off.
                    connection.execute(
                        sa.text(
                            "SELECT setval(pg_get_serial_sequence(:table, 'id'), "
                            "COALESCE((SELECT max(id) FROM " + table.name + "), 0) + 1, false)"
                        ),
                        {"table": table.name},
                    )


def _insert(connection: sa.Connection, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    """Rows that refer to others of their own table (an adjourned hearing to the later one it was
    adjourned to) go in without those references first, which are then set."""
    own = [fk.parent.name for fk in table.foreign_keys if fk.column.table is table]
    if not own:
        connection.execute(table.insert(), rows)
        return
    connection.execute(table.insert(), [{**row, **dict.fromkeys(own)} for row in rows])
    linked = [row for row in rows if any(row[name] is not None for name in own)]
    key = table.c.id
    for row in linked:
        connection.execute(table.update().where(key == row["id"]).values({name: row[name] for name in own}))


def _sqlite_path(engine: Engine) -> Path:
    database = engine.url.database
    assert database, "a seeded SQLite database must be a file"
    return Path(database)
