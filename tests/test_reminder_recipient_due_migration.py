"""Migration 0040 indexes the reminders sent to a user by recipient, state and due time, on both
databases: a database at 0039 holding an officer's notices, whose reminders due by now were sent
(some of them by a release without the index, meanwhile), is upgraded; the index then replaces
ix_reminder_recipient_state, and the officer's "Waiting for me" is what it was. Its downgrade puts
the old index back."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from models import AppUser
from models.schema import upgrade
from services.context import ServiceContext
from services.reminders.waiting import waiting_for
from tests.support.force import Force, london
from tests.support.migrations import undo
from tests.support.records import dvpn, record

OLD, NEW = "ix_reminder_recipient_state", "ix_reminder_recipient_state_due"
SEND = "UPDATE reminder SET state = 'sent' WHERE state = 'pending' AND due_at <= :now AND order_id IN :orders"


def indexes(engine: Engine) -> dict[str, list[str]]:
    with engine.connect() as connection:
        found = sa.inspect(connection).get_indexes("reminder")
        return {str(i["name"]): [str(c) for c in i["column_names"]] for i in found if i["name"] in (OLD, NEW)}


def sent(ctx: ServiceContext, references: list[str]) -> None:
    """The reminders of `references` due by now, sent (the sweep's posting, in one statement)."""
    with ctx.engine.begin() as connection:
        orders = connection.execute(
            sa.text("SELECT id FROM protection_order WHERE reference IN :r").bindparams(
                sa.bindparam("r", expanding=True)
            ),
            {"r": references},
        ).scalars()
        statement = sa.text(SEND).bindparams(sa.bindparam("orders", expanding=True))
        connection.execute(statement, {"now": ctx.clock.now(), "orders": list(orders)})


def waiting(ctx: ServiceContext, slack_id: str) -> list[tuple[str, int]]:
    """The user's "Waiting for me", read by itself: the rest of today's Home reads columns a database
    at 0039 does not have yet (migration 0041's)."""
    with Session(ctx.engine) as session:
        user_id = session.exec(select(AppUser.id).where(AppUser.slack_user_id == slack_id)).one()
        assert user_id is not None
        listed, _ = waiting_for(session, ctx.settings, user_id, ctx.clock.now())
    return [(facts.reference, facts.reminder_id) for facts in listed]


def test_a_users_sent_reminders_are_indexed_by_due_time_by_the_migration(ctx: ServiceContext, force: Force) -> None:
    def served(n: int) -> str:
        return (london("2026-04-02 05:00") + timedelta(minutes=30 * n)).strftime("%Y-%m-%d %H:%M")

    first = [record(ctx, force.officer, dvpn(served(n))).reference for n in range(3)]
    sent(ctx, first)
    engine = ctx.engine
    undo(engine, "0040")
    assert indexes(engine) == {OLD: ["recipient_id", "state"]}
    later = [record(ctx, force.officer, dvpn(served(n))).reference for n in range(3, 6)]  # meanwhile
    sent(ctx, later)
    before = waiting(ctx, force.officer)
    assert len(before) > len(first)  # sent before and after the downgrade

    upgrade(engine)
    assert indexes(engine) == {NEW: ["recipient_id", "state", "due_at"]}
    assert waiting(ctx, force.officer) == before

    undo(engine, "0040")
    assert indexes(engine) == {OLD: ["recipient_id", "state"]}
    upgrade(engine)
    assert indexes(engine) == {NEW: ["recipient_id", "state", "due_at"]}
