"""A claimed batch's notices and orders, their hearings and the people its reminders name, read as
plain rows of just the columns the sweep needs, not as ORM objects: an ORM statement costs a claim
about twice the Python of a plain one, and its objects' every attribute read goes through the
session's instrumentation (a batch reads its records some nine hundred times). Two statements
for the lot: the records with their perpetrators' names and their hearings, then the people
(recipients, officers, supervisors) with the teams they supervise.

The facts and the escalation chain read these through OrderRow, HearingRow and UserRow, which the
models satisfy too, so a button pressed on one reminder (ORM rows) is worded by the same code."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from datetime import datetime
from typing import NamedTuple, Protocol

import sqlalchemy as sa
from sqlmodel import Session

from models import HearingOutcome, OrderStatus, metadata
from rules.order_types import OrderType
from services.views import initials

_ORDERS, _PEOPLE, _HEARINGS = (metadata.tables[t] for t in ("protection_order", "perpetrator", "hearing"))
_USERS, _SUPERVISORS = metadata.tables["app_user"], metadata.tables["team_supervisor"]


class OrderRow(Protocol):
    """What a reminder's facts and the queue read of a notice or order."""

    @property
    def id(self) -> int | None: ...
    @property
    def reference(self) -> str: ...
    @property
    def order_type(self) -> OrderType: ...
    @property
    def status(self) -> OrderStatus: ...
    @property
    def perpetrator_id(self) -> int: ...
    @property
    def officer_id(self) -> int: ...
    @property
    def team_id(self) -> int: ...
    @property
    def served_at(self) -> datetime | None: ...
    @property
    def hearing_deadline_at(self) -> datetime | None: ...
    @property
    def lapses_at(self) -> datetime | None: ...
    @property
    def expires_at(self) -> datetime | None: ...
    @property
    def notification_due_at(self) -> datetime | None: ...
    @property
    def monitoring_ends_at(self) -> datetime | None: ...


class HearingRow(Protocol):
    @property
    def id(self) -> int | None: ...
    @property
    def order_id(self) -> int: ...
    @property
    def scheduled_at(self) -> datetime: ...
    @property
    def court(self) -> str | None: ...
    @property
    def outcome(self) -> HearingOutcome | None: ...


class UserRow(Protocol):
    @property
    def id(self) -> int | None: ...
    @property
    def slack_user_id(self) -> str: ...
    @property
    def active(self) -> bool: ...


class BatchOrder(NamedTuple):
    """Named as the table's columns (selected in this order)."""

    id: int
    reference: str
    order_type: OrderType
    status: OrderStatus
    perpetrator_id: int
    officer_id: int
    team_id: int
    served_at: datetime | None
    hearing_deadline_at: datetime | None
    lapses_at: datetime | None
    expires_at: datetime | None
    notification_due_at: datetime | None
    monitoring_ends_at: datetime | None


class BatchHearing(NamedTuple):
    id: int
    order_id: int
    scheduled_at: datetime
    court: str | None
    outcome: HearingOutcome | None


class BatchUser(NamedTuple):
    id: int
    slack_user_id: str
    active: bool


_ORDER_COLUMNS = [_ORDERS.c[name] for name in BatchOrder._fields]
_HEARING_COLUMNS = [_HEARINGS.c[name] for name in BatchHearing._fields]
_USER_COLUMNS = [_USERS.c[name] for name in BatchUser._fields]

# Built once, their ids bound at each claim: building them anew costs more Python than running them.
ORDERS = (
    sa.select(*_ORDER_COLUMNS, _PEOPLE.c.full_name, *_HEARING_COLUMNS)
    .join(_PEOPLE, _PEOPLE.c.id == _ORDERS.c.perpetrator_id)
    .outerjoin(_HEARINGS, _HEARINGS.c.order_id == _ORDERS.c.id)
    .where(_ORDERS.c.id.in_(sa.bindparam("ids", expanding=True)))
    .order_by(_ORDERS.c.id, _HEARINGS.c.scheduled_at, _HEARINGS.c.id)
)
USERS = sa.union_all(
    sa.select(*_USER_COLUMNS, sa.null().label("team_id")).where(_USERS.c.id.in_(sa.bindparam("ids", expanding=True))),
    sa.select(*_USER_COLUMNS, _SUPERVISORS.c.team_id)
    .select_from(_SUPERVISORS)
    .join(_USERS, _USERS.c.id == _SUPERVISORS.c.user_id)
    .where(_SUPERVISORS.c.team_id.in_(sa.bindparam("teams", expanding=True))),
)


class Orders(NamedTuple):
    orders: dict[int, BatchOrder]
    initials: dict[int, str]  # order id -> its perpetrator's initials (never the name itself)
    hearings: dict[int, list[BatchHearing]]  # order id -> its hearings by time


def orders(session: Session, ids: Collection[int]) -> Orders:
    """The notices and orders `ids`, their perpetrators' initials and their hearings, one statement."""
    found = Orders({}, {}, {})
    if not ids:
        return found
    width = len(_ORDER_COLUMNS)
    for row in session.execute(ORDERS, {"ids": sorted(ids)}).all():
        order_id = row[0]
        if order_id not in found.orders:
            found.orders[order_id] = BatchOrder._make(row[:width])
            found.initials[order_id] = initials(row[width])
            found.hearings[order_id] = []
        if row[width + 1] is not None:
            found.hearings[order_id].append(BatchHearing._make(row[width + 1 :]))
    return found


def users(
    session: Session, ids: Collection[int], teams: Collection[int]
) -> tuple[dict[int, BatchUser], dict[int, list[int]]]:
    """The users `ids` and the supervisors of `teams`, one statement: the users by id, and each
    team's supervisors' ids in order (a team with none has an empty list)."""
    found: dict[int, BatchUser] = {}
    supervisors: dict[int, list[int]] = defaultdict(list)
    if ids or teams:
        for *user, team_id in session.execute(USERS, {"ids": sorted(ids), "teams": sorted(teams)}).all():
            found.setdefault(user[0], BatchUser._make(user))
            if team_id is not None:
                supervisors[team_id].append(user[0])
    return found, {t: sorted(supervisors.get(t, [])) for t in teams}
