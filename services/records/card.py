"""Building a RecordView: the record's facts with every deadline explained from rules/."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session, col, select

from models import (
    AppUser,
    Breach,
    BreachCheck,
    Hearing,
    Incident,
    Notification,
    NotificationKind,
    OrderProtectedPerson,
    OrderStatus,
    Perpetrator,
    ProtectedPerson,
    ProtectionOrder,
    Reminder,
    ReminderState,
)
from rules.calendar import ExcludedDayCalendar
from rules.clock import Deadline
from rules.deadlines import (
    bail_start,
    hearing_deadline,
    lapse_deadline,
    notification_deadline,
    order_expiry,
    with_lapse,
)
from rules.lifecycle import State, state_of
from rules.monitoring import monitoring_end
from rules.notification import change_deadline, owed
from rules.order_types import rule_for
from rules.periods import PeriodEnd
from services.context import ServiceContext
from services.records.breach_court import court_deadline
from services.records.calendar import force_calendar
from services.records.crime_references import shareable_crime_reference
from services.records.planning import Replanned
from services.records.state import situation
from services.views import DeadlineView, PersonView, RecordView, initials
from services.when import show
from services.wording import Text


def deadline_views(
    session: Session,
    order: ProtectionOrder,
    calendar: ExcludedDayCalendar,
    tz: ZoneInfo,
    breaches: Sequence[Breach] | None = None,
    notifications: Sequence[Notification] | None = None,
) -> list[DeadlineView]:
    """`breaches`, `notifications`: the record's, if the caller has read them already."""
    rule = rule_for(order.order_type)
    found: list[Deadline | PeriodEnd | None] = []
    if order.served_at is not None:
        clock = hearing_deadline(rule, order.served_at, calendar, tz)
        found.append(with_lapse(clock, lapse_deadline(rule, order.served_at, calendar, tz)) if clock else None)
    if order.expires_at is not None:
        start = order.made_at or order.served_at
        if order.arrested_at is not None:
            start = bail_start(order.arrested_at, tz)  # PACE 1984 s47ZB(4)(a)
        assert start is not None
        # The stored instant is the end of the last day, i.e. the next day's 00:00.
        last_day = order.expires_at.astimezone(tz).date() - timedelta(days=1)
        found.append(order_expiry(rule, start, last_day=last_day, tz=tz))
    if owed(order.order_type, order.notification_exempt, False):
        found.append(notification_deadline(rule, order.made_at, order.served_at, tz))
    if notifications is None:
        notifications = session.exec(select(Notification).where(Notification.order_id == order.id)).all()
    changes = [n for n in notifications if n.change is not None]
    found += [
        change_deadline(order.order_type, n.change, n.happened_at, tz) for n in changes if n.change and n.happened_at
    ]
    if order.monitoring_starts_at is not None and order.monitoring_ends_at is not None:
        last = (order.monitoring_ends_at.astimezone(tz) - timedelta(microseconds=1)).date()
        found.append(monitoring_end(order.order_type, order.monitoring_starts_at, last, tz))
    if breaches is None:
        breaches = session.exec(
            select(Breach).where(Breach.order_id == order.id, col(Breach.arrested_at).is_not(None))
        ).all()
    found += [court_deadline(session, order, b.arrested_at, calendar, tz) for b in breaches if b.arrested_at]
    return [DeadlineView.of(deadline) for deadline in found if deadline is not None]


def by_id(breach: Breach) -> int:
    return breach.id or 0


@dataclass(frozen=True)
class Known:
    """What the transaction already holds of a record, so its card does not read it back: the
    replan just done (its facts and the reminders left pending) and, for a record created in this
    transaction, the protected people written with it (such a record has no follow-on yet)."""

    replanned: Replanned
    created_with: Sequence[ProtectedPerson] | None = None


@dataclass(frozen=True)
class _Rows:
    """A record's rows as its card shows them, each list in the card's order."""

    hearings: Sequence[Hearing]
    breaches: Sequence[Breach]
    checks: Sequence[BreachCheck]
    notifications: Sequence[Notification]
    reminders: Sequence[tuple[datetime, str]]  # pending: (due_at, kind)


