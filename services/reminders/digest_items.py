"""The rows a team's digest is drawn from: the team's records (or one of them), each joined to its
perpetrator for initials only, and the hearings, breach checks, breaches and reminders hanging off
them. One helper asks for every kind of row the same way, so a new section asks for its rows in one
call."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, TypeVar

from sqlmodel import Session, SQLModel, col, select

from config import Settings
from models import AppUser, Hearing, Perpetrator, ProtectionOrder
from services.reminders.results import DigestFact, DigestItem, ItemAction
from services.views import initials

Row = TypeVar("Row", bound=SQLModel)
Found = tuple[ProtectionOrder, Perpetrator, DigestFact]


class TeamRows:
    """The rows of one team's records; `order_id` narrows them to one record (a nudge asks for the
    items of the record it is about). `listed`: the digest's, which lists at most that many of a
    section's items (the first due) and counts the rest, so a section may read only those whole;
    the App Home and a nudge list every item (None)."""

    def __init__(
        self,
        session: Session,
        team_id: int,
        settings: Settings,
        order_id: int | None = None,
        *,
        listed: int | None = None,
    ) -> None:
        self.session, self.team_id, self.settings, self.order_id = session, team_id, settings, order_id
        self.tz, self.listed = settings.timezone, listed
        self._officers: dict[int | None, str] | None = None
        self.drawn: dict[Any, Any] = {}  # what sections drawn together share, by what and when

    def scope(self) -> list[Any]:
        scope: list[Any] = [ProtectionOrder.team_id == self.team_id]
        if self.order_id is not None:
            scope.append(ProtectionOrder.id == self.order_id)
        return scope

    def orders(self, *where: Any) -> list[tuple[ProtectionOrder, Perpetrator]]:
        query = (
            select(ProtectionOrder, Perpetrator)
            .join(Perpetrator, col(Perpetrator.id) == col(ProtectionOrder.perpetrator_id))
            .where(*self.scope(), *where)
        )
        return [(o, p) for o, p in self.session.exec(query).all()]

    def joined(
        self, table: type[Row], order_key: Any, *where: Any, order_by: Any
    ) -> Sequence[tuple[Row, ProtectionOrder, Perpetrator]]:
        """Rows of `table` hanging off the team's records by `order_key`, with their record and its
        perpetrator, in `order_by` order: the hearings, checks, breaches and reminders of a section."""
        query = (
            select(table, ProtectionOrder, Perpetrator)
            .join(ProtectionOrder, col(ProtectionOrder.id) == order_key)
            .join(Perpetrator, col(Perpetrator.id) == col(ProtectionOrder.perpetrator_id))
            .where(*self.scope(), *where)
            .order_by(order_by)
        )
        return self.session.exec(query).all()

    def pending_hearing_orders(self) -> set[int]:
        pending = select(Hearing.order_id).where(col(Hearing.outcome).is_(None))
        return set(self.session.exec(pending).all())

    def items(
        self,
        found: Iterable[Found],
        *,
        due: Any = None,
        since: Any = None,
        action: ItemAction = ItemAction.OPEN,
    ) -> tuple[DigestItem, ...]:
        """Digest items of (record, perpetrator, fact) rows: references, initials and the officer's
        chat id only. `due` and `since` read the fact's urgency and opening instants."""
        officers = self._officer_ids()
        return tuple(
            DigestItem(
                o.reference,
                initials(p.full_name),
                o.order_type.value,
                about,
                officers.get(o.officer_id, ""),
                _instant(due, about),
                _instant(since, about),
                action,
            )
            for o, p, about in found
        )

    def slack_ids(self, user_ids: Iterable[int]) -> dict[int | None, str]:
        """The chat ids of the officers and owners named by an incident's, a request's or a plan's row."""
        wanted = sorted(set(user_ids))
        if not wanted:
            return {}
        return dict(
            self.session.exec(select(AppUser.id, AppUser.slack_user_id).where(col(AppUser.id).in_(wanted))).all()
        )

    def _officer_ids(self) -> dict[int | None, str]:
        if self._officers is None:
            team_officers = select(ProtectionOrder.officer_id).where(*self.scope())
            query = select(AppUser.id, AppUser.slack_user_id).where(col(AppUser.id).in_(team_officers))
            self._officers = dict(self.session.exec(query).all())
        return self._officers


def _instant(read: Any, about: DigestFact) -> datetime | None:
    return read(about) if read is not None else None
