"""The excluded-day calendar as this force configures it: the statutory days plus admin-added ones."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlmodel import Session, col, select

from config import Settings
from models import AppUser, Breach, ExtraExcludedDay, OrderStatus, ProtectionOrder, Role
from models.types import pk
from rules.calendar import ExcludedDayCalendar, calendar_with
from rules.deadlines import BailExtension, ClockEvent, hearing_deadline, lapse_deadline
from rules.order_types import OrderType, rule_for
from services.context import ServiceContext
from services.errors import Conflict, DomainError
from services.governance.access import acting_user
from services.governance.audit import snapshot
from services.records.breach_court import court_deadline
from services.records.calculator import calculate
from services.records.planning import MOOT_CALENDAR
from services.records.reinstatement import reinstate_if_wrongly_ended
from services.unit_of_work import FindUser, Work, acting, system
from services.views import DeadlineView

RECOMPUTED = "deadline recomputed: an excluded day was added"
RECOMPUTED_REMOVED = "deadline recomputed: an added excluded day was removed"
REINSTATED = "reinstated: with the excluded day the notice had not lapsed"


_CALENDAR = "force_calendar"  # the session.info key of the calendar read in this transaction


def force_calendar(session: Session, settings: Settings) -> ExcludedDayCalendar:
    """Read once per transaction: recording a notice computes its deadlines and then shows them,
    and each would otherwise read the added days again. Adding a day forgets it (add_excluded_day)."""
    key = (_CALENDAR, settings.count_saturday_boxing_day)
    known = session.info.get(key)
    if isinstance(known, ExcludedDayCalendar):
        return known
    extra = session.exec(select(ExtraExcludedDay)).all()
    return remember_calendar(session, settings, ((row.day, row.name) for row in extra))


def remember_calendar(session: Session, settings: Settings, added: Iterable[tuple[date, str]]) -> ExcludedDayCalendar:
    """The calendar with the `added` days (day, name) just read, kept for force_calendar to give
    for the rest of the transaction."""
    calendar = calendar_with(added, count_saturday_boxing_day=settings.count_saturday_boxing_day)
    session.info[(_CALENDAR, settings.count_saturday_boxing_day)] = calendar
    return calendar


def _forget_calendar(session: Session) -> None:
    """The added days changed in this transaction: the next force_calendar reads them again."""
    for key in [k for k in session.info if isinstance(k, tuple) and k[:1] == (_CALENDAR,)]:
        del session.info[key]


@dataclass(frozen=True)
class Reinstated:
    """A record brought back to active, and the officer in charge, who is told."""

    reference: str
    officer_slack_id: str


@dataclass(frozen=True)
class CalendarChanged:
    """An excluded day added or removed, and what it did to the records: the references whose
    deadlines moved, and those brought back from a lapse the old calendar had caused."""

    day: date
    name: str
    moved: tuple[str, ...]
    reinstated: tuple[Reinstated, ...]


@dataclass(frozen=True)
class AddedDay:
    day: date
    name: str
    added_by: str  # the admin's Slack id


NAME_MAX = 120  # models.ExtraExcludedDay.name


def add_excluded_day(
    ctx: ServiceContext,
    actor_slack_id: str,
    day: date,
    name: str,
    proclamation: str | None = None,
    *,
    user_from: FindUser = acting_user,
) -> CalendarChanged:
    """An extra excluded day makes deadlines later, so only admins may add one, and it is audited
    (DOMAIN.md policy). Every running clock that crosses it is recomputed at once, and a notice the
    old calendar lapsed is brought back if the later deadline has not passed."""
    with acting(ctx, actor_slack_id, Role.ADMIN, doing="add a bank holiday", user_from=user_from) as work:
        session = work.session
        if not name.strip():
            raise DomainError("Give the bank holiday's name, as in the proclamation.", "name")
        if len(name.strip()) > NAME_MAX:
            raise DomainError(f"Keep the name to {NAME_MAX} characters.", "name")
        if session.get(ExtraExcludedDay, day) is not None:
            raise Conflict(f"{day:%d %B %Y} is already an added bank holiday.", "day")
        if ExcludedDayCalendar().is_excluded(day):
            raise Conflict(f"{day:%A %d %B %Y} is already excluded; nothing to add.", "day")
        row = ExtraExcludedDay(
            day=day, name=name.strip(), proclamation=proclamation, added_by_id=pk(work.user), added_at=work.now
        )
        work.created(row)
        _forget_calendar(session)
        return _recompute_deadlines_spanning(work, day, row.name, RECOMPUTED)


def remove_excluded_day(
    ctx: ServiceContext, actor_slack_id: str, day: date, *, user_from: FindUser = acting_user
) -> CalendarChanged:
    """Take away a day an admin added in error: the clocks crossing it count it again, so their
    deadlines come earlier. Only admin-added days can go; the statutory ones are the law's."""
    with acting(ctx, actor_slack_id, Role.ADMIN, doing="remove a bank holiday", user_from=user_from) as work:
        session = work.session
        row = session.get(ExtraExcludedDay, day)
        if row is None:
            statutory = ExcludedDayCalendar().is_excluded(day)
            raise Conflict(
                f"{day:%A %d %B %Y} is excluded by law and cannot be removed."
                if statutory
                else f"{day:%d %B %Y} is not an added bank holiday; nothing to remove.",
                "day",
            )
        name = row.name
        work.audit("delete", "extra_excluded_day", None, before=snapshot(row))
        session.delete(row)
        session.flush()
        _forget_calendar(session)
        return _recompute_deadlines_spanning(work, day, name, RECOMPUTED_REMOVED)


