"""Users, roles and teams: admins only, every change audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time

from sqlmodel import Session, func, select

from models import AppUser, Role, Team, TeamSupervisor
from models.db import session_scope
from models.types import column_length, pk
from rules import validation
from rules.ranks import Rank
from services.access import acting_user, known_user, require_role
from services.audit import snapshot, write_change, write_creation
from services.context import ServiceContext
from services.errors import Conflict, DomainError, NotFound, raise_if_any


@dataclass(frozen=True)
class UserView:
    slack_user_id: str
    role: str
    team: str | None
    rank: str | None


def set_role(ctx: ServiceContext, actor_slack_id: str, target_slack_id: str, role: Role) -> UserView:
    with session_scope(ctx.engine) as session:
        admin = _admin(session, ctx, actor_slack_id, "change roles")
        target = known_user(session, ctx, target_slack_id)
        if target.role is Role.ADMIN and role is not Role.ADMIN and _admin_count(session) == 1:
            raise Conflict("That would leave no admin. Make someone else an admin first.", "role")
        _change(session, ctx, admin, target, role=role)
        return _view(session, target)


def set_rank(ctx: ServiceContext, actor_slack_id: str, target_slack_id: str, rank: Rank | None) -> UserView:
    with session_scope(ctx.engine) as session:
        admin = _admin(session, ctx, actor_slack_id, "set ranks")
        target = known_user(session, ctx, target_slack_id)
        _change(session, ctx, admin, target, rank=rank)
        return _view(session, target)


def create_team(
    ctx: ServiceContext,
    actor_slack_id: str,
    name: str,
    digest_channel: str | None = None,
    digest_time: time = time(7, 0),
) -> Team:
    clean = " ".join(name.split())
    if not clean:
        raise DomainError("Give the team a name, e.g. 'PPU North'.", "name")
    raise_if_any([validation.text_fits("name", "The team name", clean, column_length(Team, "name"))])
    with session_scope(ctx.engine) as session:
        admin = _admin(session, ctx, actor_slack_id, "create teams")
        existing = session.exec(select(Team).where(func.lower(Team.name) == clean.lower())).first()
        if existing is not None:
            raise Conflict(f"There is already a team called {existing.name}.", "name")
        team = Team(name=clean, digest_channel=digest_channel, digest_time=digest_time, created_at=ctx.clock.now())
        session.add(team)
        session.flush()
        write_creation(session, actor=admin, at=ctx.clock.now(), row=team, source=ctx.source)
        return team


def place_in_team(ctx: ServiceContext, actor_slack_id: str, target_slack_id: str, team_name: str) -> UserView:
    with session_scope(ctx.engine) as session:
        admin = _admin(session, ctx, actor_slack_id, "place people in teams")
        team = _team(session, team_name)
        target = known_user(session, ctx, target_slack_id)
        _change(session, ctx, admin, target, team_id=team.id)
        return _view(session, target)


def add_supervisor(ctx: ServiceContext, actor_slack_id: str, target_slack_id: str, team_name: str) -> UserView:
    with session_scope(ctx.engine) as session:
        admin = _admin(session, ctx, actor_slack_id, "assign supervisors")
        team = _team(session, team_name)
        target = known_user(session, ctx, target_slack_id)
        if target.role is not Role.SUPERVISOR:
            raise Conflict("Make them a supervisor first: /dvpn admin role @user supervisor.", "role")
        if session.get(TeamSupervisor, (team.id, target.id)) is None:
            link = TeamSupervisor(team_id=pk(team), user_id=pk(target))
            session.add(link)
            write_creation(session, actor=admin, at=ctx.clock.now(), row=link, source=ctx.source)
        return _view(session, target)


def _admin(session: Session, ctx: ServiceContext, slack_id: str, doing: str) -> AppUser:
    user = acting_user(session, ctx, slack_id)
    require_role(user, Role.ADMIN, doing=doing)
    return user


def _admin_count(session: Session) -> int:
    return session.exec(
        select(func.count()).select_from(AppUser).where(AppUser.role == Role.ADMIN, AppUser.active)
    ).one()


def _team(session: Session, name: str) -> Team:
    team = session.exec(select(Team).where(func.lower(Team.name) == " ".join(name.split()).lower())).first()
    if team is None:
        names = ", ".join(session.exec(select(Team.name).order_by(Team.name)).all()) or "none yet"
        raise NotFound(f"No team is called '{name}'. Teams: {names}.", "team")
    return team


def _change(session: Session, ctx: ServiceContext, admin: AppUser, target: AppUser, **values: object) -> None:
    before = snapshot(target)
    for key, value in values.items():
        setattr(target, key, value)
    write_change(session, actor=admin, at=ctx.clock.now(), row=target, before=before, source=ctx.source)


def _view(session: Session, user: AppUser) -> UserView:
    team = session.get(Team, user.team_id) if user.team_id else None
    return UserView(
        user.slack_user_id, user.role.value, team.name if team else None, user.rank.value if user.rank else None
    )
