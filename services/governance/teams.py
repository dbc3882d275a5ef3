"""Teams as admins run them from Slack: list the teams and their members, set where and when a
team's digest goes, and deactivate a leaver, moving their open records and casework, undone checks
and the reminders still to go out to a successor. Every change is audited; the lists are audited as views."""

from __future__ import annotations

from collections import Counter
from datetime import time

from sqlmodel import Session, col, func, select

from models import (
    AppUser,
    BreachCheck,
    OrderStatus,
    ProtectionOrder,
    Reminder,
    ReminderState,
    Role,
    Team,
    TeamSupervisor,
)
from models.types import pk
from services.context import ServiceContext
from services.errors import Conflict, NotAllowed
from services.governance.access import forget_supervised_teams, known_user, require_role
from services.governance.audit import snapshot
from services.governance.handover import hand_on, hand_on_casework, replan_casework
from services.governance.staff import team_named
from services.governance.team_results import Deactivated, Member, TeamMembers, TeamSummary
from services.people.search_index import index_teams
from services.records.planning import MOOT_HANDED_ON
from services.unit_of_work import Acting, acting, reading, system

# The records a leaver hands on: those still running, and lapsed notices, whose alerts ask their
# officer to remove them from the PNC.
HANDED_ON = (OrderStatus.ACTIVE, OrderStatus.LAPSED)


def list_teams(ctx: ServiceContext, actor_slack_id: str) -> list[TeamSummary]:
    """Every team, by name: its digest's channel and time, how many active members, who supervises it."""
    with reading(ctx, actor_slack_id) as read:
        require_role(read.user, Role.ADMIN, doing="list teams")
        teams = read.session.exec(select(Team).order_by(col(Team.name))).all()
        read.audit("view", "team", None, after={"for": "team list"})
        return [_summary(read.session, team) for team in teams]


def team_members(ctx: ServiceContext, actor_slack_id: str, team_name: str) -> TeamMembers:
    """A team's members (the inactive ones too, marked), each with how many open records they hold."""
    with reading(ctx, actor_slack_id) as read:
        require_role(read.user, Role.ADMIN, doing="list team members")
        team = team_named(read.session, team_name)
        users = read.session.exec(
            select(AppUser).where(AppUser.team_id == team.id).order_by(col(AppUser.slack_user_id))
        ).all()
        held = Counter(
            read.session.exec(
                select(ProtectionOrder.officer_id).where(
                    col(ProtectionOrder.officer_id).in_([pk(u) for u in users]),
                    col(ProtectionOrder.status).in_(HANDED_ON),
                )
            ).all()
        )
        read.audit("view", "team", team.id, after={"for": "team members"})
        members = tuple(
            Member(u.slack_user_id, u.role.value, u.rank.value if u.rank else None, u.active, held[pk(u)])
            for u in users
        )
        return TeamMembers(_summary(read.session, team), members)


def set_digest(
    ctx: ServiceContext,
    actor_slack_id: str,
    team_name: str,
    *,
    channel: str | None = None,
    by_dm: bool = False,
    at: time | None = None,
) -> TeamSummary:
    """Where a team's digest goes (a channel, or `by_dm`: its supervisors' DMs) and/or when
    (Europe/London). The next digest follows; one already sent today is not sent again."""
    with acting(ctx, actor_slack_id, Role.ADMIN, doing="set a team's digest") as work:
        team = team_named(work.session, team_name)
        before = snapshot(team)
        if channel is not None or by_dm:
            team.digest_channel = None if by_dm else channel
        if at is not None:
            team.digest_time = at
        work.changed(team, before)
        return _summary(work.session, team)