def added_days(ctx: ServiceContext, actor_slack_id: str, *, user_from: FindUser = acting_user) -> tuple[AddedDay, ...]:
    """The days admins added, oldest first."""
    with acting(ctx, actor_slack_id, user_from=user_from) as work:  # writes nothing: any placed user may look
        rows = work.session.exec(select(ExtraExcludedDay).order_by(col(ExtraExcludedDay.day))).all()
        users = {u.id: u.slack_user_id for u in work.session.exec(select(AppUser)).all()}
        return tuple(AddedDay(r.day, r.name, users.get(r.added_by_id, "")) for r in rows)


def _recompute_deadlines_spanning(work: Work, day: date, name: str, why: str) -> CalendarChanged:
    """A changed excluded day moves every running clock that crosses it: the stored deadlines drive
    the reminders and the lapse, so they are recomputed (and audited) here, not only on screen.
    Notices the rollover lapsed are counted again too: the day may have been missing when it did."""
    session, settings = work.session, work.ctx.settings
    tz = settings.timezone
    calendar = force_calendar(session, settings)
    day_start = datetime.combine(day, time(0), tzinfo=tz)
    notices = session.exec(
        select(ProtectionOrder).where(
            col(ProtectionOrder.status).in_([OrderStatus.ACTIVE, OrderStatus.LAPSED]),
            col(ProtectionOrder.hearing_deadline_at) >= day_start,
            col(ProtectionOrder.served_at) < day_start + timedelta(days=1),
        )
    ).all()
    moved: list[str] = []
    reinstated: list[Reinstated] = []
    for order in notices:
        assert order.served_at is not None
        clock = hearing_deadline(rule_for(order.order_type), order.served_at, calendar, tz)
        lapse = lapse_deadline(rule_for(order.order_type), order.served_at, calendar, tz)
        clock_moved = clock is not None and clock.at != order.hearing_deadline_at
        if clock_moved or (lapse is not None and lapse.at != order.lapses_at):
            before = snapshot(order)
            order.hearing_deadline_at = clock.at if clock else order.hearing_deadline_at
            order.lapses_at = lapse.at if lapse else None
            _recomputed(work, order, order, before, why)
            moved.append(order.reference)
            if reinstate_if_wrongly_ended(work, order, REINSTATED):
                officer = session.get(AppUser, order.officer_id)
                reinstated.append(Reinstated(order.reference, officer.slack_user_id if officer else ""))
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
            _recomputed(work, breached, breach, before, why)
            moved.append(breached.reference)
    return CalendarChanged(day, name, tuple(dict.fromkeys(moved)), tuple(reinstated))


def _recomputed(
    work: Work, order: ProtectionOrder, row: ProtectionOrder | Breach, before: dict[str, Any], why: str
) -> None:
    """A deadline of `order` (on the record itself or one of its breaches) moved: audited, and
    the record replanned."""
    work.changed(row, before, order_id=pk(order), justification=why)
    work.touch(order, moot=MOOT_CALENDAR)  # the admin changed the calendar, not the record


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
