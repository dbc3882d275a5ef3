"""A record's stored first_heard_at (kept by triggers on hearing, migration 0022; read by stats)
follows every kind of hearing write, not only the services' own: a hearing booked, decided,
moved in time, moved to another record, its outcome taken back, and deleted (as retention's erasure
does). After each, it equals the direct query (tests.properties.invariants), which the stateful
lifecycle test also checks after every random step, on both databases."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlmodel import col, select

from domain.enums import HearingOutcome
from models import AppUser, Hearing, ProtectionOrder
from models.db import session_scope
from models.orders import FIRST_HEARD_AT
from services.context import ServiceContext
from tests.properties.invariants import the_first_hearings_are_the_hearings
from tests.support.force import Force
from tests.support.records import dvpn, record

NINE = datetime(2026, 4, 3, 9, 0, tzinfo=UTC)
TEN = datetime(2026, 4, 3, 10, 0, tzinfo=UTC)


def state(ctx: ServiceContext, ids: list[int]) -> tuple[list[str], dict[int, datetime | None]]:
    with session_scope(ctx.engine) as session:
        stored = dict(session.execute(sa.select(col(ProtectionOrder.id), FIRST_HEARD_AT)).all())
        return the_first_hearings_are_the_hearings(session, ids), {i: stored[i] for i in ids}


def test_first_heard_at_follows_every_hearing_write(ctx: ServiceContext, force: Force) -> None:
    references = [record(ctx, force.officer, dvpn()).reference for _ in range(2)]
    with session_scope(ctx.engine) as session:
        first, second = (
            session.exec(select(ProtectionOrder.id).where(ProtectionOrder.reference == r)).one() for r in references
        )
        officer = session.exec(select(AppUser.id).where(AppUser.slack_user_id == force.officer)).one()
    ids = [first, second]
    assert first is not None and second is not None
    with ctx.engine.begin() as connection:  # booked, no outcome yet: not heard
        rows = [
            {"order_id": first, "scheduled_at": at, "created_by_id": officer, "created_at": NINE} for at in (TEN, NINE)
        ]
        connection.execute(sa.insert(Hearing), rows)
    assert state(ctx, ids) == ([], {first: None, second: None})

    def change(where: sa.ColumnElement[bool], **values: object) -> None:
        with ctx.engine.begin() as connection:
            connection.execute(sa.update(Hearing).where(where).values(**values))

    later = col(Hearing.scheduled_at) == TEN
    change(later, outcome=HearingOutcome.ADJOURNED)
    assert state(ctx, ids) == ([], {first: TEN, second: None})
    change(col(Hearing.order_id) == first, outcome=HearingOutcome.GRANTED)  # both decided: the earlier
    assert state(ctx, ids) == ([], {first: NINE, second: None})
    change(col(Hearing.scheduled_at) == NINE, scheduled_at=datetime(2026, 4, 3, 11, 0, tzinfo=UTC))
    assert state(ctx, ids) == ([], {first: TEN, second: None})
    change(later, order_id=second)  # a correction moving a hearing to the right record
    assert state(ctx, ids) == ([], {first: datetime(2026, 4, 3, 11, 0, tzinfo=UTC), second: TEN})
    change(col(Hearing.order_id) == first, outcome=None)
    assert state(ctx, ids) == ([], {first: None, second: TEN})
    with ctx.engine.begin() as connection:
        connection.execute(sa.delete(Hearing).where(col(Hearing.order_id) == second))
    assert state(ctx, ids) == ([], {first: None, second: None})
