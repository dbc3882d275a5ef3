"""What the record form's save costs before its acknowledgement: the service call the form makes
(services.records.recording.record), on PostgreSQL, timed and its SQL statements counted.

The save's time is almost all round trips to the database, so statements per save is the figure
that moves; time depends on the machine's load, printed alongside. The database is EMPTIED.

    DVPN_BENCH_POSTGRES_URL=postgresql://postgres@127.0.0.1:5432/dvpn_bench_save .venv/bin/python bench/record_save.py
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa

from config import Settings
from models.db import make_engine
from models.schema import upgrade
from services.clock import ManualClock
from services.context import ServiceContext
from services.records import recording as records
from tests.support.force import build_force
from tests.support.records import dvpn

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/dvpn_bench_save"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--saves", type=int, default=200)
    args = parser.parse_args()
    url = os.environ.get("DVPN_BENCH_POSTGRES_URL", DEFAULT_URL).replace("postgresql://", "postgresql+psycopg://", 1)
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    upgrade(engine)
    ctx = ServiceContext(
        engine, Settings(admins=("UADMIN",)), ManualClock(datetime(2026, 4, 3, 9, 0, tzinfo=UTC)), "bench"
    )
    force = build_force(ctx)
    for _ in range(20):  # warm: connections, prepared statements, imports
        records.record(ctx, force.officer, dvpn())
    statements = 0

    def count(*_: object) -> None:
        nonlocal statements
        statements += 1

    sa.event.listen(engine, "before_cursor_execute", count)
    took: list[float] = []
    for _ in range(args.saves):
        began = time.perf_counter()
        records.record(ctx, force.officer, dvpn())
        took.append(time.perf_counter() - began)
    took.sort()
    load = os.getloadavg()
    print(
        f"record save: {statements / args.saves:.0f} statements, median {statistics.median(took) * 1000:.1f} ms, "
        f"p99 {took[int(len(took) * 0.99) - 1] * 1000:.1f} ms over {args.saves} saves; "
        f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}"
    )
    engine.dispose()


if __name__ == "__main__":
    main()