def deactivate(ctx: ServiceContext, actor_slack_id: str, leaver_slack_id: str, successor_slack_id: str) -> Deactivated:
    """A leaver can no longer use dvpn-bot; their open records (and lapsed notices), open casework
    (services.governance.handover), undone breach checks and the reminders still to go out to them
    pass to `successor`, an active user placed in a team; they stop supervising. Each row changed is
    audited; everything handed on is replanned, so no clock goes on reminding someone who has left."""
    with acting(ctx, actor_slack_id, Role.ADMIN, doing="deactivate users") as work:
        session = work.session
        leaver = known_user(session, ctx, leaver_slack_id)
        successor = known_user(session, ctx, successor_slack_id)
        _check_handover(session, work, leaver, successor)
        references = _hand_on_records(work, leaver, successor)
        casework = hand_on_casework(work, leaver, successor)
        undone = select(BreachCheck).where(BreachCheck.assigned_to_id == leaver.id, col(BreachCheck.done_at).is_(None))
        checks = hand_on(work, session.exec(undone).all(), assigned_to_id=successor.id)
        waiting = (ReminderState.PENDING, ReminderState.CLAIMED)
        reminders = select(Reminder).where(Reminder.recipient_id == leaver.id, col(Reminder.state).in_(waiting))
        moved = hand_on(work, session.exec(reminders).all(), recipient_id=successor.id)
        unsupervised = _stop_supervising(work, leaver)
        replan_casework(work, casework)  # after the supervision ends: the leaver gets no supervisor's copy
        before = snapshot(leaver)
        leaver.active = False
        work.changed(leaver, before)
        return Deactivated(
            leaver.slack_user_id,
            successor.slack_user_id,
            references,
            checks,
            moved,
            incidents=casework.incident_count,
            requests=len(casework.requests),
            marac_actions=casework.marac_actions,
            plan_actions=casework.plan_actions,
            plan_reviews=casework.plan_reviews,
            unsupervised=unsupervised,
        )


def admin_slack_ids(ctx: ServiceContext) -> list[str]:
    """The active admins, to be told when the bot cannot post where it was asked to."""
    with system(ctx, "channel access") as work:
        return list(
            work.session.exec(
                select(AppUser.slack_user_id)
                .where(AppUser.role == Role.ADMIN, col(AppUser.active))
                .order_by(col(AppUser.slack_user_id))
            ).all()
        )


def _check_handover(session: Session, work: Acting, leaver: AppUser, successor: AppUser) -> None:
    if leaver.id == successor.id:
        raise Conflict("Hand their records to someone else: the leaver cannot take them over.", "successor")
    if leaver.id == work.user.id:
        raise Conflict("You cannot deactivate yourself. Ask another admin.", "user")
    if not successor.active or successor.team_id is None:
        raise NotAllowed("The successor must be an active dvpn-bot user placed in a team. Place them first.")
    if leaver.role is Role.ADMIN:
        admins = session.exec(
            select(func.count()).select_from(AppUser).where(AppUser.role == Role.ADMIN, col(AppUser.active))
        ).one()
        if admins <= 1:
            raise Conflict("That would leave no admin. Make someone else an admin first.", "user")


def _hand_on_records(work: Acting, leaver: AppUser, successor: AppUser) -> tuple[str, ...]:
    orders = work.session.exec(
        select(ProtectionOrder)
        .where(ProtectionOrder.officer_id == leaver.id, col(ProtectionOrder.status).in_(HANDED_ON))
        .order_by(col(ProtectionOrder.reference))
        .with_for_update()
    ).all()
    for order in orders:
        before = snapshot(order)
        order.officer_id, order.team_id = pk(successor), successor.team_id or order.team_id
        work.changed(order, before, order_id=order.id)
        work.touch(order, moot=MOOT_HANDED_ON)  # its reminders are replanned for the successor
    index_teams(work.session, orders)  # its words are searched within its new team
    return tuple(o.reference for o in orders)


def _stop_supervising(work: Acting, leaver: AppUser) -> tuple[str, ...]:
    """End the leaver's supervision. Returns the teams it leaves with no active supervisor: their
    alerts now go to the next level, and a digest sent by DM goes to nobody until one is named."""
    session = work.session
    rows = session.exec(select(TeamSupervisor).where(TeamSupervisor.user_id == leaver.id)).all()
    for row in rows:
        work.audit("delete", "team_supervisor", None, before=snapshot(row))
        session.delete(row)
    session.flush()
    forget_supervised_teams(session)
    left: list[str] = []
    for row in rows:
        others = session.exec(
            select(func.count())
            .select_from(TeamSupervisor)
            .join(AppUser, col(AppUser.id) == col(TeamSupervisor.user_id))
            .where(TeamSupervisor.team_id == row.team_id, col(AppUser.active))
        ).one()
        team = session.get(Team, row.team_id)
        if not others and team is not None:
            left.append(team.name)
    return tuple(sorted(left))


def _summary(session: Session, team: Team) -> TeamSummary:
    members = session.exec(
        select(func.count()).select_from(AppUser).where(AppUser.team_id == team.id, col(AppUser.active))
    ).one()
    supervisors = session.exec(
        select(AppUser.slack_user_id)
        .join(TeamSupervisor, col(TeamSupervisor.user_id) == col(AppUser.id))
        .where(TeamSupervisor.team_id == team.id)
        .order_by(col(AppUser.slack_user_id))
    ).all()
    return TeamSummary(team.name, team.digest_channel, team.digest_time, members, tuple(supervisors))
