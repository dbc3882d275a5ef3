"""Fill a scratch PostgreSQL database with a fictitious force for the reporting benchmark
(bench/reporting_queries.py): 40 teams, ~1,500 staff, 1,000,000 notices and orders over six years
with their people, hearings, breaches, breach checks and notifications, 10,000,000 reminders and
the audit trail; then 850,000 incidents a year (--incidents-per-year) with their children, MARAC
referrals, Clare's Law requests and perpetrator plans, made inside PostgreSQL (bench/fakeforce/incidents.py).

    !!!  THE DATABASE IS EMPTIED: its public schema is dropped and rebuilt from the migrations.  !!!
    !!!  Point DVPN_BENCH_POSTGRES_URL at a scratch database, never at one holding real data.    !!!

DVPN_BENCH_POSTGRES_URL defaults to postgresql://postgres@127.0.0.1:5432/dvpn_bench_reporting and
the database is created if missing. Rows are loaded with COPY into tables stripped of their keys
and indexes, which are then rebuilt exactly as the migrations made them (foreign keys validated in
bulk), and the whole database is vacuumed and analysed.

With --reuse, a database whose generation finished with the same parameters is kept: only new
migrations are applied (timed: that is where new indexes get built) and statistics refreshed.

Usage:
    .venv/bin/python bench/reporting_data.py [--reuse] [--orders 1000000] [--reminders 10000000]
        [--incidents-per-year 850000] [--seed 6]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psycopg
from sqlalchemy.engine import Engine, make_url

from bench.fakeforce.copyfiles import COLUMNS
from bench.fakeforce.force import NOW, YEARS, write_force
from bench.fakeforce.incidents import write_incidents
from config import Settings
from models.db import make_engine
from models.schema import upgrade
from services.clock import ManualClock
from services.context import ServiceContext
from services.people import priority_tallies

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/dvpn_bench_reporting"
MARKER = "dvpn-bot reporting bench data"


def bench_url() -> str:
    return os.environ.get("DVPN_BENCH_POSTGRES_URL", DEFAULT_URL)


def sqlalchemy_url(url: str) -> str:
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


def ensure_database(url: str) -> None:
    """Create the scratch database if it does not exist yet."""
    parsed = make_url(url)
    name = parsed.database
    assert name, "the bench URL names no database"
    admin = parsed.set(database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as connection:
        if connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is None:
            connection.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}")


@contextmanager
def raw_connection(url: str, *, autocommit: bool = False) -> Iterator[psycopg.Connection[Any]]:
    with psycopg.connect(url, autocommit=autocommit) as connection:
        yield connection


def marker_text(orders: int, reminders: int, seed: int, incidents_per_year: int) -> str:
    return (
        f"{MARKER}: orders={orders} reminders={reminders} incidents_per_year={incidents_per_year} "
        f"seed={seed} now={NOW.isoformat()}"
    )


def stored_marker(url: str) -> str | None:
    with raw_connection(url) as connection:
        row = connection.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = current_database()"
        ).fetchone()
        return row[0] if row else None


def write_marker(url: str, text: str | None) -> None:
    with raw_connection(url, autocommit=True) as connection:
        name = connection.execute("SELECT current_database()").fetchone()
        assert name is not None
        value = "NULL" if text is None else "'" + text.replace("'", "''") + "'"
        connection.execute(f'COMMENT ON DATABASE "{name[0]}" IS {value}')


# The schema the generated rows are written for. Later migrations run on the loaded data, so their
# backfills (a record's stored next deadline, checks no longer needed) fill in what they add.
DATA_REVISION = "0004"


def rebuild_schema(engine: Engine, url: str) -> None:
    write_marker(url, None)  # an interrupted generation must not be reused
    with raw_connection(url, autocommit=True) as connection:
        connection.execute("DROP SCHEMA public CASCADE")
        connection.execute("CREATE SCHEMA public")
    upgrade(engine, DATA_REVISION)


@contextmanager
def timed(label: str) -> Iterator[None]:
    began = time.perf_counter()
    yield
    print(f"  {label:<44} {time.perf_counter() - began:8.1f} s", flush=True)


class Keys:
    """Every key and index the migrations made, as DDL to rebuild them after loading."""

    def __init__(self, connection: psycopg.Connection[Any]) -> None:
        rows = connection.execute(
            "SELECT conrelid::regclass::text, conname, contype, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE connamespace = 'public'::regnamespace AND contype IN ('p', 'u', 'f')"
        ).fetchall()
        self.constraints = [(table, name, kind, ddl) for table, name, kind, ddl in rows if table != "alembic_version"]
        constraint_names = {name for _, name, _, _ in rows}
        index_rows = connection.execute(
            "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'"
        ).fetchall()
        self.indexes = [(t, n, ddl) for t, n, ddl in index_rows if t != "alembic_version" and n not in constraint_names]
        self.tables = sorted({table for table, _, _, _ in self.constraints} | {table for table, _, _ in self.indexes})

    def drop(self, connection: psycopg.Connection[Any]) -> None:
        for table, name, _kind, _ddl in sorted(self.constraints, key=lambda c: c[2] != "f"):  # foreign keys first
            connection.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for _table, name, _ddl in self.indexes:
            connection.execute(f'DROP INDEX "{name}"')

    def rebuild(self, connection: psycopg.Connection[Any], table: str) -> None:
        """Primary and unique keys, then indexes, of one table; foreign keys come last, in `link`."""
        for owner, name, kind, ddl in self.constraints:
            if owner == table and kind != "f":
                connection.execute(f'ALTER TABLE {owner} ADD CONSTRAINT "{name}" {ddl}')
        for owner, _name, ddl in self.indexes:
            if owner == table:
                connection.execute(ddl)

    def link(self, connection: psycopg.Connection[Any]) -> None:
        for owner, name, kind, ddl in self.constraints:
            if kind == "f":
                connection.execute(f'ALTER TABLE {owner} ADD CONSTRAINT "{name}" {ddl}')


def load(url: str, directory: Path, tables: list[str]) -> None:
    with raw_connection(url, autocommit=True) as connection:
        connection.execute("SET maintenance_work_mem = '512MB'")  # index builds sort in memory
        keys = Keys(connection)
        keys.drop(connection)
        for table in tables:
            path = directory / f"{table}.tsv"
            if not path.exists():
                continue
            with timed(f"{table}: COPY {path.stat().st_size / 1e6:,.0f} MB"):
                copy_file(connection, table, path)
            with timed(f"{table}: keys and indexes"):
                keys.rebuild(connection, table)
        for table in keys.tables:
            if table not in tables:
                keys.rebuild(connection, table)
        with timed("foreign keys (validated)"):
            keys.link(connection)
        for table in tables:
            if "id" in COLUMNS[table].split(", "):
                connection.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
                )


def copy_file(connection: psycopg.Connection[Any], table: str, path: Path) -> None:
    with (
        connection.cursor() as cursor,
        cursor.copy(f"COPY {table} ({COLUMNS[table]}) FROM STDIN") as copy,
        path.open("rb") as source,
    ):
        while chunk := source.read(1 << 20):
            copy.write(chunk)


def analyse(url: str) -> None:
    with raw_connection(url, autocommit=True) as connection, timed("VACUUM (ANALYZE)"):
        connection.execute("VACUUM (ANALYZE)")


def report_sizes(url: str) -> None:
    with raw_connection(url) as connection:
        size = connection.execute("SELECT pg_size_pretty(pg_database_size(current_database()))").fetchone()
        print(f"database size: {size[0] if size else '?'}")
        rows = connection.execute(
            "SELECT c.relname, c.reltuples::bigint, pg_size_pretty(pg_table_size(c.oid)), "
            "pg_size_pretty(pg_indexes_size(c.oid)) FROM pg_class c "
            "WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r' "
            "ORDER BY pg_total_relation_size(c.oid) DESC"
        ).fetchall()
        print(f"  {'table':<24} {'rows':>12} {'data':>10} {'indexes':>10}")
        for name, count, data, indexes in rows:
            print(f"  {name:<24} {count:>12,} {data:>10} {indexes:>10}")


def generate(url: str, orders: int, reminders: int, seed: int, incidents_per_year: int) -> None:
    engine = make_engine(sqlalchemy_url(url))
    try:
        with timed("schema from the migrations"):
            rebuild_schema(engine, url)
    finally:
        engine.dispose()
    with tempfile.TemporaryDirectory(prefix="dvpn-reporting-") as workdir:
        with timed("generating rows (Python)"):
            counts = write_force(Path(workdir), orders=orders, reminders=reminders, seed=seed)
        for table, count in counts.items():
            print(f"    {table:<24} {count:>12,} rows")
        load(url, Path(workdir), list(COLUMNS))
    engine = make_engine(sqlalchemy_url(url))
    try:
        with timed("migrations after the data"):
            upgrade(engine)
    finally:
        engine.dispose()
    if incidents_per_year:
        with raw_connection(url) as connection:
            write_incidents(connection, per_year=incidents_per_year, years=YEARS, seed=seed, now=NOW, timed=timed)
            connection.commit()
    keep_priority_tallies(url)
    analyse(url)
    write_marker(url, marker_text(orders, reminders, seed, incidents_per_year))


def reuse(url: str) -> None:
    engine = make_engine(sqlalchemy_url(url))
    try:
        with timed("new migrations (if any)"):
            upgrade(engine)
    finally:
        engine.dispose()
    keep_priority_tallies(url)
    analyse(url)


def keep_priority_tallies(url: str) -> None:
    """The perpetrator priority tallies made current at the bench's now, as the scheduler's job keeps
    them (the rows were loaded without the triggers that note changes: the first keeping makes every
    tally)."""
    engine = make_engine(sqlalchemy_url(url))
    try:
        with timed("priority tallies"):
            priority_tallies.keep_current(ServiceContext(engine, Settings(), ManualClock(NOW), "bench"))
    finally:
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reuse", action="store_true", help="keep data generated earlier with the same parameters")
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--reminders", type=int, default=10_000_000)
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument(
        "--incidents-per-year",
        type=int,
        default=850_000,
        help="domestic-abuse incidents a year over the six years (England and Wales: about 850,000)",
    )
    args = parser.parse_args()
    url = bench_url()
    ensure_database(url)
    wanted = marker_text(args.orders, args.reminders, args.seed, args.incidents_per_year)
    print(f"database: {make_url(url).render_as_string(hide_password=True)}")
    if args.reuse and stored_marker(url) == wanted:
        print("reusing the data generated earlier")
        reuse(url)
    else:
        if args.reuse:
            print("no finished generation with these parameters: generating")
        generate(url, args.orders, args.reminders, args.seed, args.incidents_per_year)
    report_sizes(url)


if __name__ == "__main__":
    main()
