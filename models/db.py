"""The engine and the session scope. SQLite runs with foreign keys on and WAL; PostgreSQL via psycopg 3."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlmodel import Session

from models.liveness import check_before_use

# A PostgreSQL server that cannot be reached fails the connection attempt after this long instead
# of hanging on TCP (a refused connection fails at once): a request waits seconds, not minutes.
CONNECT_TIMEOUT_SECONDS = 5
# No statement of the bot reads more than tens of thousands of rows, and PostgreSQL's JIT compiles
# a plan whose cost estimate is high whatever it reads: 199 ms of the orders export's 315 ms check
# counts at national scale went on compiling. Set at connection start (no round trip).
NO_JIT = "-c jit=off"


def make_engine(url: str, *, application: str = "dvpn-bot", **options: Any) -> Engine:
    """`application`: what PostgreSQL shows for these connections (pg_stat_activity's
    application_name), so an administrator can tell the serving, work and scheduler processes apart."""
    # SQL parameters hold names and addresses: keep them out of error messages and so out of logs.
    options.setdefault("hide_parameters", True)
    if url.startswith("sqlite"):
        # Writers wait for each other instead of failing at once; the sweep and commands share a file.
        engine = sa.create_engine(url, connect_args={"timeout": 30}, **options)
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        # pysqlite's own transaction handling defers BEGIN; we issue it so locks are taken up front.
        sa.event.listen(engine, "begin", lambda conn: conn.exec_driver_sql("BEGIN IMMEDIATE"))
        return engine
    connect_args = {
        "connect_timeout": CONNECT_TIMEOUT_SECONDS,
        "options": NO_JIT,
        "application_name": application,
    } | options.pop("connect_args", {})
    engine = sa.create_engine(url, connect_args=connect_args, **options)
    # A pooled connection the server dropped (a restart) is replaced before it is used.
    check_before_use(engine)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # let the "begin" listener control transactions
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA busy_timeout = 30000")
    cursor.close()


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """One transaction: committed if the block finishes, rolled back if it raises."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


# session.info: the transaction whose statements are planned for their values, serially
_SERIAL_CUSTOM_PLANS = "serial_custom_plans_in"
# Each setting for the transaction alone (set_config's is_local), so a pooled connection goes back as it was.
_SETTINGS = (("plan_cache_mode", "force_custom_plan"), ("max_parallel_workers_per_gather", "0"))


def serial_custom_plans(session: Session) -> None:
    """Plan each statement of this transaction for the values it is given, and without parallel
    workers, for the reads whose sizes differ most from one asking to the next: the sections of a
    team's digest and App Home and a user's "Waiting for me". A team has 300 open records or 10,000,
    an officer none or 762, a user a handful of sent reminders or 11,000.

    - Custom plans: psycopg prepares a statement on its fifth execution on a connection, and
      PostgreSQL then keeps a plan made without the values (plan_cache_mode auto) if it is
      estimated no dearer than the plans made so far; a plan fit for the ones asked first walked a
      large team's rows for a handful. At national scale a supervisor's App Home took 376-443 ms
      with its statements' generic plans and 203-223 ms planned each time.
    - No parallel workers: each of these statements reads a few rows, and starting workers cost
      more than they saved (12 ms of the newest sent reminders' 19 ms); without them the
      supervisor's Home went from 212-232 to 162-167 ms, its statements from 130-145 to 94 ms.

    Only here: other reads (caseloads, searches, exports) were as fast with the generic plans and
    paid for planning afresh, and a report over a year's rows gains from the workers; a write's
    statements (a record's save) are the same shape whatever the team. One statement, once per
    transaction; nothing on SQLite, which has neither."""
    if not is_postgres(session.get_bind().engine):
        return
    transaction = session.get_transaction()
    if transaction is not None and session.info.get(_SERIAL_CUSTOM_PLANS) is transaction:
        return
    session.execute(sa.select(*(sa.func.set_config(name, value, sa.true()) for name, value in _SETTINGS)))
    session.info[_SERIAL_CUSTOM_PLANS] = session.get_transaction()


@contextmanager
def read_scope(engine: Engine) -> Iterator[Session]:
    """A session that only reads. On PostgreSQL its statements run each on its own, with no BEGIN
    and COMMIT sent around them: under READ COMMITTED each statement sees a snapshot of its own
    either way. Elsewhere a transaction, as session_scope's."""
    if engine.dialect.name != "postgresql":
        with session_scope(engine) as session:
            yield session
        return
    with (
        engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection,
        Session(connection, expire_on_commit=False) as session,
    ):
        yield session


@contextmanager
def answered_at_the_end(session: Session) -> Iterator[None]:
    """On PostgreSQL, statements the block executes are sent without waiting for their answers
    (psycopg's pipeline mode): the server works through them while the block goes on in Python,
    and the block's end waits for them and raises their error, as SQLAlchemy would have, still
    inside the transaction. Only for statements that return no rows (an INSERT ... SELECT): one
    that does, a single row's INSERT returning its key included, finds no answer yet and fails.
    Elsewhere (SQLite runs in this process) each statement runs when it is executed."""
    if not is_postgres(session.get_bind().engine):
        yield
        return
    connection = session.connection()
    dbapi = connection.connection.dbapi_connection
    assert dbapi is not None
    failed = connection.dialect.loaded_dbapi.Error
    try:
        with dbapi.pipeline():
            yield
    except failed as error:
        raise DBAPIError.instance(
            None, None, error, failed, hide_parameters=True, dialect=connection.dialect
        ) from error


def database_unavailable(error: BaseException) -> bool:
    """True for a database that is away or busy for now, where the same request a minute later
    works: the server down, restarting or unreachable, a connection lost mid-request, the pool
    exhausted, a deadlock or serialization failure (psycopg: all OperationalError), and SQLite's
    "database is locked". SQLite's other OperationalErrors (no such table, disk I/O) are faults."""
    if isinstance(error, PoolTimeout):
        return True
    if not isinstance(error, DBAPIError):
        return False
    if error.connection_invalidated:
        return True
    if not isinstance(error, sa.exc.OperationalError):
        return False
    if isinstance(error.orig, sqlite3.Error):
        return "locked" in str(error.orig) or "busy" in str(error.orig)
    return True


def is_postgres(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"