def _rows(session: Session, order: ProtectionOrder, known: Known | None) -> _Rows:
    if known is not None:
        facts = known.replanned.facts
        hearings, breaches, checks = facts.hearings, facts.breaches, facts.checks
        notifications, reminders = facts.notifications, sorted(known.replanned.pending)
    else:
        hearings = session.exec(select(Hearing).where(Hearing.order_id == order.id)).all()
        breaches = session.exec(select(Breach).where(Breach.order_id == order.id)).all()
        checks = session.exec(select(BreachCheck).where(BreachCheck.order_id == order.id)).all()
        notifications = session.exec(select(Notification).where(Notification.order_id == order.id)).all()
        pending = select(Reminder.due_at, Reminder.kind).where(
            Reminder.order_id == order.id, Reminder.state == ReminderState.PENDING
        )
        reminders = sorted((due_at, kind) for due_at, kind in session.exec(pending))
    return _Rows(
        hearings=sorted(hearings, key=lambda h: (h.scheduled_at, h.id or 0)),
        breaches=sorted(breaches, key=lambda b: (b.occurred_at, b.id or 0)),
        checks=sorted(checks, key=lambda c: (c.due_at, c.id or 0)),
        notifications=notifications,
        reminders=reminders,
    )


def _status(ctx: ServiceContext, order: ProtectionOrder, hearings: Sequence[Hearing]) -> str:
    """The stored status, except that a notice lapsed in law reads as lapsed before the scheduler
    job marks it (rules/lifecycle.py): a card never calls a lapsed notice active."""
    if state_of(situation(order, hearings), ctx.clock.now()) is State.LAPSED:
        return OrderStatus.LAPSED.value
    return order.status.value


def _people(
    session: Session, order: ProtectionOrder, perpetrator: Perpetrator, known: Known | None
) -> list[PersonView]:
    protected = known.created_with if known is not None else None
    if protected is None:
        protected = session.exec(
            select(ProtectedPerson)
            .join(OrderProtectedPerson, col(OrderProtectedPerson.person_id) == ProtectedPerson.id)
            .where(OrderProtectedPerson.order_id == order.id)
        ).all()
    return [_person("perpetrator", perpetrator), *(_person("protected", person) for person in protected)]


_Row = TypeVar("_Row", Perpetrator, AppUser)

# Built once: every card asks it, and building a statement costs as much as running it.
_FOLLOW_ON = (
    select(ProtectionOrder.reference).where(ProtectionOrder.parent_id == sa.bindparam("order_id")).limit(1)
).scalar_subquery()
_PARTIES = (
    select(Perpetrator, AppUser, _FOLLOW_ON)
    .join(AppUser, col(AppUser.id) == sa.bindparam("officer_id"))
    .where(Perpetrator.id == sa.bindparam("perpetrator_id"))
)


def _parties(session: Session, order: ProtectionOrder, *, follow_on: bool) -> tuple[Perpetrator, AppUser, str | None]:
    """The record's perpetrator and officer in charge, and (`follow_on`) the reference of a record
    made from it: what the session does not hold already, in one statement, not one each."""
    perpetrator = _held(session, Perpetrator, order.perpetrator_id)
    officer = _held(session, AppUser, order.officer_id)
    if perpetrator is not None and officer is not None and not follow_on:
        return perpetrator, officer, None
    params = {"order_id": order.id, "officer_id": order.officer_id, "perpetrator_id": order.perpetrator_id}
    read_perpetrator, read_officer, reference = session.exec(_PARTIES, params=params).one()
    return perpetrator or read_perpetrator, officer or read_officer, reference if follow_on else None


# A card with its people, of a record not created in this transaction: the parties and the
# protected people (none: one row with no person) in one statement, not one for each.
_PARTIES_AND_PROTECTED = (
    select(Perpetrator, AppUser, _FOLLOW_ON, ProtectedPerson)
    .select_from(Perpetrator)
    .join(AppUser, col(AppUser.id) == sa.bindparam("officer_id"))
    .outerjoin(OrderProtectedPerson, col(OrderProtectedPerson.order_id) == sa.bindparam("order_id"))
    .outerjoin(ProtectedPerson, col(ProtectedPerson.id) == OrderProtectedPerson.person_id)
    .where(Perpetrator.id == sa.bindparam("perpetrator_id"))
    .order_by(col(OrderProtectedPerson.person_id))
)


def _parties_and_people(
    session: Session, order: ProtectionOrder
) -> tuple[Perpetrator, AppUser, str | None, list[PersonView]]:
    """_parties (with the follow-on) and _people of a record, read together."""
    params = {"order_id": order.id, "officer_id": order.officer_id, "perpetrator_id": order.perpetrator_id}
    rows = session.execute(_PARTIES_AND_PROTECTED, params).all()
    perpetrator, officer, follow_on, _ = rows[0]
    protected = [_person("protected", row[3]) for row in rows if row[3] is not None]
    return perpetrator, officer, follow_on, [_person("perpetrator", perpetrator), *protected]


def _held(session: Session, model: type[_Row], row_id: int) -> _Row | None:
    """The row if the session holds it, as session.get would return it without reading it."""
    held = session.identity_map.get(session.identity_key(model, row_id))
    return held if isinstance(held, model) else None


