"""The kept casework counts of migration 0028 at national scale, without migrating the shared bench
database: casework_daily_count and casework_spread are made in a scratch schema and filled from the
public tables by the migration's own set-based INSERT ... SELECT (its fill()), timed; then their
sizes are printed, and the stats' reads of them timed under EXPLAIN ANALYZE for the default period
and a year, force-wide. With the schema in place, the whole /dvpn stats is asked through the real
services by pointing the search path at it first:

    DVPN_BENCH_POSTGRES_URL='postgresql://postgres@127.0.0.1:5432/dvpn_bench_reporting'\\
'?options=-csearch_path%3Dscratch_x,public' .venv/bin/python bench/reporting_queries.py --only 'stats: f' --no-plans

(scratch_x.alembic_version says 0028, so the bench's schema check passes; the public tables are
only read.)

Usage:
    .venv/bin/python bench/casework_counts_scratch.py --schema scratch_x [--drop]
"""

from __future__ import annotations

import argparse
import importlib
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa

from bench.fakeforce.force import NOW
from bench.reporting_data import bench_url, sqlalchemy_url
from models import metadata
from services.reporting.period import parse_period

migration = importlib.import_module("migrations.versions.0028_casework_daily_counts")
TABLES = ("casework_daily_count", "casework_spread")


def build(connection: sa.Connection, schema: str) -> None:
    connection.exec_driver_sql(f"CREATE SCHEMA {schema}")
    connection.exec_driver_sql(f"SET search_path = {schema}, public")
    for table in TABLES:
        metadata.tables[table].create(connection)
    for statement in migration.fill("postgresql"):
        began = time.perf_counter()
        connection.exec_driver_sql(statement)
        print(f"  fill {statement[12:40]}...  {time.perf_counter() - began:6.1f} s", flush=True)
    connection.exec_driver_sql("CREATE TABLE alembic_version AS SELECT '0028'::varchar(32) AS version_num")
    for table in TABLES:
        connection.exec_driver_sql(f"ANALYZE {schema}.{table}")


def explained(connection: sa.Connection, sql: str, params: dict[str, object]) -> str:
    plan = connection.execute(sa.text(f"EXPLAIN (ANALYZE, BUFFERS) {sql}"), params).scalars().all()
    times = [line for line in plan if re.search(r"Execution Time|Planning Time", line)]
    return "; ".join(t.strip() for t in times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--schema", required=True)
    parser.add_argument("--drop", action="store_true", help="drop the scratch schema and stop")
    args = parser.parse_args()
    if not re.fullmatch(r"scratch_[a-z_]+", args.schema):
        sys.exit("a scratch schema, scratch_NAME")
    engine = sa.create_engine(sqlalchemy_url(bench_url().split("?")[0]))
    with engine.begin() as connection:
        if args.drop:
            connection.exec_driver_sql(f"DROP SCHEMA IF EXISTS {args.schema} CASCADE")
            return
        exists = connection.execute(
            sa.text("SELECT 1 FROM pg_namespace WHERE nspname = :s"), {"s": args.schema}
        ).first()
        if exists is None:
            build(connection, args.schema)
        connection.exec_driver_sql(f"SET search_path = {args.schema}, public")
        for table in TABLES:
            rows, size = connection.execute(
                sa.text(f"SELECT count(*), pg_size_pretty(pg_total_relation_size('{table}')) FROM {table}")
            ).one()
            print(f"  {table}: {rows:,} rows, {size}")
        today = NOW.date()
        for text in ("", str(today.year - 1)):
            period = parse_period(text, today)
            span = {"start": period.start, "end": period.end}
            sums = ", ".join(f"sum({m})" for m in migration.MEASURES)
            counts = f"SELECT {sums} FROM casework_daily_count WHERE day >= :start AND day < :end"
            spread = (
                "SELECT value, sum(n) FROM casework_spread WHERE measure = :m AND day >= :start AND day < :end "
                "GROUP BY value"
            )
            print(f"  {period.describe()}:")
            print(f"    counts            {explained(connection, counts, span)}")
            for measure in migration.SPREADS:
                print(f"    {measure:<17} {explained(connection, spread, {**span, 'm': measure})}")


if __name__ == "__main__":
    main()
