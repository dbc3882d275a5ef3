"""Taking a test's database down the migrations, for the tests that upgrade it again from there
(while it is down, write to it in raw SQL: today's services write the tables of the head), and
what those tests ask of what a migration made: the rows a partial index holds, a kept copy's rows
astray, a table's columns, PostgreSQL's plan for a question."""

from __future__ import annotations

import time
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

from models import OrderStatus, metadata
from models.schema import alembic_config


def downgrade(engine: Engine, revision: str) -> None:
    """Down to `revision`, in one transaction (foreign keys on, as a release's own downgrade would run)."""
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def undo(engine: Engine, revision: str) -> None:
    """Down to the revision before `revision`, so that the next upgrade runs it on what is there."""
    below = ScriptDirectory.from_config(alembic_config("sqlite://")).get_revision(revision).down_revision
    assert isinstance(below, str)
    downgrade(engine, below)


def rows_held(engine: Engine, table: str, index: str, where: str) -> int:
    """How many rows the partial index `index` on `table`, written `WHERE where`, holds: read through
    the index itself on SQLite (INDEXED BY fails unless the index can answer); on PostgreSQL, whose
    planner may not use an index built just now over rows updated in place, the rows its stored
    condition names (so a condition stored other than as written is caught too)."""
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            query = f"SELECT count(*) FROM {table} INDEXED BY {index} WHERE {where}"
        else:
            stored = connection.execute(
                sa.text("SELECT pg_get_expr(indpred, indrelid) FROM pg_index WHERE indexrelid = CAST(:n AS regclass)"),
                {"n": index},
            ).scalar_one()
            query = f"SELECT count(*) FROM {table} WHERE {stored}"
        return int(connection.execute(sa.text(query)).scalar_one())


def held_as_written(engine: Engine, table: str, index: str, where: str) -> int:
    """How many rows the partial index holds, checked to be exactly the rows of `table` that its
    condition, as the model writes it, names (rows_held)."""
    with engine.connect() as connection:
        wanted = int(connection.execute(sa.text(f"SELECT count(*) FROM {table} WHERE {where}")).scalar_one())
    held = rows_held(engine, table, index, where)
    assert held == wanted, f"{index} holds {held} rows; its condition names {wanted}"
    return held


def columns(engine: Engine, table: str) -> set[str]:
    with engine.connect() as connection:
        return {c["name"] for c in sa.inspect(connection).get_columns(table)}


def copies_astray(engine: Engine, copy: sa.Column[int]) -> int:
    """How many rows of `copy`'s table hold in it something other than their record's team while
    the record is active, or anything once it is not (migrations 0041, 0043)."""
    rows, orders = copy.table, metadata.tables["protection_order"]
    kept = sa.case((orders.c.status == OrderStatus.ACTIVE.value, orders.c.team_id), else_=sa.null())
    query = (
        sa.select(sa.func.count())
        .select_from(rows.join(orders, orders.c.id == rows.c.order_id))
        .where(copy.is_distinct_from(kept))
    )
    with engine.connect() as connection:
        return int(connection.execute(query).scalar_one())


# Indexes the planner may not use yet: built over rows updated in place (a migration that fills a
# column, then indexes it), an index is marked indcheckxmin, and no transaction whose snapshot's
# horizon is older than the index may plan with it. The horizon is the whole server's, so another
# test process's open transaction, in another database, hides a new index for a while.
_TOO_NEW = sa.text(
    "SELECT count(*) FROM pg_index i "
    "WHERE i.indcheckxmin AND age(i.xmin) <= age(xid(pg_snapshot_xmin(pg_current_snapshot())))"
)


def indexes_usable(engine: Engine, *, within: float = 30.0) -> None:
    """Wait until the planner may use every index of the database (PostgreSQL; at once elsewhere)."""
    if engine.dialect.name != "postgresql":
        return
    deadline = time.monotonic() + within
    while True:
        with engine.connect() as connection:
            if connection.execute(_TOO_NEW).scalar_one() == 0:
                return
        assert time.monotonic() < deadline, f"an index still too new for the planner after {within:.0f} s"
        time.sleep(0.1)


def planned(engine: Engine, query: Any, *, bitmaps: bool = True) -> str:
    """PostgreSQL's plan for `query` with sequential scans ruled out (a test's handful of rows would
    otherwise be read by one, which says nothing of an index), and bitmap scans too if `bitmaps` is
    false (where any index would do for so few rows)."""
    sql = str(query.compile(engine, compile_kwargs={"literal_binds": True}))
    indexes_usable(engine)
    with engine.begin() as connection:
        connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
        if not bitmaps:
            connection.exec_driver_sql("SET LOCAL enable_bitmapscan = off")
        return "\n".join(connection.exec_driver_sql(f"EXPLAIN {sql}").scalars())
