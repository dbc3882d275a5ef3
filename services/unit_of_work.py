"""The unit of work: where every use case's transaction opens and closes, so "authorise, validate,
write, audit, replan, in one transaction" is written once, here, not copied into each use case.

Four scopes, each one transaction: committed when the block finishes; rolled back, audit rows and
all, when it raises (a refusal, a validation error, a fault).

- `changing(ctx, actor, reference)`: a change to one existing record. Resolves the acting user,
  finds the record locked for update (two officers changing one record wait for each other), and
  refuses a user who may not change it. On a clean finish the record's updated_at is stamped and
  its reminders and stored next deadline are replanned.
- `acting(ctx, actor, *roles, doing=...)`: a user's write not tied to one existing record (a new
  record, staff and teams, the calendar, a reminder's buttons), refused unless the user holds one
  of `roles` when any are named.
- `reading(ctx, actor)`: a user's read. It can write nothing but the audit of what was consulted.
- `system(ctx, name)`: the scheduler, the daily rollover and the command line, audited as
  `system:<name>`.

Inside the block the yielded object writes the audit trail with the actor, time and source filled
in (`created`, `changed`, `audit`), and `touch` marks a record whose facts changed: it is replanned
before the commit, or earlier when `view` reads it back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypedDict, Unpack

from sqlmodel import Session, SQLModel, select

from models import AppUser, AuditEvent, Hearing, ProtectionOrder, Role
from models.db import session_scope
from models.types import pk
from services import stored_text
from services.context import ServiceContext
from services.governance.access import acting_user, plainly_placed, require_role
from services.governance.audit import AUDIT_TABLE, take_held, write_audit, write_change, write_creation
from services.new_rows import Plain, insert_new
from services.records.lookup import order_to_change
from services.records.planning import Replanned, load_facts, replan_from
from services.views import RecordView
from services.wording import Text

if TYPE_CHECKING:
    from services.records.card import Known

stored_text.install()  # every row any scope writes is checked against its columns before it is flushed

# How a scope finds the user it acts for: services.governance.access.acting_user (a Slack user seen for the
# first time is made an officer), or a stricter lookup such as the command line's admin operator.
FindUser = Callable[[Session, ServiceContext, str], AppUser]


class _By(TypedDict):
    """Who wrote an audit row, when, and through which front end."""

    actor: AppUser | None
    at: datetime
    source: str
    system_actor: str


class AuditDetails(TypedDict, total=False):
    """What an audit row may say beyond what was done to which row (services.governance.audit.write_audit)."""

    order_id: int | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    justification: str | None


@dataclass(eq=False, kw_only=True)
class _Unit:
    """An open transaction, who acts in it, and the one instant it happens at."""

    session: Session
    ctx: ServiceContext
    now: datetime
    actor: AppUser | None  # None: a part of the system, named by system_actor
    system_actor: str = "system"

    def audit(
        self, action: str, entity_type: str, entity_id: int | None = None, **details: Unpack[AuditDetails]
    ) -> AuditEvent:
        """An audit row for anything other than a plain create or update: a view, a search, an
        export, an erasure, a reminder's button."""
        return write_audit(
            self.session, action=action, entity_type=entity_type, entity_id=entity_id, **self._by(), **details
        )

    def _by(self, system_actor: str | None = None) -> _By:
        """The audit row's author: the scope's actor, or the part of the system named."""
        if system_actor:
            return _By(actor=None, at=self.now, source=self.ctx.source, system_actor=system_actor)
        return _By(actor=self.actor, at=self.now, source=self.ctx.source, system_actor=self.system_actor)

    def view(
        self,
        order: ProtectionOrder,
        *,
        warnings: tuple[Text, ...] = (),
        writable: bool = True,
        known: Known | None = None,
    ) -> RecordView:
        """The record's card, people included; `known`: what this transaction holds of the record."""
        # Imported here: the card reads the force calendar, whose own use case opens a unit of work.
        from services.records.card import build_view

        return build_view(
            self.session, self.ctx, order, with_people=True, warnings=warnings, writable=writable, known=known
        )

    def _finish(self) -> None:
        """What a clean finish does before the commit."""


