"""Users, roles and teams: admins only, every change audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time

from sqlmodel import Session, func, select

from models import AppUser, Role, Team, TeamSupervisor
from models.types import pk
from rules.ranks import Rank
from services import stored_text
from services.context import ServiceContext
from services.errors import Conflict, DomainError, NotFound, raise_if_any
from services.governance.access import forget_supervised_teams, known_user
from services.governance.audit import snapshot
from services.unit_of_work import Acting, acting
from services.wording import Command


@dataclass(frozen=True)
class UserView:
    slack_user_id: str
    role: str
    team: str | None
    rank: str | None


def set_role(ctx: ServiceContext, actor_slack_id: str, target_slack_id: str, role: Role) -> UserView:
    with acting(ctx, actor_slack_id, Role.ADMIN, doing="change roles") as work:
        target = _user(work, target_slack_id)
        if target.role is Role.ADMIN and role is not Role.ADMIN and _admin_count(work.session) == 1:
            raise Conflict("That would leave no admin. Make someone else an admin first.", "role")
        _change(work, target, role=role)
        return _view(work.session, target)


def set_rank(ctx: ServiceContext, actor_slack_id: str, target_slack_id: str, rank: Rank | None) -> UserView:
    with acting(ctx, actor_slack_id, Role.ADMIN, doing="set ranks") as work:
        target = _user(work, target_slack_id)
        _change(work, target, rank=rank)
        return _view(work.session, target)


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
    raise_if_any([stored_text.violation(Team, "name", clean)])
    with acting(ctx, actor_slack_id, Role.ADMIN, doing="create teams") as work:
        existing = work.session.exec(select(Team).where(func.lower(Team.name) == clean.lower())).first()
        if existing is not None:
            raise Conflict(f"There is already a team called {existing.name}.", "name")
        team = Team(name=clean, digest_channel=digest_channel, digest_time=digest_time, created_at=work.now)
        work.created(team)
        return team


def place_in_team(ctx: ServiceContext, actor_slack_id: str, target_slack_id: str, team_name: str) -> UserView:
    with acting(ctx, actor_slack_id, Role.ADMIN, doing="place people in teams") as work:
        team = _team(work.session, team_name)
        target = _user(work, target_slack_id)
        _change(work, target, team_id=team.id)
        return _view(work.session, target)


def add_supervisor(ctx: ServiceContext, actor_slack_id: str, target_slack_id: str, team_name: str) -> UserView:
    with acting(ctx, actor_slack_id, Role.ADMIN, doing="assign supervisors") as work:
        team = _team(work.session, team_name)
        target = _user(work, target_slack_id)
        if target.role is not Role.SUPERVISOR:
            raise Conflict(
                ("Make them a supervisor first: ", Command("admin role", "@user supervisor", set_apart=False), "."),
                "role",
            )
        if work.session.get(TeamSupervisor, (team.id, target.id)) is None:
            work.created(TeamSupervisor(team_id=pk(team), user_id=pk(target)))
            forget_supervised_teams(work.session)
        return _view(work.session, target)


def _user(work: Acting, slack_id: str) -> AppUser:
    """The user an admin acts on, placed or not yet: made an officer if dvpn-bot has not seen them."""
    return known_user(work.session, work.ctx, slack_id)


def _admin_count(session: Session) -> int:
    return session.exec(
        select(func.count()).select_from(AppUser).where(AppUser.role == Role.ADMIN, AppUser.active)
    ).one()


def team_named(session: Session, name: str) -> Team:
    """The team called `name` (any case, spaces squeezed), or NotFound naming the teams there are."""
    return _team(session, name)


def _team(session: Session, name: str) -> Team:
    team = session.exec(select(Team).where(func.lower(Team.name) == " ".join(name.split()).lower())).first()
    if team is None:
        names = ", ".join(session.exec(select(Team.name).order_by(Team.name)).all()) or "none yet"
        raise NotFound(f"No team is called '{name}'. Teams: {names}.", "team")
    return team


def _change(work: Acting, target: AppUser, **values: object) -> None:
    before = snapshot(target)
    for key, value in values.items():
        setattr(target, key, value)
    work.changed(target, before)


def _view(session: Session, user: AppUser) -> UserView:
    team = session.get(Team, user.team_id) if user.team_id else None
    return UserView(
        user.slack_user_id, user.role.value, team.name if team else None, user.rank.value if user.rank else None
    )
