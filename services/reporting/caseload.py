"""Caseloads: who holds which records, how many per status and per officer, and the records with
their next deadline, most urgent first, a page at a time.

Counting, sorting and paging happen in the database (GROUP BY, ORDER BY the stored next deadline,
LIMIT): a champion's force-wide question must not load every record into Python. Reads only: a caseload
shows references, initials and deadlines, never personal details, so like the list command it is not a
consultation of any record (opening one from it is, through services.records.recording.view).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import case, func
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, select

from models import AppUser, OrderStatus, ProtectionOrder, Role, Team
from services.context import ServiceContext
from services.errors import NotAllowed, NotFound
from services.governance.access import READ_ALL_ROLES, supervised_team_ids
from services.reporting import caseload_counts
from services.reporting.caseload_counts import Holders
from services.reporting.list_results import Caseload, CaseloadQuery, OfficerCount
from services.reporting.listing import by_urgency, summarise
from services.unit_of_work import reading
from services.wording import Command, Mention, Part

PAGE_SIZE = 20
OFFICERS_SHOWN = 10


def caseload(
    ctx: ServiceContext, actor_slack_id: str, query: CaseloadQuery, *, offset: int = 0, limit: int = PAGE_SIZE
) -> Caseload:
    now = ctx.clock.now()
    offset = max(0, offset)
    with reading(ctx, actor_slack_id) as read:
        session = read.session
        holders, whose = _scope(session, read.user, query)
        filters = _record_filters(query, now)
        wanted: list[ColumnElement[bool]] = [*holders.on(ProtectionOrder), *filters]
        status_filter = [col(ProtectionOrder.status) == query.status] if query.status else []

        if filters:
            by_status = session.exec(
                select(ProtectionOrder.status, func.count()).where(*wanted).group_by(ProtectionOrder.status)
            ).all()
            officers = _by_officer(session, [*wanted, *status_filter], now)
            officers_total = session.exec(
                select(func.count(func.distinct(ProtectionOrder.officer_id))).where(*wanted, *status_filter)
            ).one()
        else:  # whose records, and no other filter: the kept counts' own keys, not every record counted
            by_status = caseload_counts.by_status(session, holders)
            officers, officers_total = caseload_counts.by_officer(session, query.status, now, OFFICERS_SHOWN, holders)
        counts = tuple(sorted(((OrderStatus(s).value, n) for s, n in by_status), key=lambda pair: (-pair[1], pair[0])))
        total = sum(n for s, n in counts if query.status is None or s == query.status.value)
        page = session.exec(
            by_urgency(select(ProtectionOrder).where(*wanted, *status_filter)).offset(offset).limit(limit)
        ).all()
        items = tuple(summarise(session, page, now))
        return Caseload(query, whose, counts, officers, officers_total, items, total, offset)


def _record_filters(query: CaseloadQuery, now: datetime) -> list[ColumnElement[bool]]:
    found: list[ColumnElement[bool]] = []
    if query.order_type is not None:
        found.append(col(ProtectionOrder.order_type) == query.order_type)
    if query.risk is not None:
        found.append(col(ProtectionOrder.risk_level) == query.risk)
    if query.risk_unassessed:
        found.append(col(ProtectionOrder.risk_level).is_(None))
    if query.due_hours is not None:
        found.append(col(ProtectionOrder.next_deadline_at) <= now + timedelta(hours=query.due_hours))
    return found


def _by_officer(session: Session, wanted: list[ColumnElement[bool]], now: datetime) -> tuple[OfficerCount, ...]:
    records = func.count().label("records")
    overdue = func.sum(case((col(ProtectionOrder.next_deadline_at) < now, 1), else_=0))
    rows = session.exec(
        select(AppUser.slack_user_id, records, overdue)
        .join(AppUser, col(AppUser.id) == ProtectionOrder.officer_id)
        .where(*wanted)
        .group_by(col(AppUser.id), col(AppUser.slack_user_id))
        .order_by(records.desc(), col(AppUser.slack_user_id))
        .limit(OFFICERS_SHOWN)
    ).all()
    return tuple(OfficerCount(slack_id, int(n), int(late or 0)) for slack_id, n, late in rows)


def _scope(session: Session, user: AppUser, query: CaseloadQuery) -> tuple[Holders, str | Mention]:
    """The records the question covers, within what the asker may see; NotAllowed says what they may ask."""
    readable = _team_ids(session, user)
    limit = None if readable is None else frozenset(readable)
    if query.everyone:
        if user.role not in READ_ALL_ROLES:
            raise NotAllowed(
                ("Only champions and admins can see the whole force's caseload. ", *_may_ask(session, user))
            )
        return Holders(), "the force"
    if query.officer:
        target = session.exec(select(AppUser).where(AppUser.slack_user_id == query.officer)).first()
        if target is None:
            raise NotFound((Mention(query.officer), " does not use dvpn-bot, so has no caseload."), "officer")
        if not _may_see_officer(session, user, target):
            raise NotAllowed((Mention(target.slack_user_id), " is not in your team. ", *_may_ask(session, user)))
        return Holders(limit, target.id), Mention(target.slack_user_id)
    if query.team:
        team = session.exec(select(Team).where(func.lower(Team.name) == " ".join(query.team.split()).lower())).first()
        if team is None:
            raise NotFound((f"No team is called '{query.team[:80]}'. ", *_may_ask(session, user)), "team")
        if limit is not None and team.id not in limit:
            raise NotAllowed((f"{team.name} is not a team you work in or supervise. ", *_may_ask(session, user)))
        return Holders(frozenset({team.id or 0})), team.name
    if user.role in READ_ALL_ROLES:
        return Holders(), "the force"
    return Holders(limit), "your teams" if user.role is Role.SUPERVISOR else "yours and your team's"


def _team_ids(session: Session, user: AppUser) -> set[int] | None:
    """Teams whose caseload a user may ask for, as listing.readable reads records; None means every team."""
    if user.role in READ_ALL_ROLES:
        return None
    if user.role is Role.SUPERVISOR:
        return supervised_team_ids(session, user)
    return {user.team_id} if user.team_id is not None else set()


def _may_see_officer(session: Session, user: AppUser, target: AppUser) -> bool:
    allowed = _team_ids(session, user)
    return allowed is None or target.id == user.id or target.team_id in allowed


def _may_ask(session: Session, user: AppUser) -> tuple[Part, ...]:
    if user.role in READ_ALL_ROLES:
        return ("You can ask for any team, any officer, or `all`.",)
    ids = _team_ids(session, user) or set()
    names = sorted(session.exec(select(Team.name).where(col(Team.id).in_(ids))).all())
    if not names:
        return ("You can ask for your own records: ", Command("caseload"), ". An admin can place you in a team.")
    teams = ", ".join(names)
    return (
        f"You can ask for your own records, {teams}, or an officer in {teams}: e.g. ",
        Command("caseload", names[0]),
        ".",
    )
