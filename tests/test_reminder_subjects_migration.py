"""Migration 0021: a reminder is about exactly one subject (a notice or order, an incident, a Clare's
Law request or a perpetrator management plan), on both databases, and the migration goes down and up
again leaving the schema the models describe."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Engine

from models import metadata
from models.schema import upgrade
from tests.support.migrations import undo

NOW = datetime(2026, 12, 2, 12, tzinfo=UTC)
COLUMNS = {"order": "order_id", "incident": "incident_id", "disclosure": "disclosure_id", "plan": "plan_id"}


def insert_about(engine: Engine, **subjects: int) -> None:
    """A reminder row about `subjects` (none, or several): the columns named, the rest left null."""
    named = ", ".join(COLUMNS[s] for s in subjects)
    values = ", ".join(f":{s}" for s in subjects)
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                f"INSERT INTO reminder ({named}{', ' if named else ''}kind, due_at, critical, state, attempts, "
                f"update_attempts, created_at) VALUES ({values}{', ' if values else ''}'x', :now, false, 'pending', "
                "0, 0, :now)"
            ),
            {"now": NOW, **subjects},
        )


@pytest.mark.parametrize(
    "subjects", [{}, {"disclosure": 1, "plan": 1}, {"order": 1, "disclosure": 1}, {"incident": 1, "plan": 1}]
)
def test_a_reminder_about_no_subject_or_two_is_refused(engine: Engine, subjects: dict[str, int]) -> None:
    # The check is tested before the foreign keys on both databases, so the ids need not exist.
    with pytest.raises(sa.exc.IntegrityError, match="about_one_record"):
        insert_about(engine, **subjects)


def test_0021_goes_down_and_up_again(engine: Engine) -> None:
    undo(engine, "0021")
    columns = {c["name"] for c in sa.inspect(engine).get_columns("reminder")}
    assert "incident_id" in columns and not {"disclosure_id", "plan_id"} & columns
    with pytest.raises(sa.exc.IntegrityError, match="about_one_record"):
        insert_about(engine)
    upgrade(engine)
    with engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), metadata) == []
    with pytest.raises(sa.exc.IntegrityError, match="about_one_record"):
        insert_about(engine, order=1, plan=1)
