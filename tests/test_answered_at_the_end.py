"""models.db.answered_at_the_end: writes sent in the block belong to the block's transaction, and a
write that fails there fails the transaction, as SQLAlchemy's error, on both databases."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from models import AuditEvent
from models.db import answered_at_the_end, is_postgres, session_scope

AT = datetime(2026, 4, 2, 20, 0, tzinfo=UTC)


def written(action: str, actor: str | None = "system:test") -> sa.Insert:
    """A row written as the block's writes are: a statement that returns no rows (a single row's
    INSERT ... VALUES would return its key, which an answer left for the block's end cannot)."""
    row = {"at": AT, "actor": actor, "action": action, "entity_type": "test", "source": "test"}
    return sa.insert(AuditEvent).values([row])


def actions(engine: Engine) -> list[str]:
    with session_scope(engine) as session:
        return list(session.exec(select(AuditEvent.action).order_by(col(AuditEvent.id))).all())


def test_writes_sent_in_the_block_are_read_back_after_it_and_committed(engine: Engine) -> None:
    with session_scope(engine) as session:
        with answered_at_the_end(session):
            session.execute(written("first"))
            session.execute(written("second"))
        assert session.exec(select(sa.func.count()).select_from(AuditEvent)).one() == 2
    assert actions(engine) == ["first", "second"]


def test_a_write_that_fails_in_the_block_fails_the_transaction_as_sqlalchemys_error(engine: Engine) -> None:
    went_on: list[str] = []
    with pytest.raises(sa.exc.IntegrityError), session_scope(engine) as session, answered_at_the_end(session):
        session.execute(written("kept only if all is"))
        session.execute(written("refused: no actor", actor=None))
        went_on.append("the block went on")
    # PostgreSQL answers at the block's end, so the block went on meanwhile; SQLite at once.
    assert went_on == (["the block went on"] if is_postgres(engine) else [])
    assert actions(engine) == []
