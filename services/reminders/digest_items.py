"""The rows a team's digest is drawn from: the team's records (or one of them), each joined to its
perpetrator for initials only, and the hearings, breach checks, breaches and reminders hanging off
them. One helper asks for every kind of row the same way, so a new section asks for its rows in one
call."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any, NamedTuple, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Bundle
from sqlmodel import Session, SQLModel, col, func, select

from config import Settings
from models import AppUser, Hearing, Perpetrator, ProtectionOrder
from models.db import is_postgres
from rules.order_types import OrderType
from services.reminders.results import DigestFact, DigestItem, ItemAction
from services.reporting.id_arrays import among
from services.views import initials

Row = TypeVar("Row", bound=SQLModel)


class DigestRecord(NamedTuple):
    """What a section reads of a notice or order: a plain row of these columns, not an ORM object
    (a supervisor's Home reads some three hundred, each an object with its every column and its
    place in the session)."""

    id: int
    reference: str
    order_type: OrderType
    officer_id: int
    served_at: datetime | None
    hearing_deadline_at: datetime | None
    lapses_at: datetime | None
    created_at: datetime
    expires_at: datetime | None


_RECORD = tuple(getattr(ProtectionOrder, name) for name in DigestRecord._fields)
_WIDTH = len(_RECORD)
# A section's record with the name its initials are made from and the fact it lists.
Found = tuple[DigestRecord, str, DigestFact]


@dataclass(frozen=True)
class Owner:
    """Whose items are drawn: those `user_id` owns (the officer in charge of a record, an incident or
    a request; a plan action's owner), or, `others`, everyone else's."""

    user_id: int
    others: bool = False

    def of(self, column: Any) -> Any:
        return col(column).is_distinct_from(self.user_id) if self.others else col(column) == self.user_id


class TeamRows:
    """The rows of one team's records; `order_id` narrows them to one record (a nudge asks for the
    items of the record it is about), `owner` to one person's items or everyone else's (the App
    Home). `listed`: the digest's and the Home's, which list at most that many of a section's items
    (the first due) and count the rest, so a section may read only those whole; a nudge lists every
    item (None). `cut_records`: the record sections (lapsed to breaches) are cut to `listed` too
    (the Home's, which counts each section's items; the digest folds a record's items in those
    sections into one line and counts lines, so reads them all)."""

    def __init__(
        self,
        session: Session,
        team_id: int,
        settings: Settings,
        order_id: int | None = None,
        *,
        listed: int | None = None,
        owner: Owner | None = None,
        cut_records: bool = False,
    ) -> None:
        self.session, self.team_id, self.settings, self.order_id = session, team_id, settings, order_id
        self.tz, self.listed, self.owner = settings.timezone, listed, owner
        self.cut = listed if cut_records else None  # how many of a record section's items are read whole
        self._officers: dict[int | None, str] = {}  # the chat ids of the officers of the rows read
        self.drawn: dict[Any, Any] = {}  # what sections drawn together share, by what and when
        self.references: frozenset[str] | None = None  # narrowed to these records (of_records)

    def of_records(self, references: Iterable[str]) -> TeamRows:
        """The same rows narrowed to the records with these references, every item of each read:
        a section drawn only for what it adds to the lines of records already listed."""
        narrowed = TeamRows(self.session, self.team_id, self.settings, self.order_id, owner=self.owner)
        narrowed.references = frozenset(references)
        narrowed._officers = self._officers
        return narrowed

    def scope(self) -> list[Any]:
        scope: list[Any] = [ProtectionOrder.team_id == self.team_id]
        if self.references is not None:
            # The team's condition stays: a line's reference may be a record of another team (a
            # plan's record is its perpetrator's first), whose facts this user may not read.
            postgres = is_postgres(self.session.get_bind().engine)
            scope.append(among(ProtectionOrder.reference, sorted(self.references), postgres=postgres))
        if self.order_id is not None:
            scope.append(ProtectionOrder.id == self.order_id)
        if self.owner is not None:
            scope.append(self.owner.of(ProtectionOrder.officer_id))
        return scope

    def owned(self, owner_column: Any) -> list[Any]:
        """The narrowing to `owner`'s items (or no narrowing) of rows owned through `owner_column`."""
        return [] if self.owner is None else [self.owner.of(owner_column)]

    def orders(self, *where: Any, order_by: Sequence[Any] = ()) -> tuple[list[tuple[DigestRecord, str]], int]:
        """The team's records `where` with their perpetrators' names, in `order_by` order (the first
        `cut` of them when the record sections are cut), and how many there are in all."""
        query = (
            sa.select(*_RECORD, col(Perpetrator.full_name), col(AppUser.slack_user_id))
            .join(Perpetrator, col(Perpetrator.id) == col(ProtectionOrder.perpetrator_id))
            .join(AppUser, col(AppUser.id) == col(ProtectionOrder.officer_id))
            .where(*self.scope(), *where)
            .order_by(*order_by, col(ProtectionOrder.id))
        )
        counted = select(func.count()).select_from(ProtectionOrder).where(*self.scope(), *where)
        found, total = self.first(query, counted)
        records = [(DigestRecord._make(row[:_WIDTH]), row[_WIDTH], row[_WIDTH + 1]) for row in found]
        self._officers.update((o.officer_id, officer) for o, _, officer in records)
        return [(o, name) for o, name, _ in records], total

    def joined(
        self,
        table: type[Row],
        order_key: Any,
        *where: Any,
        order_by: Any,
        team_kept: bool = False,
        kept_implies: Sequence[Any] = (),
    ) -> tuple[Sequence[tuple[Any, DigestRecord, str]], int]:
        """Rows of `table` hanging off the team's records by `order_key`, with their record and its
        perpetrator, in `order_by` order (the first `cut` when the record sections are cut), and how
        many there are in all: the hearings, checks, breaches and reminders of a section, each a plain
        row of `table`'s columns (named as they are). `team_kept`:
        `where` finds the team's rows by `table`'s own copy of its record's team. `kept_implies`:
        conditions on the record that copy already implies (a check's copy is kept only while its
        record is active), which change nothing found (see _steered)."""
        key: Any = table.id  # type: ignore[attr-defined]  # every table joined has an integer id
        ordered = (order_by, col(ProtectionOrder.id), col(key))
        where_joined = (*where, *self._steered(kept_implies))
        # The ids of the rows listed first, their record joined only for the scope; only those are
        # joined to their perpetrators and officers (a team may have a thousand checks due).
        picked = sa.select(col(key)).join(ProtectionOrder, col(ProtectionOrder.id) == order_key)
        picked = picked.where(*self.scope(), *where_joined).order_by(*ordered)
        query = (
            sa.select(_bundle(table), *_RECORD, col(Perpetrator.full_name), col(AppUser.slack_user_id))
            .join(ProtectionOrder, col(ProtectionOrder.id) == order_key)
            .join(Perpetrator, col(Perpetrator.id) == col(ProtectionOrder.perpetrator_id))
            .join(AppUser, col(AppUser.id) == col(ProtectionOrder.officer_id))
            .order_by(*ordered)
        )
        if self.cut is None:
            query = query.where(*self.scope(), *where_joined)
        else:
            first = picked.limit(self.cut).subquery()
            query = query.join(first, first.c.id == key)
        found, total = self.first(query, self._counted(table, order_key, where, team_kept, kept_implies))
        end = _WIDTH + 1
        listed = [(row[0], DigestRecord._make(row[1:end]), row[end], row[end + 1]) for row in found]
        self._officers.update((o.officer_id, officer) for _, o, _, officer in listed)
        return [(row, o, name) for row, o, name, _ in listed], total

    def _steered(self, kept_implies: Sequence[Any]) -> Sequence[Any]:
        """The conditions a kept copy implies, stated when the rows are one person's, left out when
        they are a team's. Stated, they let the planner start from the person's records in that
        state (an officer's 154 active records of the 762 in their charge, the team's 10,000);
        left out, a team's rows are read from the copy's index in order and the first listed stop
        the walk. Stated for a team, PostgreSQL took the team, the state and everyone else's for a
        handful of rows together and read all of a team's 1,250 checks due to sort them, 13 to
        17 ms where the walk takes 1 ms; left out for an officer, it probed all their 762
        records' checks."""
        return kept_implies if self.owner is not None and not self.owner.others else ()

    def _counted(
        self, table: type[Row], order_key: Any, where: Sequence[Any], team_kept: bool, kept_implies: Sequence[Any]
    ) -> Any:
        """How many rows of `table` a section of `joined` has in all. Everyone else's rows of a
        table that keeps its record's team are the team's rows, counted from its index
        alone, less the user's own: a supervisor is in charge of few records, and joining each
        of the team's rows to its record only to leave theirs out was most of the count."""

        def mine(*narrowed: Any) -> Any:
            return (
                select(func.count())
                .select_from(table)
                .join(ProtectionOrder, col(ProtectionOrder.id) == order_key)
                .where(*narrowed, *where)
            )

        if not team_kept or self.owner is None or not self.owner.others or self.order_id is not None:
            return mine(*self.scope(), *self._steered(kept_implies))
        own = mine(
            col(ProtectionOrder.team_id) == self.team_id,
            col(ProtectionOrder.officer_id) == self.owner.user_id,
            *kept_implies,  # one person's: the user's own
        )
        team_wide = select(func.count()).select_from(table).where(*where)
        return select(team_wide.scalar_subquery() - own.scalar_subquery())

    def first(self, query: Any, counted: Any) -> tuple[list[Any], int]:
        """`query`'s rows, only the first `cut` when the record sections are cut, and how many it
        has in all: counted by `counted` only when the cut left some out."""
        found = list(self.session.exec(query if self.cut is None else query.limit(self.cut)).all())
        if self.cut is None or len(found) < self.cut:
            return found, len(found)
        return found, int(self.session.exec(counted).one())

    @staticmethod
    def hearing_pending() -> Any:
        """The record has a hearing with no outcome yet (booked)."""
        return sa.exists().where(col(Hearing.order_id) == col(ProtectionOrder.id), col(Hearing.outcome).is_(None))

    def items(
        self,
        found: Iterable[Found],
        *,
        due: Any = None,
        since: Any = None,
        action: ItemAction = ItemAction.OPEN,
    ) -> tuple[DigestItem, ...]:
        """Digest items of (record, perpetrator's name, fact) rows: references, initials and the officer's
        chat id only. `due` and `since` read the fact's urgency and opening instants."""
        found = list(found)
        officers = self._officer_ids({o.officer_id for o, _, _ in found})
        return tuple(
            DigestItem(
                o.reference,
                initials(name),
                o.order_type.value,
                about,
                officers.get(o.officer_id, ""),
                _instant(due, about),
                _instant(since, about),
                action,
            )
            for o, name, about in found
        )

    def slack_ids(self, user_ids: Iterable[int]) -> dict[int | None, str]:
        """The chat ids of the officers and owners named by an incident's, a request's or a plan's row."""
        wanted = sorted(set(user_ids))
        if not wanted:
            return {}
        return dict(
            self.session.exec(select(AppUser.id, AppUser.slack_user_id).where(col(AppUser.id).in_(wanted))).all()
        )

    def _officer_ids(self, user_ids: set[int]) -> dict[int | None, str]:
        """The chat ids of the officers of the rows found: read with the rows (orders, joined), so
        asked for here only for a row found otherwise."""
        self._officers |= self.slack_ids(user_ids - self._officers.keys())
        return self._officers


def _instant(read: Any, about: DigestFact) -> datetime | None:
    return read(about) if read is not None else None


@cache
def _bundle(table: type[SQLModel]) -> Bundle[Any]:
    """`table`'s columns read as one plain row named as they are, beside the record's."""
    return Bundle(table.__name__, *table.__table__.columns)  # type: ignore[attr-defined]  # a table model has one
