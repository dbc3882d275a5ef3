"""Lists of records with their next deadline, and each user's dashboard (the App Home).

Reads only. A list shows references, initials and deadlines, never personal details, so listing
is not a consultation of a record and is not audited; opening a record is (services.records.view).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import case, func
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import FunctionElement
from sqlmodel import Session, col, or_, select

from models import (
    AppUser,
    Breach,
    BreachCheck,
    Hearing,
    Notification,
    OrderStatus,
    Perpetrator,
    ProtectionOrder,
    Reminder,
    ReminderState,
    Role,
)
from models.db import session_scope
from models.types import UTCDateTime
from services.access import READ_ALL_ROLES, acting_user, supervised_team_ids
from services.context import ServiceContext
from services.errors import DomainError
from services.views import initials


class ListScope(StrEnum):
    MINE = "mine"  # records I am the officer in charge of
    TEAM = "team"  # my team's, or the teams I supervise (champions and admins: the force's)
    DUE = "due"  # a deadline within DUE_WITHIN, or already passed
    EXPIRING = "expiring"  # orders ending within EXPIRING_WITHIN
    LAPSED = "lapsed"  # notices whose hearing deadline passed with no decision

    @classmethod
    def parse(cls, text: str) -> ListScope:
        try:
            return cls(text.strip().lower())
        except ValueError:
            raise DomainError(f"List one of: {', '.join(s.value for s in cls)}.", "scope") from None


DUE_WITHIN = timedelta(hours=24)
EXPIRING_WITHIN = timedelta(days=7)


@dataclass(frozen=True)
class NextDeadline:
    label: str
    at: datetime

    def overdue(self, now: datetime) -> bool:
        return self.at < now


@dataclass(frozen=True)
class RecordSummary:
    reference: str
    order_type: str
    status: str
    perpetrator_initials: str
    officer_slack_id: str
    next_deadline: NextDeadline | None
    expires_at: datetime | None = None


@dataclass(frozen=True)
class RecordPage:
    scope: ListScope
    items: tuple[RecordSummary, ...]
    total: int
    offset: int

    @property
    def remaining(self) -> int:
        return max(0, self.total - self.offset - len(self.items))


@dataclass(frozen=True)
class CheckDue:
    reference: str
    due_at: datetime


@dataclass(frozen=True)
class WaitingReminder:
    reminder_id: int
    reference: str
    kind: str
    due_at: datetime


@dataclass(frozen=True)
class Dashboard:
    """What a user's App Home shows."""

    slack_user_id: str
    role: str
    team_assigned: bool
    mine: tuple[RecordSummary, ...]
    checks_due: tuple[CheckDue, ...]
    reminders_waiting: tuple[WaitingReminder, ...]
    team_overdue: tuple[RecordSummary, ...]  # supervisors: their teams' records past a deadline


def list_records(
    ctx: ServiceContext, actor_slack_id: str, scope: ListScope, *, offset: int = 0, limit: int = 20
) -> RecordPage:
    now = ctx.clock.now()
    with session_scope(ctx.engine) as session:
        user = acting_user(session, ctx, actor_slack_id)
        orders = _orders_in(session, user, scope)
        summaries = summarise(session, orders, now)
        summaries = _filter(summaries, scope, now)
        return RecordPage(scope, tuple(summaries[offset : offset + limit]), len(summaries), offset)


def dashboard(ctx: ServiceContext, actor_slack_id: str, *, limit: int = 15) -> Dashboard:
    now = ctx.clock.now()
    end_of_today = _end_of_local_day(now, ctx)
    with session_scope(ctx.engine) as session:
        user = acting_user(session, ctx, actor_slack_id)
        mine = summarise(session, _orders_in(session, user, ListScope.MINE), now)
        checks = session.exec(
            select(BreachCheck, ProtectionOrder.reference)
            .join(ProtectionOrder, col(ProtectionOrder.id) == BreachCheck.order_id)
            .where(
                BreachCheck.assigned_to_id == user.id,
                col(BreachCheck.done_at).is_(None),
                col(BreachCheck.due_at) <= end_of_today,
                ProtectionOrder.status == OrderStatus.ACTIVE,
            )
            .order_by(col(BreachCheck.due_at))
        ).all()
        waiting = session.exec(
            select(Reminder, ProtectionOrder.reference)
            .join(ProtectionOrder, col(ProtectionOrder.id) == Reminder.order_id)
            .where(Reminder.recipient_id == user.id, Reminder.state == ReminderState.SENT)
            .order_by(col(Reminder.due_at))
        ).all()
        overdue: list[RecordSummary] = []
        if user.role is Role.SUPERVISOR:
            team = summarise(session, _orders_in(session, user, ListScope.TEAM), now)
            overdue = [s for s in team if s.next_deadline and s.next_deadline.overdue(now)]
        return Dashboard(
            slack_user_id=user.slack_user_id,
            role=user.role.value,
            team_assigned=user.team_id is not None,
            mine=tuple(mine[:limit]),
            checks_due=tuple(CheckDue(ref, check.due_at) for check, ref in checks[:limit]),
            reminders_waiting=tuple(WaitingReminder(r.id or 0, ref, r.kind, r.due_at) for r, ref in waiting[:limit]),
            team_overdue=tuple(overdue[:limit]),
        )


