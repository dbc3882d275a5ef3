"""The court deadline of a breach arrest: 24 hours on the clock's own excluded days, or, for a
notice, the hearing of the application if that is earlier (DAA 2021 s26(2)(b); CSA 2010 s26).
Recomputed whenever a hearing is booked or moved, so the stored deadline follows the listing."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from models import Breach, Hearing, ProtectionOrder
from models.types import pk
from rules.calendar import ExcludedDayCalendar
from rules.clock import Deadline
from rules.deadlines import breach_court_deadline
from rules.order_types import rule_for
from services.governance.audit import snapshot
from services.unit_of_work import Work

RECOMPUTED = "court deadline recomputed: a hearing of the application was listed or moved"


def application_hearing_after(session: Session, order: ProtectionOrder, arrested_at: datetime) -> datetime | None:
    """The first hearing of the application listed at or after the arrest, whatever its outcome:
    an adjourned hearing still took place, and the person had to be brought to it."""
    return session.exec(
        select(Hearing.scheduled_at)
        .where(Hearing.order_id == order.id, col(Hearing.scheduled_at) >= arrested_at)
        .order_by(col(Hearing.scheduled_at))
    ).first()


def court_deadline(
    session: Session, order: ProtectionOrder, arrested_at: datetime, calendar: ExcludedDayCalendar, tz: ZoneInfo
) -> Deadline | None:
    rule = rule_for(order.order_type)
    clock = rule.breach_arrest_clock
    hearing = (
        application_hearing_after(session, order, arrested_at)
        if clock is not None and clock.or_if_earlier_the_hearing
        else None
    )
    return breach_court_deadline(
        rule, arrested_at, calendar, tz, hearing_at=hearing, power_of_arrest=order.power_of_arrest
    )


def refresh_court_deadlines(work: Work, order: ProtectionOrder, calendar: ExcludedDayCalendar) -> int:
    """Store again the court deadline of every arrest on `order` (after a hearing was listed or
    moved); each change is audited. Returns how many changed."""
    session = work.session
    breaches = session.exec(
        select(Breach).where(Breach.order_id == order.id, col(Breach.arrested_at).is_not(None))
    ).all()
    if not breaches:
        return 0
    tz = work.ctx.settings.timezone
    changed = 0
    for breach in breaches:
        assert breach.arrested_at is not None
        deadline = court_deadline(session, order, breach.arrested_at, calendar, tz)
        at = deadline.at if deadline else None
        at_hearing = bool(deadline and deadline.earlier_limit)
        if at == breach.court_deadline_at and at_hearing == breach.court_deadline_at_hearing:
            continue
        before = snapshot(breach)
        breach.court_deadline_at, breach.court_deadline_at_hearing = at, at_hearing
        work.changed(breach, before, order_id=pk(order), justification=RECOMPUTED)
        changed += 1
    return changed
