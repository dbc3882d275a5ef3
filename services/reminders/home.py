"""What a user's App Home shows, live items only: "Mine today" (the open work on records the user is
officer in charge of, and what is coming on them), "My team" (supervisors: the open work on their
teams' other records) and "Waiting for me" (reminders sent to the user and not yet acted on). A
withdrawn or ended record, a reminder whose work is done, and a reminder about a moment that has
passed are left out. The first two are the digest's own items (services.reminders.digest_sections),
so the Home and the digest cannot disagree about what is open."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col

from models import AppUser, DisclosureRequest, Incident, ManagementPlan, PlanAction, ProtectionOrder, Role
from services.context import ServiceContext
from services.governance.access import supervised_team_ids
from services.reminders.digest import build_sections
from services.reminders.digest_items import Owner, TeamRows
from services.reminders.results import HOME_LISTED, DigestItem, HomeBoard, SectionKind
from services.reminders.waiting import waiting_for
from services.unit_of_work import reading


def home_board(ctx: ServiceContext, actor_slack_id: str) -> HomeBoard:
    with reading(ctx, actor_slack_id) as read:
        session, user, now = read.session, read.user, read.now
        assert user.id is not None
        mine: list[Line] = []
        team: list[Line] = []
        mine_unlisted = team_unlisted = 0
        for team_id in sorted(_teams(session, user)):
            # Each section's first HOME_LISTED of the user's own items, the rest counted.
            if user.role is not Role.SUPERVISOR or _owns_any(session, team_id, user.id):
                own = _rows(session, ctx, team_id, Owner(user.id))
                lines, unlisted = _open_items(own, now, (SectionKind.ACTION, SectionKind.COMING))
                mine += lines
                mine_unlisted += unlisted
            if user.role is Role.SUPERVISOR:
                others = _rows(session, ctx, team_id, Owner(user.id, others=True))
                lines, unlisted = _open_items(others, now, (SectionKind.ACTION,))
                team += lines
                team_unlisted += unlisted
        waiting, waiting_unlisted = waiting_for(session, ctx.settings, user.id, now)
        return HomeBoard(
            slack_user_id=user.slack_user_id,
            role=user.role.value,
            team_assigned=user.team_id is not None,
            mine=_in_order(mine),
            team=_in_order(team),
            waiting=waiting,
            generated_at=now,
            mine_unlisted=mine_unlisted,
            team_unlisted=team_unlisted,
            waiting_unlisted=waiting_unlisted,
        )


def _rows(session: Session, ctx: ServiceContext, team_id: int, owner: Owner) -> TeamRows:
    return TeamRows(session, team_id, ctx.settings, listed=HOME_LISTED, owner=owner, cut_records=True)


def _owns_any(session: Session, team_id: int, user_id: int) -> bool:
    """Whether the user is in charge of anything in the team that a section is drawn from: a
    record, an incident, a Clare's Law request, an open plan's action not done. A supervisor
    seldom is, and one statement here spares drawing every section of each team they supervise
    for nothing."""
    owned = (
        sa.exists().where(col(ProtectionOrder.team_id) == team_id, col(ProtectionOrder.officer_id) == user_id),
        sa.exists().where(col(Incident.team_id) == team_id, col(Incident.officer_id) == user_id),
        sa.exists().where(col(DisclosureRequest.team_id) == team_id, col(DisclosureRequest.officer_id) == user_id),
        # An action of an open plan not yet done, as the plan actions section draws them: the
        # team's open plans are indexed (ix_plan_open), its every plan would be read from the table.
        sa.exists().where(
            col(ManagementPlan.team_id) == team_id,
            col(ManagementPlan.closed_at).is_(None),
            col(PlanAction.plan_id) == col(ManagementPlan.id),
            col(PlanAction.done_at).is_(None),
            col(PlanAction.owner_id) == user_id,
        ),
    )
    return bool(session.execute(sa.select(sa.or_(*owned))).scalar())


def _teams(session: Session, user: AppUser) -> set[int]:
    if user.role is Role.SUPERVISOR:
        return supervised_team_ids(session, user)
    return {user.team_id} if user.team_id is not None else set()


# An item with where it goes in its part: the work first (its section's urgency, then due first),
# then what is coming (in its sections' order).
Line = tuple[tuple[int, int, datetime, int], DigestItem]


def _open_items(rows: TeamRows, now: datetime, kinds: tuple[SectionKind, ...]) -> tuple[list[Line], int]:
    """The team's open work, most urgent first, then (`kinds`) what is coming: each record once;
    and how many more items its sections counted without reading them."""
    sections = build_sections(rows, now, per_owner=True, counts=False, kinds=kinds)
    far = now.replace(year=9999)
    lines: list[Line] = []
    for number, section in enumerate(sections):
        for position, item in enumerate(section.items):
            if section.kind is SectionKind.ACTION:
                lines.append(((0, section.urgency, item.due or far, 0), item))
            else:
                lines.append(((1, number, far, position), item))
    return lines, sum(s.unlisted for s in sections)


def _in_order(lines: list[Line]) -> tuple[DigestItem, ...]:
    """The items of every team, in one order (a stable sort: a team's own order kept on a tie)."""
    return tuple(item for _, item in sorted(lines, key=lambda line: line[0]))
