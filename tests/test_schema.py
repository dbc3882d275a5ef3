"""Migrations build exactly the models' schema on both databases, and the audit trail is append-only."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Engine

import bot
from models import metadata
from models.db import make_engine
from models.schema import SchemaState, schema_state


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


def test_sqlite_runs_with_foreign_keys_and_wal(sqlite_template) -> None:  # type: ignore[no-untyped-def]
    engine = make_engine(f"sqlite:///{sqlite_template}")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    engine.dispose()


def test_the_bot_refuses_an_empty_or_newer_database(tmp_path) -> None:  # type: ignore[no-untyped-def]
    engine = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    with pytest.raises(bot.SchemaNotCurrent, match="dvpn-bot db upgrade"):
        bot.require_current_schema(engine)
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)")
        connection.exec_driver_sql("INSERT INTO alembic_version VALUES ('9999_from_the_future')")
    with pytest.raises(bot.SchemaNotCurrent, match="newer dvpn-bot"):
        bot.require_current_schema(engine)