def readable(session: Session, user: AppUser) -> ColumnElement[bool] | None:
    """The filter on protection_order for what `user` may read; None means everything."""
    if user.role in READ_ALL_ROLES:
        return None
    if user.role is Role.SUPERVISOR:
        return col(ProtectionOrder.team_id).in_(supervised_team_ids(session, user))
    mine = col(ProtectionOrder.officer_id) == user.id
    return or_(mine, col(ProtectionOrder.team_id) == user.team_id) if user.team_id is not None else mine


def summarise(session: Session, orders: Sequence[ProtectionOrder], now: datetime) -> list[RecordSummary]:
    """Each record with its next deadline, most urgent first; a handful of queries, not one per record."""
    ids = [o.id for o in orders if o.id is not None]
    active = [o.id for o in orders if o.id is not None and o.status is OrderStatus.ACTIVE]
    deadlines = _open_deadlines(session, ids, active, now)
    people = dict(
        session.exec(
            select(Perpetrator.id, Perpetrator.full_name).where(
                col(Perpetrator.id).in_({o.perpetrator_id for o in orders})
            )
        ).all()
    )
    officers = dict(
        session.exec(
            select(AppUser.id, AppUser.slack_user_id).where(col(AppUser.id).in_({o.officer_id for o in orders}))
        ).all()
    )
    summaries = []
    for order in orders:
        candidates = list(deadlines.get(order.id or 0, []))
        if order.status is OrderStatus.ACTIVE:
            candidates += _stored_deadlines(order)
        summaries.append(
            RecordSummary(
                reference=order.reference,
                order_type=order.order_type.value,
                status=order.status.value,
                perpetrator_initials=initials(people.get(order.perpetrator_id, "")),
                officer_slack_id=officers.get(order.officer_id, ""),
                next_deadline=min(candidates, key=lambda d: d.at) if candidates else None,
                expires_at=order.expires_at,
            )
        )
    # Most urgent first; records with no deadline last.
    return sorted(
        summaries, key=lambda s: (s.next_deadline is None, s.next_deadline.at if s.next_deadline else now, s.reference)
    )


def _orders_in(session: Session, user: AppUser, scope: ListScope) -> Sequence[ProtectionOrder]:
    query = select(ProtectionOrder)
    if scope is ListScope.MINE:
        query = query.where(ProtectionOrder.officer_id == user.id)
    elif (allowed := readable(session, user)) is not None:
        query = query.where(allowed)
    wanted = OrderStatus.LAPSED if scope is ListScope.LAPSED else OrderStatus.ACTIVE
    return session.exec(query.where(ProtectionOrder.status == wanted)).all()


def _filter(summaries: list[RecordSummary], scope: ListScope, now: datetime) -> list[RecordSummary]:
    if scope is ListScope.DUE:
        return [s for s in summaries if s.next_deadline and s.next_deadline.at <= now + DUE_WITHIN]
    if scope is ListScope.EXPIRING:
        return [s for s in summaries if s.expires_at and now <= s.expires_at <= now + EXPIRING_WITHIN]
    return summaries


def _stored_deadlines(order: ProtectionOrder) -> list[NextDeadline]:
    found = []
    if order.hearing_deadline_at is not None:
        found.append(NextDeadline("Hearing deadline", order.hearing_deadline_at))
    if order.expires_at is not None:
        found.append(NextDeadline("Expires", order.expires_at))
    return found


