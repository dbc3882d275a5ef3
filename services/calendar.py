"""The excluded-day calendar as this force configures it: the statutory days plus admin-added ones."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from config import Settings
from models import ExtraExcludedDay, Role
from models.db import session_scope
from models.types import pk
from rules.calendar import ExcludedDayCalendar, calendar_with
from services.access import acting_user, require_role
from services.audit import snapshot, write_audit
from services.context import ServiceContext
from services.errors import Conflict, DomainError


def force_calendar(session: Session, settings: Settings) -> ExcludedDayCalendar:
    extra = session.exec(select(ExtraExcludedDay)).all()
    return calendar_with(
        ((row.day, row.name) for row in extra), count_saturday_boxing_day=settings.count_saturday_boxing_day
    )


def add_excluded_day(
    ctx: ServiceContext, actor_slack_id: str, day: date, name: str, proclamation: str | None = None
) -> None:
    """An extra excluded day makes deadlines later, so only admins may add one, and it is audited
    (DOMAIN.md policy). Deadlines of records changed afterwards include it."""
    with session_scope(ctx.engine) as session:
        user = acting_user(session, ctx, actor_slack_id)
        require_role(user, Role.ADMIN, doing="add a bank holiday")
        if not name.strip():
            raise DomainError("Give the bank holiday's name, as in the proclamation.", "name")
        if session.get(ExtraExcludedDay, day) is not None:
            raise Conflict(f"{day:%d %B %Y} is already an added bank holiday.", "day")
        if ExcludedDayCalendar().is_excluded(day):
            raise Conflict(f"{day:%A %d %B %Y} is already excluded; nothing to add.", "day")
        row = ExtraExcludedDay(
            day=day, name=name.strip(), proclamation=proclamation, added_by_id=pk(user), added_at=ctx.clock.now()
        )
        session.add(row)
        write_audit(
            session,
            actor=user,
            at=ctx.clock.now(),
            action="create",
            entity_type="extra_excluded_day",
            entity_id=None,
            after=snapshot(row),
            source=ctx.source,
        )
