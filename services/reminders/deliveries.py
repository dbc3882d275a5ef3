"""The delivery ledger: each request Slack sends is taken once, by one bot process.

Slack re-sends an event it thinks we missed (`X-Slack-Retry-Num`), and a proxy or a slow ack can
make any request arrive twice. Taking a delivery is one short transaction that inserts its key;
the primary key decides, so of two processes (or threads) given the same delivery exactly one
takes it, on PostgreSQL and on SQLite alike. Keys are kept for a day: Slack stops retrying an
event after about an hour, so a day covers every retry with room to spare.
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from models import SlackDelivery
from services.context import ServiceContext

KEEP_FOR = timedelta(days=1)
DELIVERIES: sa.Table = SlackDelivery.__table__  # type: ignore[attr-defined]


def take(ctx: ServiceContext, key: str, kind: str) -> bool:
    """Record the delivery as taken. False if this or another process took it already."""
    insert = postgresql.insert if ctx.engine.dialect.name == "postgresql" else sqlite.insert
    statement = (
        insert(DELIVERIES)
        .values(key=key, kind=kind, received_at=ctx.clock.now())
        .on_conflict_do_nothing(index_elements=["key"])  # a duplicate is an answer, not an error
        .returning(DELIVERIES.c.key)  # a row back means ours (psycopg's rowcount here is -1)
    )
    with ctx.engine.begin() as connection:
        if ctx.engine.dialect.name == "postgresql":
            # Taking a delivery is in Slack's 3 seconds: not waiting for the WAL flush saves ~3 ms of
            # a ~4 ms commit. A clean restart flushes it; only a server crash can forget the last
            # ~0.6 s of keys (3 x wal_writer_delay), and then only a retry of one of those would run again.
            connection.exec_driver_sql("SET LOCAL synchronous_commit TO off")
        return connection.execute(statement).first() is not None


def forget_old(ctx: ServiceContext) -> int:
    """Delete the keys older than KEEP_FOR; how many went."""
    cutoff = ctx.clock.now() - KEEP_FOR
    with ctx.engine.begin() as connection:
        return connection.execute(sa.delete(DELIVERIES).where(DELIVERIES.c.received_at < cutoff)).rowcount
