"""Migration 0044 indexes the reminders about incidents sent to a user and not yet settled, by
recipient and due time, on both databases: a database at 0043 holding an officer's incident (its
clocks' reminders due by now sent, one of them since settled) and a notice's sent reminders is
upgraded; the index then holds exactly those rows, PostgreSQL answers "Waiting for me"'s incident
question from it, and the officer's "Waiting for me" is what it was. Its downgrade removes it."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from models import AppUser
from models.reminders import INCIDENT_SENT
from models.schema import upgrade
from services.clock import ManualClock
from services.context import ServiceContext
from services.incidents.recording import ChildInput, NewIncident, record_incident
from services.records.order_writer import PersonInput
from services.reminders.waiting import sent_queries, waiting_for
from tests.support.force import Force, london
from tests.support.migrations import held_as_written, planned, undo
from tests.support.records import dvpn, record

INDEX = "ix_reminder_recipient_incident_sent"


def indexed(engine: Engine) -> bool:
    with engine.connect() as connection:
        return INDEX in {i["name"] for i in sa.inspect(connection).get_indexes("reminder")}


def waiting(ctx: ServiceContext, slack_id: str) -> list[tuple[str, int]]:
    with Session(ctx.engine) as session:
        user_id = session.exec(select(AppUser.id).where(AppUser.slack_user_id == slack_id)).one()
        assert user_id is not None
        listed, unlisted = waiting_for(session, ctx.settings, user_id, ctx.clock.now())
    return [(facts.reference, facts.reminder_id) for facts in listed] + [("unlisted", unlisted)]


def uses_the_index(engine: Engine, user_id: int) -> bool:
    """Whether PostgreSQL can answer "Waiting for me"'s incident question from the index."""
    return INDEX in planned(engine, sent_queries(user_id)[1], bitmaps=False)  # the incidents'


def test_a_users_sent_incident_reminders_are_indexed_by_the_migration(
    ctx: ServiceContext, clock: ManualClock, force: Force
) -> None:
    engine = ctx.engine
    record(ctx, force.officer, dvpn("2026-04-02 20:00"))
    child = ChildInput("Kit Sample", "Oak Primary", "Worcestershire")
    new = NewIncident(
        london("2026-04-02 20:30"), PersonInput("Sam Sample"), PersonInput("Alex Example"), children=(child,)
    )
    record_incident(ctx, force.officer, new)
    clock.advance(timedelta(days=3))
    with engine.begin() as connection:  # as the sweep leaves them once posted; one since settled
        connection.execute(sa.text("UPDATE reminder SET state = 'sent' WHERE due_at <= :now"), {"now": clock.now()})
        connection.execute(
            sa.text(
                "UPDATE reminder SET update_reason = 'met' WHERE id = "
                "(SELECT min(id) FROM reminder WHERE incident_id IS NOT NULL AND state = 'sent')"
            )
        )
        officer_id = connection.execute(
            sa.text("SELECT id FROM app_user WHERE slack_user_id = :s"), {"s": force.officer}
        ).scalar_one()
    undo(engine, "0044")
    assert not indexed(engine)
    before = waiting(ctx, force.officer)
    assert any(reference.startswith("WM-INC") for reference, _ in before), before  # incidents' among them

    upgrade(engine)
    assert indexed(engine)
    assert held_as_written(engine, "reminder", INDEX, INCIDENT_SENT) >= 1
    if engine.dialect.name == "postgresql":
        assert uses_the_index(engine, officer_id)
    assert waiting(ctx, force.officer) == before

    undo(engine, "0044")
    assert not indexed(engine)
    upgrade(engine)
    assert indexed(engine)
