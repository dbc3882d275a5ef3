"""The excluded-day calendar as this force configures it: the statutory days plus admin-added ones."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from sqlmodel import Session, col, select

from config import Settings
from models import Breach, ExtraExcludedDay, OrderStatus, ProtectionOrder, Role
from models.types import pk
from rules.calendar import ExcludedDayCalendar, calendar_with
from rules.deadlines import BailExtension, ClockEvent, hearing_deadline
from rules.order_types import OrderType, rule_for
from services.context import ServiceContext
from services.errors import Conflict, DomainError
from services.governance.audit import snapshot
from services.records.breach_court import court_deadline
from services.records.calculator import calculate
from services.unit_of_work import Work, acting, system
from services.views import DeadlineView

RECOMPUTED = "deadline recomputed: an excluded day was added"


_CALENDAR = "force_calendar"  # the session.info key of the calendar read in this transaction


def force_calendar(session: Session, settings: Settings) -> ExcludedDayCalendar:
    """Read once per transaction: recording a notice computes its deadlines and then shows them,
    and each would otherwise read the added days again. Adding a day forgets it (add_excluded_day)."""
    key = (_CALENDAR, settings.count_saturday_boxing_day)
    known = session.info.get(key)
    if isinstance(known, ExcludedDayCalendar):
        return known
    extra = session.exec(select(ExtraExcludedDay)).all()
    calendar = calendar_with(
        ((row.day, row.name) for row in extra), count_saturday_boxing_day=settings.count_saturday_boxing_day
    )
    session.info[key] = calendar
    return calendar


def add_excluded_day(
    ctx: ServiceContext, actor_slack_id: str, day: date, name: str, proclamation: str | None = None
) -> None:
    """An extra excluded day makes deadlines later, so only admins may add one, and it is audited
    (DOMAIN.md policy). Deadlines of records changed afterwards include it."""
    with acting(ctx, actor_slack_id, Role.ADMIN, doing="add a bank holiday") as work:
        session = work.session
        if not name.strip():
            raise DomainError("Give the bank holiday's name, as in the proclamation.", "name")
        if session.get(ExtraExcludedDay, day) is not None:
            raise Conflict(f"{day:%d %B %Y} is already an added bank holiday.", "day")
        if ExcludedDayCalendar().is_excluded(day):
            raise Conflict(f"{day:%A %d %B %Y} is already excluded; nothing to add.", "day")
        row = ExtraExcludedDay(
            day=day, name=name.strip(), proclamation=proclamation, added_by_id=pk(work.user), added_at=work.now
        )
        work.created(row)
        for key in [k for k in session.info if isinstance(k, tuple) and k[:1] == (_CALENDAR,)]:
            del session.info[key]  # read again with the new day
        _recompute_deadlines_spanning(work, day)


def _recompute_deadlines_spanning(work: Work, day: date) -> None:
    """A new excluded day moves every running clock that crosses it: the stored deadlines drive the
    reminders and the lapse, so they are recomputed (and audited) here, not only on screen."""
    session, settings = work.session, work.ctx.settings
    tz = settings.timezone
    calendar = force_calendar(session, settings)
    day_start = datetime.combine(day, time(0), tzinfo=tz)
    notices = session.exec(
        select(ProtectionOrder).where(
            ProtectionOrder.status == OrderStatus.ACTIVE,
            col(ProtectionOrder.hearing_deadline_at) > day_start,
            col(ProtectionOrder.served_at) < day_start + timedelta(days=1),
        )
    ).all()
    for order in notices:
        assert order.served_at is not None
        clock = hearing_deadline(rule_for(order.order_type), order.served_at, calendar, tz)
        if clock is not None and clock.at != order.hearing_deadline_at:
            before = snapshot(order)
            order.hearing_deadline_at = clock.at
            _recomputed(work, order, order, before)
    breaches = session.exec(
        select(Breach).where(
            col(Breach.court_deadline_at) > day_start, col(Breach.arrested_at) < day_start + timedelta(days=1)
        )
    ).all()
    for breach in breaches:
        breached = session.get(ProtectionOrder, breach.order_id)
        assert breached is not None and breach.arrested_at is not None
        court = court_deadline(session, breached, breach.arrested_at, calendar, tz)
        if court is not None and court.at != breach.court_deadline_at:
            before = snapshot(breach)
            breach.court_deadline_at, breach.court_deadline_at_hearing = court.at, court.earlier_limit is not None
            _recomputed(work, breached, breach, before)


def _recomputed(work: Work, order: ProtectionOrder, row: ProtectionOrder | Breach, before: dict[str, Any]) -> None:
    """A deadline of `order` (on the record itself or one of its breaches) moved: audited, and
    the record replanned."""
    work.changed(row, before, order_id=pk(order), justification=RECOMPUTED)
    work.touch(order)


def calendar_for_force(ctx: ServiceContext) -> ExcludedDayCalendar:
    """The force's calendar: bank holidays plus the days its admins added."""
    with system(ctx) as work:
        return force_calendar(work.session, ctx.settings)


def calculate_for_force(
    ctx: ServiceContext,
    order_type: OrderType,
    event: ClockEvent,
    at: datetime,
    *,
    extended_by: BailExtension | None = None,
) -> DeadlineView:
    """The calculator in Slack, on the force's calendar."""
    return calculate(order_type, event, at, calendar_for_force(ctx), ctx.settings.timezone, extended_by=extended_by)
