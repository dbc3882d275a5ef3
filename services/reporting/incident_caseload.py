"""Champions' caseload over incidents: `caseload incidents [risk high|medium|standard|none] [no-marac]
[encompass untold] [team NAME]`, the most recently reported first. Each line is a reference, the
victim's initials, the risk, whether a MARAC referral is recorded, how many schools are still to
be told, and the officer: no names, no children, no schools, like the orders' caseload, so (as
that one) it is not a consultation of any incident and is not audited.

Whose: champions and admins the force or any team; supervisors the teams they supervise; officers
their own team. Another team is refused, saying whom to ask: opening an incident from the list is
the consultation, decided as every other (services.governance.justification).

The total is summed from the kept incident counts when the filters are their keys (scope, risk,
no-marac: services.reporting.incident_counts), and counted from the incidents otherwise."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, func, select

from domain.enums import RiskLevel
from models import AppUser, Incident, IncidentChild, MaracReferral, ProtectedPerson, Role, Team
from services.context import ServiceContext
from services.errors import DomainError, NotAllowed, NotFound
from services.governance.access import READ_ALL_ROLES, supervised_team_ids
from services.reporting import incident_counts
from services.reporting.list_results import IncidentCaseload, IncidentLine
from services.unit_of_work import reading
from services.views import initials
from services.wording import Command

SHOWN = 20


@dataclass(frozen=True)
class IncidentQuery:
    risk: RiskLevel | None = None
    unassessed: bool = False  # risk none: no DASH yet
    no_marac: bool = False
    untold: bool = False  # a child whose school is still to be told
    team: str | None = None


def incident_query(text: str) -> IncidentQuery:
    """The words after `caseload incidents`; anything else is refused with the filters there are."""
    words = text.split()
    values: dict[str, object] = {}
    i = 0
    while i < len(words):
        word = words[i].lower()
        if word == "risk" and i + 1 < len(words):
            level = words[i + 1].lower()
            if level == "none":
                values["unassessed"] = True
            elif level in {r.value for r in RiskLevel}:
                values["risk"] = RiskLevel(level)
            else:
                raise DomainError(f"Risk is high, medium, standard or none, not '{words[i + 1][:20]}'.", "risk")
            i += 2
        elif word == "no-marac":
            values["no_marac"], i = True, i + 1
        elif word == "encompass" and i + 1 < len(words) and words[i + 1].lower() == "untold":
            values["untold"], i = True, i + 2
        elif word == "team" and i + 1 < len(words):
            values["team"], i = " ".join(words[i + 1 :]), len(words)
        else:
            raise DomainError(
                (
                    f"Could not read '{words[i][:30]}'. The filters are risk high|medium|standard|none, no-marac, "
                    "encompass untold and team NAME, e.g. ",
                    Command("caseload", "incidents risk high no-marac"),
                    ".",
                ),
                "filters",
            )
    return IncidentQuery(**values)  # type: ignore[arg-type]


def incident_caseload(ctx: ServiceContext, actor_slack_id: str, query: IncidentQuery) -> IncidentCaseload:
    with reading(ctx, actor_slack_id) as read:
        session, user, now = read.session, read.user, read.now
        teams, whose = _scope(session, user, query.team)
        wanted: list[ColumnElement[bool]] = [] if teams is None else [col(Incident.team_id).in_(sorted(teams))]
        if query.risk is not None:
            wanted.append(col(Incident.risk_level) == query.risk)
        if query.unassessed:
            wanted.append(col(Incident.risk_level).is_(None))
        referred = sa.exists().where(col(MaracReferral.incident_id) == col(Incident.id))
        if query.no_marac:
            wanted.append(~referred)
        untold_children = (
            select(func.count())
            .where(col(IncidentChild.incident_id) == col(Incident.id), col(IncidentChild.told_at).is_(None))
            .scalar_subquery()
        )
        if query.untold:
            # Written as EXISTS, not as the count > 0, so the database starts from the few children
            # still untold (ix_incident_child_untold) instead of counting for every incident.
            wanted.append(
                sa.exists().where(
                    col(IncidentChild.incident_id) == col(Incident.id), col(IncidentChild.told_at).is_(None)
                )
            )
        if incident_counts.kept(untold=query.untold):
            total = incident_counts.total(
                session, teams, query.risk, unassessed=query.unassessed, no_marac=query.no_marac
            )
        else:
            total = session.exec(select(func.count()).select_from(Incident).where(*wanted)).one()
        rows = session.execute(
            sa.select(
                col(Incident.reference),
                col(Incident.reported_at),
                col(Incident.risk_level),
                col(ProtectedPerson.full_name),
                referred.label("referred"),
                untold_children.label("untold"),
                col(AppUser.slack_user_id),
            )
            .join(ProtectedPerson, col(ProtectedPerson.id) == col(Incident.victim_id))
            .join(AppUser, col(AppUser.id) == col(Incident.officer_id))
            .where(*wanted)
            .order_by(col(Incident.reported_at).desc(), col(Incident.id).desc())
            .limit(SHOWN)
        ).all()
        lines = tuple(
            IncidentLine(ref, at, risk.value if risk else None, initials(victim), bool(done), int(left), officer)
            for ref, at, risk, victim, done, left, officer in rows
        )
        return IncidentCaseload(whose, lines, total, now)


def _scope(session: Session, user: AppUser, team_name: str | None) -> tuple[set[int] | None, str]:
    if user.role in READ_ALL_ROLES:
        allowed: set[int] | None = None
    elif user.role is Role.SUPERVISOR:
        allowed = supervised_team_ids(session, user)
    else:
        allowed = {user.team_id} if user.team_id is not None else set()
    if team_name:
        team = session.exec(select(Team).where(func.lower(Team.name) == " ".join(team_name.split()).lower())).first()
        if team is None:
            raise NotFound(f"No team is called '{team_name[:80]}'.", "team")
        if allowed is not None and team.id not in allowed:
            raise NotAllowed(
                f"{team.name} is not a team you work in or supervise. Its supervisors, a champion or an admin "
                "can list its incidents."
            )
        return {team.id or 0}, team.name
    if allowed is None:
        return None, "the force"
    if not allowed:
        raise NotAllowed("You are not in a team yet, so there are no incidents to list. Ask an admin to place you.")
    return allowed, "your teams" if user.role is Role.SUPERVISOR else "your team"
