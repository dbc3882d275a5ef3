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
    if ctx.engine.dialect.name != "postgresql":
        statement = (
            sqlite.insert(DELIVERIES)
            .values(key=key, kind=kind, received_at=ctx.clock.now())
            .on_conflict_do_nothing(index_elements=["key"])  # a duplicate is an answer, not an error
            .returning(DELIVERIES.c.key)
        )
        with ctx.engine.begin() as connection:
            return connection.execute(statement).first() is not None
    # One statement, committed on its own (no BEGIN and COMMIT sent around it): taking a delivery
    # is in Slack's 3 seconds and precedes every command's, button's and form's work.
    with ctx.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        params = {"key": key, "kind": kind, "received_at": ctx.clock.now()}
        return connection.execute(_TAKE, params).first() is not None


def _take() -> sa.Insert:
    """PostgreSQL: insert the key unless it is there (a row back means ours; psycopg's rowcount
    here is -1). Its commit does not wait for the WAL flush, which saves ~3 ms of a ~4 ms commit:
    a clean restart flushes it; only a server crash can forget the last ~0.6 s of keys (3 x
    wal_writer_delay), and then only a retry of one of those would run again. The setting is the
    statement's own transaction's (set_config's is_local), taken in the row's SELECT so it is set
    before the commit that ends the statement."""
    unflushed = sa.func.set_config("synchronous_commit", "off", sa.true())
    row = sa.select(
        sa.bindparam("key", type_=DELIVERIES.c.key.type),
        sa.bindparam("kind", type_=DELIVERIES.c.kind.type),
        sa.bindparam("received_at", type_=DELIVERIES.c.received_at.type),
    ).where(unflushed.is_not(None))
    return (
        postgresql.insert(DELIVERIES)
        .from_select(["key", "kind", "received_at"], row)
        .on_conflict_do_nothing(index_elements=["key"])  # a duplicate is an answer, not an error
        .returning(DELIVERIES.c.key)
    )


_TAKE = _take()  # built once: its compiled SQL is kept by its cache key


def forget_old(ctx: ServiceContext) -> int:
    """Delete the keys older than KEEP_FOR; how many went."""
    cutoff = ctx.clock.now() - KEEP_FOR
    with ctx.engine.begin() as connection:
        return connection.execute(sa.delete(DELIVERIES).where(DELIVERIES.c.received_at < cutoff)).rowcount
