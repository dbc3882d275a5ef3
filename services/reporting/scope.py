"""Whose records a report covers: the force, one team, or the teams a supervisor answers for.

The stats and export commands share this; each says which roles may ask for what.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, func, select

from models import AppUser, ProtectionOrder, Role, Team
from models.types import pk
from services.errors import NotAllowed, NotFound
from services.governance.access import supervised_team_ids
from services.reporting.report_results import ReportScope


def orders_in(scope: ReportScope) -> ColumnElement[bool] | None:
    """The filter on protection_order for this scope; None means every record."""
    if scope.team_ids is None:
        return None
    return col(ProtectionOrder.team_id).in_(scope.team_ids)


FORCE = ReportScope("the force", None)


def find_team(session: Session, name: str) -> Team:
    cleaned = " ".join(name.split())
    team = session.exec(select(Team).where(func.lower(Team.name) == cleaned.lower())).first()
    if team is None:
        names = ", ".join(session.exec(select(Team.name).order_by(Team.name)).all()) or "none yet"
        raise NotFound(f"No team is called '{cleaned[:40]}'. Teams: {names}.", "team")
    return team


def stats_scope(session: Session, user: AppUser, team_name: str | None) -> ReportScope:
    """Officers: their own team. Supervisors: the teams they supervise (all of them, or one).
    Champions and admins: the force, or any one team."""
    if user.role in (Role.CHAMPION, Role.ADMIN):
        return _one_team(session, team_name) if team_name else FORCE
    if user.role is Role.SUPERVISOR:
        return _within(session, supervised_team_ids(session, user), team_name, "supervise")
    if user.team_id is None:
        raise NotAllowed("You are not in a team yet, so there are no figures to show. Ask an admin to place you.")
    return _within(session, {user.team_id}, team_name, "work in")


def export_scope(session: Session, user: AppUser, team_name: str | None) -> ReportScope:
    """Exports are for supervisors (their teams) and admins (the force, or any team): the people
    answerable for the records. Officers and champions ask one of them."""
    if user.role is Role.ADMIN:
        return _one_team(session, team_name) if team_name else FORCE
    if user.role is Role.SUPERVISOR:
        return _within(session, supervised_team_ids(session, user), team_name, "supervise")
    raise NotAllowed(
        f"Only supervisors (for their teams) and admins can export records. Your role is {user.role.value}: "
        "ask your supervisor."
    )


def _one_team(session: Session, team_name: str) -> ReportScope:
    team = find_team(session, team_name)
    return ReportScope(team.name, (pk(team),))


def _within(session: Session, allowed: Collection[int], team_name: str | None, verb: str) -> ReportScope:
    if not allowed:
        raise NotAllowed(f"You {verb} no team yet, so there is nothing to report. Ask an admin.")
    if team_name:
        team = find_team(session, team_name)
        if team.id not in allowed:
            raise NotAllowed(f"You do not {verb} {team.name}, so you cannot see its figures or records.")
        return ReportScope(team.name, (pk(team),))
    teams = session.exec(select(Team).where(col(Team.id).in_(allowed)).order_by(Team.name)).all()
    if len(teams) == 1:
        return ReportScope(teams[0].name, (pk(teams[0]),))
    return ReportScope(f"your teams ({', '.join(t.name for t in teams)})", tuple(pk(t) for t in teams))
