"""The record lifecycle (rules/lifecycle.py) applied: a record's state read from its stored facts,
and the one check every write makes before it changes anything."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, and_, col, func, select

from models import Hearing, OrderStatus, ProtectionOrder
from rules.lifecycle import DOING, Event, Refusal, Situation, State, refusal, state_of
from rules.order_types import rule_for
from services.errors import Conflict


class Lapsing(Protocol):
    """What lapse_time reads of a record: the model, or the plain row a claimed batch holds."""

    @property
    def lapses_at(self) -> datetime | None: ...
    @property
    def hearing_deadline_at(self) -> datetime | None: ...


def lapse_time(order: Lapsing) -> datetime | None:
    """When a notice heard by then lapses: the literal statutory reading (rules.deadlines.lapse_deadline),
    never earlier than the countdowns' safe deadline; records stored before it was kept have none."""
    return order.lapses_at or order.hearing_deadline_at


def lapse_time_sql() -> ColumnElement[datetime]:
    """`lapse_time` in SQL. ix_order_active_lapse indexes this expression (models.orders.LAPSE_TIME):
    change the two together; tests/test_order_active_lapse_migration.py checks the index serves it."""
    return func.coalesce(col(ProtectionOrder.lapses_at), col(ProtectionOrder.hearing_deadline_at))


def situation(order: ProtectionOrder, hearings: Sequence[Hearing]) -> Situation:
    deadline = lapse_time(order)
    pending = [h.scheduled_at for h in hearings if h.outcome is None]
    return Situation(
        is_notice=rule_for(order.order_type).is_notice,
        open=order.status is OrderStatus.ACTIVE,
        marked_lapsed=order.status is OrderStatus.LAPSED,
        deadline=deadline,
        listed_by_deadline=deadline is not None and any(h.scheduled_at <= deadline for h in hearings),
        pending_hearing_at=min(pending, default=None),
    )


def record_state(
    session: Session, order: ProtectionOrder, now: datetime, hearings: Sequence[Hearing] | None = None
) -> State:
    """`hearings`: all the record's, if the caller holds them."""
    if hearings is None:
        hearings = session.exec(select(Hearing).where(Hearing.order_id == order.id)).all()
    return state_of(situation(order, hearings), now)


def require(
    session: Session, order: ProtectionOrder, event: Event, now: datetime, hearings: Sequence[Hearing] | None = None
) -> State:
    """The record's state, or Conflict saying why `event` cannot happen in it and what to do
    instead. Every write calls this before it changes anything. `hearings`: all the record's,
    if the caller holds them."""
    state = record_state(session, order, now, hearings)
    refused = refusal(state, event)
    if refused is None:
        return state
    raise _refused(order, state, event, refused)


def require_hearing_held(order: ProtectionOrder, hearing: Hearing, event: Event, now: datetime) -> None:
    """An adjournment or outcome is for a hearing that has sat: one listed for later is refused,
    on an order as on a notice."""
    if hearing.scheduled_at > now:
        refused = refusal(State.LISTED, event)
        assert refused is not None
        raise _refused(order, State.LISTED, event, refused)


def _refused(order: ProtectionOrder, state: State, event: Event, refused: Refusal) -> Conflict:
    cited = f" ({refused.citation})" if refused.citation else ""
    doing = DOING[event].format(ref=order.reference)
    called = order.status.value if state is State.ENDED else state.value  # "refused", not "ended"
    return Conflict(f"You cannot {doing} ({called}): {refused.why}{cited}. {refused.instead}.", _FIELD.get(event))


# The form field a refusal is shown against, where the event has one.
_FIELD = {Event.BOOK_HEARING: "scheduled_at", Event.ADJOURN_HEARING: "scheduled_at", Event.DECIDE_HEARING: "outcome"}


def lapsed_unmarked(now: datetime) -> ColumnElement[bool]:
    """SQL for notices lapsed in law that the rollover has not marked yet: active, past the
    hearing deadline, no hearing listed by it (as `state_of` reads it)."""
    lapses_at = lapse_time_sql()
    listed_by_deadline = (
        select(Hearing.id)
        .where(col(Hearing.order_id) == col(ProtectionOrder.id), col(Hearing.scheduled_at) <= lapses_at)
        .exists()
    )
    return and_(col(ProtectionOrder.status) == OrderStatus.ACTIVE, lapses_at <= now, ~listed_by_deadline)
