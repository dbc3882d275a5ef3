"""Migrations build exactly the models' schema on both databases, and the audit trail is append-only.
The engine: SQLite pragmas, and which database errors are transient."""

from __future__ import annotations

import socket

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Engine

from models import metadata
from models.db import database_unavailable, make_engine
from models.schema import SchemaState, schema_state
from runtime.compose import require_current_schema
from runtime.errors import SchemaNotCurrent
from services.governance.retention import ERASED_TABLES

# The tables whose ids SQLite never hands out again (AUTOINCREMENT, migration 0032).
NEVER_REUSED = {t.name for t in metadata.tables.values() if t.dialect_kwargs.get("sqlite_autoincrement")}


def test_migrations_match_the_models(engine: Engine) -> None:
    with engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), metadata) == []
    assert schema_state(engine) is SchemaState.CURRENT


@pytest.mark.parametrize("statement", ["UPDATE audit_event SET action = 'x'", "DELETE FROM audit_event"])
def test_the_audit_trail_cannot_be_changed(engine: Engine, statement: str) -> None:
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO audit_event (at, actor, action, entity_type, source) "
                "VALUES (CURRENT_TIMESTAMP, 'system:test', 'create', 'x', 'test')"
            )
        )
    with pytest.raises(sa.exc.DatabaseError, match="append-only"), engine.begin() as connection:
        connection.execute(sa.text(statement))


def test_sqlite_never_reuses_the_ids_the_models_say(sqlite_template) -> None:  # type: ignore[no-untyped-def]
    engine = make_engine(f"sqlite:///{sqlite_template}")
    with engine.connect() as connection:
        made = connection.exec_driver_sql("SELECT name, sql FROM sqlite_master WHERE type = 'table'").all()
    engine.dispose()
    assert {name for name, sql in made if "AUTOINCREMENT" in sql} == NEVER_REUSED


def test_every_row_erasure_deletes_has_an_id_never_handed_out_again() -> None:
    """Audit rows, reminder buttons and plan references name erased rows by id: a new row must not
    take one (a table erased from without an id of its own, order_protected_person, names nothing)."""
    with_ids = {model.__tablename__ for model in ERASED_TABLES if "id" in model.__table__.c}
    assert with_ids - NEVER_REUSED == set()


def test_sqlite_runs_with_foreign_keys_and_wal(sqlite_template) -> None:  # type: ignore[no-untyped-def]
    engine = make_engine(f"sqlite:///{sqlite_template}")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    engine.dispose()


def test_the_bot_refuses_an_empty_or_newer_database(tmp_path) -> None:  # type: ignore[no-untyped-def]
    engine = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    with pytest.raises(SchemaNotCurrent, match="dvpn-bot db upgrade"):
        require_current_schema(engine)
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)")
        connection.exec_driver_sql("INSERT INTO alembic_version VALUES ('9999_from_the_future')")
    with pytest.raises(SchemaNotCurrent, match="newer dvpn-bot"):
        require_current_schema(engine)


# -- which database errors are "try again in a minute" ----------------------------------------------


def test_a_refused_connection_is_a_database_that_is_away() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    engine = make_engine(f"postgresql+psycopg://postgres@127.0.0.1:{port}/dvpn")
    with pytest.raises(sa.exc.OperationalError) as raised:
        engine.connect()
    assert database_unavailable(raised.value)


def test_sqlite_locked_is_away_for_now_but_a_missing_table_is_a_fault(tmp_path) -> None:  # type: ignore[no-untyped-def]
    # No busy timeout, so the lock is reported at once instead of waited out.
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'locked.db'}", connect_args={"timeout": 0})
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE t (x INTEGER PRIMARY KEY)")
    holder = engine.raw_connection()
    holder.cursor().execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(sa.exc.OperationalError, match="locked") as locked, engine.begin() as connection:
            connection.exec_driver_sql("INSERT INTO t VALUES (1)")
    finally:
        holder.rollback()
        holder.close()
    assert database_unavailable(locked.value)

    with pytest.raises(sa.exc.OperationalError, match="no such table") as missing, engine.connect() as connection:
        connection.exec_driver_sql("SELECT * FROM nowhere")
    assert not database_unavailable(missing.value)
    with pytest.raises(sa.exc.IntegrityError) as duplicate, engine.begin() as connection:
        connection.exec_driver_sql("INSERT INTO t VALUES (1), (1)")
    assert not database_unavailable(duplicate.value)
    assert not database_unavailable(RuntimeError("database fell over"))
    engine.dispose()
