"""Caseloads from the kept counts (models.caseload.CaseloadCount, kept by triggers in the same
transaction as each write): records per status, and per officer, summed over a few thousand rows
instead of counted over every record. Used when a question's scope is teams and officers (the whole
force, a team, a supervisor's teams, an officer) with no filter but status: those are the kept
counts' own keys. A question filtering on anything else (type, risk, due date) counts the records
themselves (caseload.py). Only the shown officers' overdue records are counted from the records,
since overdue moves with the clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, select

from models import AppUser, CaseloadCount, OrderStatus, ProtectionOrder
from services.reporting.list_results import OfficerCount


@dataclass(frozen=True)
class Holders:
    """Whose records a caseload covers: these teams (None: every team), and of them only this
    officer's (None: every officer's). The same scope as conditions on the records or on the counts."""

    team_ids: frozenset[int] | None = None
    officer_id: int | None = None

    def on(self, table: Any) -> list[ColumnElement[bool]]:
        found: list[ColumnElement[bool]] = []
        if self.team_ids is not None:
            found.append(col(table.team_id).in_(sorted(self.team_ids)))
        if self.officer_id is not None:
            found.append(col(table.officer_id) == self.officer_id)
        return found


def by_status(session: Session, holders: Holders = Holders()) -> list[tuple[OrderStatus, int]]:
    records = func.sum(CaseloadCount.records)
    rows = session.exec(
        select(CaseloadCount.status, records)
        .where(*holders.on(CaseloadCount))
        .group_by(col(CaseloadCount.status))
        .having(records != 0)
    ).all()
    return [(OrderStatus(status), int(n)) for status, n in rows]


def by_officer(
    session: Session, status: OrderStatus | None, now: datetime, shown: int, holders: Holders = Holders()
) -> tuple[tuple[OfficerCount, ...], int]:
    """The `shown` officers holding the most records (of `status`, if given), each with how many
    are overdue, and how many officers hold any."""
    held = [*holders.on(CaseloadCount), *([col(CaseloadCount.status) == status] if status is not None else [])]
    records = func.sum(CaseloadCount.records).label("records")
    top = session.exec(
        select(AppUser.id, AppUser.slack_user_id, records)
        .join(AppUser, col(AppUser.id) == CaseloadCount.officer_id)
        .where(*held)
        .group_by(col(AppUser.id), col(AppUser.slack_user_id))
        .having(records != 0)
        .order_by(records.desc(), col(AppUser.slack_user_id))
        .limit(shown)
    ).all()
    ids = [user_id for user_id, _, _ in top]
    late = [*holders.on(ProtectionOrder), *([col(ProtectionOrder.status) == status] if status is not None else [])]
    overdue = dict(
        session.exec(
            select(ProtectionOrder.officer_id, func.count())
            .where(col(ProtectionOrder.officer_id).in_(ids), col(ProtectionOrder.next_deadline_at) < now, *late)
            .group_by(col(ProtectionOrder.officer_id))
        ).all()
    )
    holding = (
        select(CaseloadCount.officer_id)
        .where(*held)
        .group_by(col(CaseloadCount.officer_id))
        .having(func.sum(CaseloadCount.records) != 0)
        .subquery()
    )
    total = session.exec(select(func.count()).select_from(holding)).one()
    officers = tuple(OfficerCount(slack_id, int(n), int(overdue.get(user_id or 0, 0))) for user_id, slack_id, n in top)
    return officers, int(total)