class _ByUser:
    """A scope opened for a user, never for the system."""

    actor: AppUser | None

    @property
    def user(self) -> AppUser:
        assert self.actor is not None
        return self.actor


@dataclass(eq=False, kw_only=True)
class Reading(_ByUser, _Unit):
    """A user's read: nothing to write but the audit of what they consulted."""


@dataclass(eq=False, kw_only=True)
class Work(_Unit):
    """A transaction that writes: every row it creates or changes is audited through it, and every
    record it touches is replanned before it commits."""

    _touched: dict[int, ProtectionOrder] = field(default_factory=dict, init=False)
    _moot: dict[int, str] = field(default_factory=dict, init=False)
    _hearings: dict[int, list[Hearing]] = field(default_factory=dict, init=False)

    def created(self, row: SQLModel, *, order_id: int | None = None, system_actor: str | None = None) -> None:
        """Add a new row and audit it. `system_actor` names the part of the system that decided
        it on the user's behalf (a check the planner adds after one is done), audited as such."""
        insert_new(self.session, [row])
        write_creation(self.session, row=row, order_id=order_id, **self._by(system_actor))
        if isinstance(row, Hearing) and row.order_id in self._hearings:
            self._hearings[row.order_id].append(row)

    def hearings_of(self, order: ProtectionOrder) -> list[Hearing]:
        """The record's hearings, read once in the transaction: its state, its checks and its
        replan ask for them. A hearing is only ever added through `created`, which adds it here
        too, and none is removed but with its record (services.governance.retention)."""
        known = self._hearings.get(pk(order))
        if known is None:
            known = self._hearings[pk(order)] = list(
                self.session.exec(select(Hearing).where(Hearing.order_id == order.id)).all()
            )
        return known

    def changed(
        self, row: SQLModel, before: dict[str, Any], *, order_id: int | None = None, justification: str | None = None
    ) -> bool:
        """Audit `row`'s change since the `before` snapshot (services.governance.audit.snapshot); a changed
        record is stamped as updated first. False, writing nothing, when nothing changed."""
        if isinstance(row, ProtectionOrder):
            row.updated_at = self.now
        return write_change(
            self.session, row=row, before=before, order_id=order_id, justification=justification, **self._by()
        )

    def touch(self, order: ProtectionOrder, *, moot: str | None = None) -> None:
        """The record's facts changed: before the commit its updated_at is stamped and its
        reminders and stored next deadline are replanned (services.records.planning.replan), once however
        often it was touched. `moot`: what the messages of posted reminders it withdraws say happened,
        when it is not the record's own casework (an admin's calendar change moved its deadline)."""
        self._touched[pk(order)] = order
        if moot is not None:
            self._moot[pk(order)] = moot

    def replan_touched(self) -> dict[int, Replanned]:
        """Replan the touched records now, for a use case that reads their reminders or next
        deadlines back before it finishes. Records touched later are replanned at the commit.
        Returns each replan by record id."""
        touched, self._touched = list(self._touched.values()), {}
        settings = self.ctx.settings
        done = {}
        held: list[Plain] = []
        for order in touched:
            order.updated_at = self.now
            facts = load_facts(self.session, order, self._hearings.get(pk(order)))
            by = self.actor.id if self.actor is not None else None
            done[pk(order)] = replan_from(
                self.session,
                facts,
                settings.reminders,
                settings.timezone,
                self.now,
                by=by,
                moot=self._moot.get(pk(order)),
                held=held,
            )
        self._insert_held(held)
        return done

    def _insert_held(self, held: list[Plain]) -> None:
        """The replans' new reminders and thread posts, in one statement, and with them (when
        there are any) the audit rows held so far, which the commit would otherwise send alone."""
        if not any(rows for _, rows in held):
            return
        audits = take_held(self.session)
        if audits:
            stored_text.refuse_unstorable_values(AuditEvent, audits)
            held.append((AUDIT_TABLE, audits))
        insert_new(self.session, [], plain=held)

    def view(
        self,
        order: ProtectionOrder,
        *,
        warnings: tuple[Text, ...] = (),
        writable: bool = True,
        known: Known | None = None,
    ) -> RecordView:
        """The record's card, showing the reminders as replanned (from the replan's own facts
        when the record was just replanned)."""
        replanned = self.replan_touched()
        if known is None and pk(order) in replanned:
            from services.records.card import Known

            known = Known(replanned[pk(order)])
        return super().view(order, warnings=warnings, writable=writable, known=known)

    def _finish(self) -> None:
        self.replan_touched()