def build_view(
    session: Session,
    ctx: ServiceContext,
    order: ProtectionOrder,
    *,
    with_people: bool,
    warnings: tuple[Text, ...] = (),
    writable: bool = True,
    known: Known | None = None,
) -> RecordView:
    """The record's card. `known`: what the caller holds of it, not read again."""
    tz = ctx.settings.timezone
    follow_on_possible = known is None or known.created_with is None  # a record created now has none
    if with_people and follow_on_possible:
        perpetrator, officer, follow_on, people = _parties_and_people(session, order)
    else:
        perpetrator, officer, follow_on = _parties(session, order, follow_on=follow_on_possible)
        people = _people(session, order, perpetrator, known) if with_people else []
    parent = session.get(ProtectionOrder, order.parent_id) if order.parent_id else None
    incident = session.get(Incident, order.incident_id) if order.incident_id else None
    rows = _rows(session, order, known)
    hearings, breaches, checks = rows.hearings, rows.breaches, rows.checks
    awaited = [
        n
        for n in rows.notifications
        if n.received_at is None
        and owed(order.order_type, order.notification_exempt, n.kind is NotificationKind.CHANGE)
    ]
    calendar = force_calendar(session, ctx.settings)
    return RecordView(
        reference=order.reference,
        order_type=order.order_type.value,
        status=_status(ctx, order, hearings),
        perpetrator_initials=initials(perpetrator.full_name),
        officer_slack_id=officer.slack_user_id,
        team_id=order.team_id,
        served_at=order.served_at,
        made_at=order.made_at,
        deadlines=tuple(deadline_views(session, order, calendar, tz, sorted(breaches, key=by_id), rows.notifications)),
        people=tuple(people),
        hearings=tuple(_hearing_line(h, tz) for h in hearings),
        breaches=tuple(_breach_line(b, tz) for b in breaches),
        checks=tuple(_check_line(c, tz) for c in checks),
        check_times=tuple(_check_line(c, tz, with_outcome=False) for c in checks),
        hearing_times=tuple(_hearing_line(h, tz, with_court=False) for h in hearings),
        channel_breaches=tuple(
            _breach_line(b, tz, shareable_crime_reference(ctx.settings, b.crime_reference)) for b in breaches
        ),
        warnings=warnings,
        parent_reference=parent.reference if parent else None,
        follow_on_reference=follow_on,
        incident_reference=incident.reference if incident else None,
        writable=writable,
        is_notice=rule_for(order.order_type).is_notice,
        hearing_pending=any(h.outcome is None for h in hearings),
        check_open=any(c.done_at is None for c in checks),
        notification_awaited=bool(awaited),
        reminders=tuple(f"{show(due_at, tz)}: {reminder_label(kind)}" for due_at, kind in rows.reminders),
    )


def reminder_label(kind: str) -> str:
    """'hearing_deadline_in_24h' reads as 'hearing deadline in 24h'; ids after ':' are internal."""
    return kind.split(":", 1)[0].replace("_", " ")


def _person(role: str, person: Perpetrator | ProtectedPerson) -> PersonView:
    return PersonView(role, person.full_name, initials(person.full_name), person.date_of_birth, person.address)


def _hearing_line(hearing: Hearing, tz: ZoneInfo, *, with_court: bool = True) -> str:
    """A court is typed as free text (a name or an address could be in it): never for a channel.
    Left out rather than checked: no format tells "Worcester MC" from "14 Acacia Road", and a list
    of every court in England and Wales would be one more thing to keep up to date."""
    where = f" at {hearing.court}" if hearing.court and with_court else ""
    outcome = f": {hearing.outcome.value}" if hearing.outcome else ""
    late = " (after the statutory deadline)" if hearing.after_statutory_deadline else ""
    return f"{show(hearing.scheduled_at, tz)}{where}{outcome}{late}"


def _breach_line(breach: Breach, tz: ZoneInfo, crime_reference: str | None = None) -> str:
    """`crime_reference`: the one to show instead of the breach's (a channel's, checked)."""
    crime = crime_reference or breach.crime_reference or "no crime reference yet"
    arrested = f", arrested {show(breach.arrested_at, tz)}" if breach.arrested_at else ""
    return f"{show(breach.occurred_at, tz)}{arrested} ({crime})"


def _check_line(check: BreachCheck, tz: ZoneInfo, *, with_outcome: bool = True) -> str:
    """An outcome is free text an officer typed (often naming people): never for a channel."""
    if check.done_at:
        return f"done {show(check.done_at, tz)}" + (f": {check.outcome}" if check.outcome and with_outcome else "")
    return f"due {show(check.due_at, tz)}"
