"""Taking a test's database down the migrations, for the tests that upgrade it again from there
(while it is down, write to it in raw SQL: today's services write the tables of the head)."""

from __future__ import annotations

from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

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
