"""The Clare's Law figures a force reports for a period: requests received by route, disclosures
made, requests completed and how many by their target, the median days from receipt to completion,
and the requests open past their target now. No names: counts only.

Champions and admins see the force's figures (or one team's); officers and supervisors their own
teams'."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from statistics import median
from zoneinfo import ZoneInfo

from sqlalchemy import func, true
from sqlmodel import Session, col, select

from models import DisclosureRequest, Team
from rules.disclosure import Route, days_taken
from services.context import ServiceContext
from services.disclosures.results import DisclosureFigures
from services.errors import NotAllowed, NotFound
from services.governance.access import READ_ALL_ROLES
from services.governance.justification import own_team_ids
from services.reporting import casework_counts
from services.reporting.daily_counts import kept_days_for
from services.reporting.period import Period, period_then_team
from services.unit_of_work import reading


def figures(ctx: ServiceContext, actor_slack_id: str, text: str = "") -> DisclosureFigures:
    """`text`: a period as the stats command reads one ('last 4 weeks', '2026-04'), then a team's name."""
    tz = ctx.settings.timezone
    with reading(ctx, actor_slack_id) as read:
        session, user, now = read.session, read.user, read.now
        period, team_name = period_then_team(text, now.astimezone(tz).date())
        teams: list[int] | None = None if user.role in READ_ALL_ROLES else sorted(own_team_ids(session, user))
        if team_name:
            team = session.exec(select(Team).where(func.lower(Team.name) == team_name.lower())).first()
            if team is None:
                raise NotFound(f"There is no team called {team_name[:40]}.", "team")
            if teams is not None and team.id not in teams:
                raise NotAllowed(f"You see the figures of your own teams only; {team.name} is not one of them.")
            teams = [team.id or 0]
        read.audit("report", "disclosure_request", None, after={"period": period.describe(), "team": team_name})
        return request_figures(session, teams, period, now, tz, team_name, kept=kept_days_for(tz))


def request_figures(
    session: Session,
    teams: Sequence[int] | None,
    period: Period,
    now: datetime,
    tz: ZoneInfo,
    team_name: str | None,
    *,
    kept: bool,
) -> DisclosureFigures:
    """The figures for the requests of `teams` (None: every team), counted by the database; also
    the Clare's Law part of the stats command. Summed from the kept daily counts when `kept` (the
    period's days are kept days, services.reporting.casework_counts), the median days from their
    histogram of whole days; else counted from the rows. Both say the same. The requests open past
    their target are a snapshot now, counted from the rows either way."""
    scope = true() if teams is None else col(DisclosureRequest.team_id).in_(teams)
    open_past: int = session.exec(
        select(func.count()).where(
            scope,
            col(DisclosureRequest.disclosed_at).is_(None),
            col(DisclosureRequest.closed_at).is_(None),
            col(DisclosureRequest.target_at) <= now,
        )
    ).one()
    if kept:
        total = casework_counts.totals(session, teams, period.start, period.end, casework_counts.REQUEST_MEASURES)
        days = casework_counts.spread(session, casework_counts.COMPLETION_DAYS, teams, period.start, period.end)
        return DisclosureFigures(
            period=period.describe(),
            team=team_name,
            received_ask=total["requests_ask"],
            received_know=total["requests_know"],
            disclosures=total["disclosures"],
            completed=total["requests_completed"],
            within_target=total["completed_within_target"],
            median_days=casework_counts.median(days),
            open_past_target=open_past,
        )
    return _from_rows(session, teams, period, tz, team_name, open_past)


def _from_rows(
    session: Session, teams: Sequence[int] | None, period: Period, tz: ZoneInfo, team_name: str | None, open_past: int
) -> DisclosureFigures:
    start, end = period.start_at(tz), period.end_at(tz)
    scope = true() if teams is None else col(DisclosureRequest.team_id).in_(teams)

    received: dict[Route, int] = {
        Route(route): n
        for route, n in session.exec(
            select(DisclosureRequest.route, func.count())
            .where(scope, col(DisclosureRequest.received_at) >= start, col(DisclosureRequest.received_at) < end)
            .group_by(col(DisclosureRequest.route))
        ).all()
    }
    ended = func.coalesce(DisclosureRequest.disclosed_at, DisclosureRequest.closed_at)
    completed = session.exec(
        select(DisclosureRequest.received_at, DisclosureRequest.target_at, DisclosureRequest.disclosed_at, ended).where(
            scope, ended >= start, ended < end
        )
    ).all()
    days = [days_taken(received_at, done, tz) for received_at, _, _, done in completed]
    return DisclosureFigures(
        period=period.describe(),
        team=team_name,
        received_ask=received.get(Route.ASK, 0),
        received_know=received.get(Route.KNOW, 0),
        disclosures=sum(1 for _, _, disclosed_at, _ in completed if disclosed_at is not None),
        completed=len(completed),
        within_target=sum(1 for _, target_at, _, done in completed if done <= target_at),
        median_days=float(median(days)) if days else None,
        open_past_target=open_past,
    )