@dataclass(eq=False, kw_only=True)
class Acting(_ByUser, Work):
    """A user's write."""


@dataclass(eq=False, kw_only=True)
class Change(Acting):
    """A user's change to one record, locked for update and authorised for writing."""

    order: ProtectionOrder

    def view(
        self,
        order: ProtectionOrder | None = None,
        *,
        warnings: tuple[Text, ...] = (),
        writable: bool = True,
        known: Known | None = None,
    ) -> RecordView:
        """The changed record's card (or another's, such as the order a granted notice made)."""
        return super().view(order or self.order, warnings=warnings, writable=writable, known=known)


@contextmanager
def changing(ctx: ServiceContext, actor_slack_id: str, reference: str) -> Iterator[Change]:
    """A change to the record `reference`, locked for update and refused (before the block runs)
    unless the user may change it; replanned and committed when the block finishes."""
    with session_scope(ctx.engine) as session:
        user = acting_user(session, ctx, actor_slack_id)
        order = order_to_change(session, user, reference, ctx.settings.force_code)
        change = Change(session=session, ctx=ctx, now=ctx.clock.now(), actor=user, order=order)
        change.touch(order)
        yield change
        change._finish()


@contextmanager
def acting(
    ctx: ServiceContext, actor_slack_id: str, *roles: Role, doing: str = "", user_from: FindUser = acting_user
) -> Iterator[Acting]:
    """A user's write not tied to one existing record, refused unless they hold one of `roles`
    (any role when none is named; `doing` completes "Only admins can ...")."""
    with session_scope(ctx.engine) as session:
        user = user_from(session, ctx, actor_slack_id)
        if roles:
            require_role(user, *roles, doing=doing)
        work = Acting(session=session, ctx=ctx, now=ctx.clock.now(), actor=user)
        yield work
        work._finish()


@contextmanager
def reading(ctx: ServiceContext, actor_slack_id: str) -> Iterator[Reading]:
    """A user's read; what they may see is the use case's to decide (services.governance.access)."""
    with session_scope(ctx.engine) as session:
        user = acting_user(session, ctx, actor_slack_id)
        yield Reading(session=session, ctx=ctx, now=ctx.clock.now(), actor=user)


@contextmanager
def system(ctx: ServiceContext, name: str = "system") -> Iterator[Work]:
    """Work no user asked for (the scheduler, the rollover, the command line's calculator),
    audited as `system:<name>`."""
    with session_scope(ctx.engine) as session:
        work = Work(session=session, ctx=ctx, now=ctx.clock.now(), actor=None, system_actor=name)
        yield work
        work._finish()


def require_placed_user(ctx: ServiceContext, actor_slack_id: str) -> None:
    """The gate for a request that reaches no other service first (a form opening, the calculator):
    NotPlaced for a user in no team. Writes nothing for them, not even their first contact."""
    if plainly_placed(ctx, actor_slack_id):  # the usual case, in one read: no transaction to open
        return
    with reading(ctx, actor_slack_id):
        return
