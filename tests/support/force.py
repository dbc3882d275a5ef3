"""The small test force: two teams and a user of every role, and UK-time instants."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from models import Role, Team
from services.context import ServiceContext
from services.governance import staff

LONDON = ZoneInfo("Europe/London")


def london(text: str) -> datetime:
    """'2026-04-02 20:00' as a Europe/London instant."""
    return datetime.fromisoformat(text).replace(tzinfo=LONDON)


def team_id(engine: Engine, name: str) -> int:
    """The id of the team called `name`."""
    with Session(engine) as session:
        found = session.exec(select(Team.id).where(Team.name == name)).one()
        assert found is not None
        return found


@dataclass(frozen=True)
class Force:
    """Slack ids of the people in the test force."""

    admin: str = "UADMIN"
    officer: str = "UOFFA1"  # team A
    colleague: str = "UOFFA2"  # team A
    other_officer: str = "UOFFB1"  # team B
    supervisor: str = "USUPA"  # supervises team A
    champion: str = "UCHAMP"
    newcomer: str = "UNEW"  # never placed in a team


def build_force(ctx: ServiceContext) -> Force:
    """Made through the services, as an admin would in Slack."""
    f = Force()
    staff.create_team(ctx, f.admin, "Team A")
    staff.create_team(ctx, f.admin, "Team B")
    for slack_id, team in ((f.officer, "Team A"), (f.colleague, "Team A"), (f.other_officer, "Team B")):
        staff.place_in_team(ctx, f.admin, slack_id, team)
    staff.set_role(ctx, f.admin, f.supervisor, Role.SUPERVISOR)
    staff.place_in_team(ctx, f.admin, f.supervisor, "Team A")
    staff.add_supervisor(ctx, f.admin, f.supervisor, "Team A")
    staff.set_role(ctx, f.admin, f.champion, Role.CHAMPION)
    return f
