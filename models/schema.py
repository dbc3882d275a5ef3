"""Schema versions: apply migrations, and tell whether a database is up to date."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


class SchemaState(StrEnum):
    CURRENT = "current"
    OUTDATED = "outdated"  # migrations exist that this database has not had
    EMPTY = "empty"  # no tables yet
    AHEAD = "ahead"  # the database was migrated by a newer release


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    assert head is not None, "no migrations found"
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def schema_state(engine: Engine) -> SchemaState:
    current = current_revision(engine)
    if current is None:
        return SchemaState.EMPTY
    if current == head_revision():
        return SchemaState.CURRENT
    known = {script.revision for script in ScriptDirectory.from_config(alembic_config("sqlite://")).walk_revisions()}
    return SchemaState.OUTDATED if current in known else SchemaState.AHEAD


def upgrade(engine: Engine, revision: str = "head") -> None:
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
