"""Bringing back a record the passage of time ended on facts that turned out wrong: a notice lapsed
because its service time was mistyped, or because a bank holiday was missing from the calendar
when the rollover counted its 48 hours."""

from __future__ import annotations

from sqlmodel import col, select

from models import BreachCheck, Hearing, OrderStatus, ProtectionOrder
from services.governance.audit import snapshot
from services.records.state import lapse_time
from services.unit_of_work import Work

# Only what the rollover ended is brought back: a record an officer closed, or a court decided,
# stays as they left it.
ENDED_BY_TIME = (OrderStatus.LAPSED, OrderStatus.EXPIRED)


def still_ended(work: Work, order: ProtectionOrder) -> bool:
    """Whether the record's own facts still end it now: a notice whose hearing deadline has passed
    with no hearing listed by then (CSA 2010 s27(3); DAA 2021 s29(2)), an order past its end."""
    now = work.now
    if order.status is OrderStatus.LAPSED:
        lapses_at = lapse_time(order)  # as the rollover lapses it
        if lapses_at is None or lapses_at > now:
            return False
        heard_in_time = work.session.exec(
            select(Hearing.id).where(Hearing.order_id == order.id, col(Hearing.scheduled_at) <= lapses_at)
        ).first()
        return heard_in_time is None
    if order.status is OrderStatus.EXPIRED:
        return order.expires_at is not None and order.expires_at <= now
    return True


def reinstate_if_wrongly_ended(work: Work, order: ProtectionOrder, why: str) -> bool:
    """Make `order` active again if time ended it and its corrected facts no longer do; audited
    with `why`, and replanned. True if it was brought back."""
    if order.status not in ENDED_BY_TIME or still_ended(work, order):
        return False
    ended_at = order.closed_at
    before = snapshot(order)
    order.status, order.closed_at, order.close_reason = OrderStatus.ACTIVE, None, None
    work.changed(order, before, order_id=order.id, justification=why)
    # The checks the end called off (services.records.lifecycle.end_record) are needed again.
    called_off = work.session.exec(
        select(BreachCheck).where(BreachCheck.order_id == order.id, BreachCheck.cancelled_at == ended_at)
    ).all()
    for check in called_off if ended_at is not None else ():
        before_check = snapshot(check)
        check.cancelled_at = None
        work.changed(check, before_check, order_id=order.id, justification=why)
    work.touch(order)
    return True