def _open_deadlines(
    session: Session, order_ids: Iterable[int], active_ids: Iterable[int], now: datetime
) -> dict[int, list[NextDeadline]]:
    """Open hearings and breach court deadlines of any record; checks and notifications are owed
    only while the order is in force, so an ended record's leftovers are not deadlines."""
    ids, active = list(order_ids), list(active_ids)
    found: dict[int, list[NextDeadline]] = defaultdict(list)
    if not ids:
        return found
    for order_id, at in session.exec(
        select(Hearing.order_id, Hearing.scheduled_at).where(
            col(Hearing.order_id).in_(ids), col(Hearing.outcome).is_(None)
        )
    ).all():
        found[order_id].append(NextDeadline("Hearing", at))
    for order_id, at in session.exec(
        select(BreachCheck.order_id, BreachCheck.due_at).where(
            col(BreachCheck.order_id).in_(active), col(BreachCheck.done_at).is_(None)
        )
    ).all():
        found[order_id].append(NextDeadline("Breach check", at))
    for order_id, at in session.exec(
        select(Notification.order_id, Notification.due_at).where(
            col(Notification.order_id).in_(active), col(Notification.received_at).is_(None)
        )
    ).all():
        found[order_id].append(NextDeadline("Notification due", at))
    # A passed court deadline needs nothing more; only ones still ahead are shown.
    for order_id, court_by in session.exec(
        select(Breach.order_id, Breach.court_deadline_at).where(
            col(Breach.order_id).in_(ids), col(Breach.court_deadline_at) >= now
        )
    ).all():
        if court_by is not None:
            found[order_id].append(NextDeadline("Breach: before a court by", court_by))
    return found


class earliest(FunctionElement[datetime]):  # named as the SQL idea it renders
    """earliest(a, b, ...): the earliest non-NULL instant, NULL if all are NULL."""

    type = UTCDateTime()
    inherit_cache = True
    name = "earliest"


@compiles(earliest, "postgresql")
def _earliest_postgresql(element: earliest, compiler: SQLCompiler, **kw: Any) -> str:
    return f"LEAST({', '.join(compiler.process(arg, **kw) for arg in element.clauses)})"  # LEAST skips NULLs


# SQLite's scalar min() returns NULL if any argument is NULL, so NULLs are swapped for a date
# later than any deadline and swapped back. Instants are stored as text that sorts by time.
_NEVER = "9999-12-31 00:00:00.000000"


@compiles(earliest, "sqlite")
def _earliest_sqlite(element: earliest, compiler: SQLCompiler, **kw: Any) -> str:
    args = ", ".join(f"COALESCE({compiler.process(arg, **kw)}, '{_NEVER}')" for arg in element.clauses)
    return f"NULLIF(MIN({args}), '{_NEVER}')"


def next_deadline_at(now: datetime) -> ColumnElement[datetime]:
    """A record's next deadline as a SQL expression, so the database can sort, filter and page by
    urgency. The same deadlines as summarise(): for open records their stored deadlines, open checks
    and awaited notifications; for any record its open hearings and breach court deadlines still
    ahead. Each subquery is an index lookup by order."""
    order_id = col(ProtectionOrder.id)
    active = col(ProtectionOrder.status) == OrderStatus.ACTIVE
    found: list[ColumnElement[Any]] = [
        case((active, col(ProtectionOrder.hearing_deadline_at)), else_=None),
        case((active, col(ProtectionOrder.expires_at)), else_=None),
        select(func.min(Hearing.scheduled_at))
        .where(Hearing.order_id == order_id, col(Hearing.outcome).is_(None))
        .scalar_subquery(),
        case(
            (
                active,
                select(func.min(BreachCheck.due_at))
                .where(BreachCheck.order_id == order_id, col(BreachCheck.done_at).is_(None))
                .scalar_subquery(),
            ),
            else_=None,
        ),
        case(
            (
                active,
                select(func.min(Notification.due_at))
                .where(Notification.order_id == order_id, col(Notification.received_at).is_(None))
                .scalar_subquery(),
            ),
            else_=None,
        ),
        select(func.min(Breach.court_deadline_at))
        .where(Breach.order_id == order_id, col(Breach.court_deadline_at) >= now)
        .scalar_subquery(),
    ]
    return earliest(*found)


def _end_of_local_day(now: datetime, ctx: ServiceContext) -> datetime:
    tomorrow = now.astimezone(ctx.settings.timezone).date() + timedelta(days=1)
    return datetime.combine(tomorrow, datetime.min.time(), ctx.settings.timezone)
