"""Lists of records with their next deadline, and each user's dashboard (the App Home).

Reads only. A list shows references, initials and deadlines, never personal details, so listing
is not a consultation of a record and is not audited; opening a record is (services.records.recording.view).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Protocol, TypeVar

from sqlalchemy import func
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, or_, select
from sqlmodel.sql.expression import SelectOfScalar

from models import (
    AppUser,
    Breach,
    BreachCheck,
    Hearing,
    Incident,
    Notification,
    OrderStatus,
    Perpetrator,
    ProtectionOrder,
    Reminder,
    ReminderState,
    Role,
)
from services.context import ServiceContext
from services.governance.access import READ_ALL_ROLES, supervised_team_ids
from services.records.planning import OrderFacts, next_deadline
from services.records.state import lapsed_unmarked
from services.reporting.list_results import (
    CheckDue,
    Dashboard,
    ListScope,
    RecordPage,
    RecordSummary,
    WaitingReminder,
)
from services.unit_of_work import reading
from services.views import initials

DUE_WITHIN = timedelta(hours=24)
EXPIRING_WITHIN = timedelta(days=7)


def list_records(
    ctx: ServiceContext, actor_slack_id: str, scope: ListScope, *, offset: int = 0, limit: int = 20
) -> RecordPage:
    now = ctx.clock.now()
    offset = max(0, offset)
    with reading(ctx, actor_slack_id) as read:
        session, user = read.session, read.user
        wanted = [*_scope_filters(session, user, scope, now), *_window(scope, now)]
        total = session.exec(select(func.count()).select_from(ProtectionOrder).where(*wanted)).one()
        page = session.exec(by_urgency(select(ProtectionOrder).where(*wanted)).offset(offset).limit(limit)).all()
        return RecordPage(scope, tuple(summarise(session, page, now)), total, offset)


def dashboard(ctx: ServiceContext, actor_slack_id: str, *, limit: int = 15) -> Dashboard:
    now = ctx.clock.now()
    end_of_today = _end_of_local_day(now, ctx)
    with reading(ctx, actor_slack_id) as read:
        session, user = read.session, read.user
        mine = session.exec(
            by_urgency(select(ProtectionOrder).where(*_scope_filters(session, user, ListScope.MINE, now))).limit(limit)
        ).all()
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
            .limit(limit)
        ).all()
        waiting = session.exec(
            select(Reminder, ProtectionOrder.reference)
            .join(ProtectionOrder, col(ProtectionOrder.id) == Reminder.order_id)
            .where(Reminder.recipient_id == user.id, Reminder.state == ReminderState.SENT)
            .order_by(col(Reminder.due_at))
            .limit(limit)
        ).all()
        # An incident's reminders wait beside the records' (services/incidents/planning.py).
        about_incidents = session.exec(
            select(Reminder, Incident.reference)
            .join(Incident, col(Incident.id) == Reminder.incident_id)
            .where(Reminder.recipient_id == user.id, Reminder.state == ReminderState.SENT)
            .order_by(col(Reminder.due_at))
            .limit(limit)
        ).all()
        waiting = sorted([*waiting, *about_incidents], key=lambda row: row[0].due_at)[:limit]
        overdue: Sequence[ProtectionOrder] = []
        if user.role is Role.SUPERVISOR:
            overdue = session.exec(
                by_urgency(
                    select(ProtectionOrder).where(
                        *_scope_filters(session, user, ListScope.TEAM, now), col(ProtectionOrder.next_deadline_at) < now
                    )
                ).limit(limit)
            ).all()
        return Dashboard(
            slack_user_id=user.slack_user_id,
            role=user.role.value,
            team_assigned=user.team_id is not None,
            mine=tuple(summarise(session, mine, now)),
            checks_due=tuple(CheckDue(ref, check.due_at) for check, ref in checks),
            reminders_waiting=tuple(WaitingReminder(r.id or 0, ref, r.kind, r.due_at) for r, ref in waiting),
            team_overdue=tuple(summarise(session, overdue, now)),
        )


def readable(session: Session, user: AppUser) -> ColumnElement[bool] | None:
    """The filter on protection_order for what `user` may read; None means everything."""
    if user.role in READ_ALL_ROLES:
        return None
    if user.role is Role.SUPERVISOR:
        return col(ProtectionOrder.team_id).in_(supervised_team_ids(session, user))
    return col(ProtectionOrder.team_id) == user.team_id  # the team now (services.governance.access.can_write)


def by_urgency(query: SelectOfScalar[ProtectionOrder]) -> SelectOfScalar[ProtectionOrder]:
    """Most urgent first, records with no deadline last; the stored next deadline is indexed with
    the team, officer and status a list is asked by (models.orders)."""
    return query.order_by(col(ProtectionOrder.next_deadline_at).asc().nulls_last(), col(ProtectionOrder.reference))


def summarise(session: Session, orders: Sequence[ProtectionOrder], now: datetime) -> list[RecordSummary]:
    """Each record, in the order given, with its next deadline labelled (services.records.planning decides
    which is next); a handful of queries for the lot, not one per record."""
    ids = [o.id for o in orders if o.id is not None]
    hearings = _by_order(session.exec(select(Hearing).where(col(Hearing.order_id).in_(ids))).all())
    breaches = _by_order(session.exec(select(Breach).where(col(Breach.order_id).in_(ids))).all())
    checks = _by_order(session.exec(select(BreachCheck).where(col(BreachCheck.order_id).in_(ids))).all())
    notifications = _by_order(session.exec(select(Notification).where(col(Notification.order_id).in_(ids))).all())
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
        key = order.id or 0
        facts = OrderFacts(
            order, hearings.get(key, []), breaches.get(key, []), checks.get(key, []), notifications.get(key, []), []
        )
        summaries.append(
            RecordSummary(
                reference=order.reference,
                order_type=order.order_type.value,
                status=order.status.value,
                perpetrator_initials=initials(people.get(order.perpetrator_id, "")),
                officer_slack_id=officers.get(order.officer_id, ""),
                next_deadline=next_deadline(facts, now),
                expires_at=order.expires_at,
            )
        )
    return summaries


class _OfAnOrder(Protocol):
    @property
    def order_id(self) -> int: ...


_Item = TypeVar("_Item", bound=_OfAnOrder)


def _by_order(rows: Iterable[_Item]) -> dict[int, list[_Item]]:
    found: dict[int, list[_Item]] = defaultdict(list)
    for row in rows:
        found[row.order_id].append(row)
    return found


def _scope_filters(session: Session, user: AppUser, scope: ListScope, now: datetime) -> list[ColumnElement[bool]]:
    found: list[ColumnElement[bool]] = []
    if scope is ListScope.MINE:
        found.append(col(ProtectionOrder.officer_id) == user.id)
    elif (allowed := readable(session, user)) is not None:
        found.append(allowed)
    if scope is ListScope.LAPSED:  # marked lapsed, or lapsed in law and not marked yet (rules/lifecycle.py)
        return [*found, or_(col(ProtectionOrder.status) == OrderStatus.LAPSED, lapsed_unmarked(now))]
    return [*found, col(ProtectionOrder.status) == OrderStatus.ACTIVE]


def _window(scope: ListScope, now: datetime) -> list[ColumnElement[bool]]:
    if scope is ListScope.DUE:
        return [col(ProtectionOrder.next_deadline_at) <= now + DUE_WITHIN]
    if scope is ListScope.EXPIRING:
        expires = col(ProtectionOrder.expires_at)
        return [expires >= now, expires <= now + EXPIRING_WITHIN]
    return []


def _end_of_local_day(now: datetime, ctx: ServiceContext) -> datetime:
    tomorrow = now.astimezone(ctx.settings.timezone).date() + timedelta(days=1)
    return datetime.combine(tomorrow, datetime.min.time(), ctx.settings.timezone)
