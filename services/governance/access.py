"""Who may do what, by the teams a user is in now. Officers: their team's records (an officer
moved to another team keeps no access to the old team's records they were in charge of: they may
read them with a reason, as a supervisor beyond their teams may, and change none). Supervisors: the teams they
supervise and their own. Champions: read everything, change nothing. Admins: manage users, teams
and the calendar, and read everything. Reading beyond one's own teams needs a reason first
(services.governance.justification.access, the one decision every path to personal data goes through).

A user placed nowhere (an officer with no team, a supervisor of no team) may do nothing but be
told how to get placed: acting_user refuses them, so every service refuses them in one place."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session, col, select

from models import AppUser, DisclosureRequest, Incident, ProtectionOrder, Role, TeamSupervisor
from services.context import ServiceContext
from services.errors import NotAllowed
from services.governance.audit import write_creation
from services.wording import Command, Text

# What a write is authorised on: a notice or order, an incident, or a Clare's Law request (its
# reminders' buttons are authorised as a change to it). Only the team decides; the reference and
# the officer in charge say why not.
TeamRecord = ProtectionOrder | Incident | DisclosureRequest

READ_ALL_ROLES = frozenset({Role.CHAMPION, Role.ADMIN})


PLACEMENT: Text = (
    "You are not in a team yet, so dvpn-bot can show and record nothing for you. Ask an admin to place you: they type ",
    Command("admin team add", "TEAM @you"),
    ". ",
    Command("help"),
    " lists the commands.",
)


class NotPlaced(NotAllowed):
    """The user is in no team: every command but help is refused with how to get placed."""

    def __init__(self) -> None:
        super().__init__(PLACEMENT)


def acting_user(session: Session, ctx: ServiceContext, slack_user_id: str, display_name: str = "") -> AppUser:
    """The user behind a request, refused (NotPlaced) while they are in no team. A Slack user seen
    for the first time becomes an officer with no team, or an admin if listed in DVPN_ADMINS."""
    user = known_user(session, ctx, slack_user_id, display_name)
    require_placed(session, user)
    return user


_STANDING = sa.select(col(AppUser.role), col(AppUser.team_id), col(AppUser.active)).where(
    col(AppUser.slack_user_id) == sa.bindparam("slack_user_id")
)


def plainly_placed(ctx: ServiceContext, slack_user_id: str) -> bool:
    """True when one read, outside any transaction, shows an active user placed without asking
    more: a champion or admin, or an officer or supervisor in a team. False says only that
    acting_user must decide (it refuses, or meets the user for the first time, writing them).
    PostgreSQL only: a gate that passes writes nothing, so it needs no BEGIN and COMMIT sent."""
    if ctx.engine.dialect.name != "postgresql":
        return False
    with ctx.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        row = connection.execute(_STANDING, {"slack_user_id": slack_user_id}).first()
    if row is None or not row.active:
        return False
    role = Role(row.role)
    return role in READ_ALL_ROLES or (role in (Role.OFFICER, Role.SUPERVISOR) and row.team_id is not None)


def is_placed(session: Session, user: AppUser) -> bool:
    """Champions and admins work force-wide; officers need a team; supervisors a team they work in or supervise."""
    if user.role in READ_ALL_ROLES:
        return True
    return bool(supervised_team_ids(session, user)) if user.role is Role.SUPERVISOR else user.team_id is not None


def require_placed(session: Session, user: AppUser) -> None:
    if not is_placed(session, user):
        raise NotPlaced()


# Built once: every request asks it first, and building a statement costs as much as running it.
_BY_SLACK_ID = select(AppUser).where(AppUser.slack_user_id == sa.bindparam("slack_user_id"))


def known_user(session: Session, ctx: ServiceContext, slack_user_id: str, display_name: str = "") -> AppUser:
    """The user a Slack id stands for, whether or not they are placed yet (an admin placing
    someone names them before they have a team). Created on first contact, and audited."""
    user = session.exec(_BY_SLACK_ID, params={"slack_user_id": slack_user_id}).first()
    if user is not None:
        if not user.active:
            raise NotAllowed("Your dvpn-bot access has been withdrawn. Speak to an admin if this is wrong.")
        return user
    role = Role.ADMIN if slack_user_id in ctx.settings.admins else Role.OFFICER
    user = AppUser(slack_user_id=slack_user_id, display_name=display_name, role=role, created_at=ctx.clock.now())
    session.add(user)
    session.flush()
    write_creation(session, actor=None, at=ctx.clock.now(), row=user, source=ctx.source, system_actor="first-contact")
    return user


_SUPERVISED = "supervised_team_ids"  # session.info: user id -> the teams they supervise, this transaction


def supervised_team_ids(session: Session, user: AppUser) -> set[int]:
    """Read once per user and transaction: a report checks each record it lists against it (a
    repeat offender's history asked it once per record). add_supervisor forgets it."""
    known: dict[int | None, frozenset[int]] = session.info.setdefault(_SUPERVISED, {})
    if user.id not in known:
        rows = session.exec(select(TeamSupervisor.team_id).where(TeamSupervisor.user_id == user.id)).all()
        known[user.id] = frozenset(rows)
    ids = set(known[user.id])
    if user.team_id is not None:
        ids.add(user.team_id)
    return ids


def forget_supervised_teams(session: Session) -> None:
    """After a supervisor is given a team: read the teams again."""
    session.info.pop(_SUPERVISED, None)


def can_write(session: Session, user: AppUser, order: TeamRecord) -> bool:
    """Decided by the teams the user is in now, never by having been the officer in charge: an
    officer moved to another team loses their old team's records with the team."""
    if user.role is Role.OFFICER:
        return user.team_id is not None and order.team_id == user.team_id
    if user.role is Role.SUPERVISOR:
        return order.team_id in supervised_team_ids(session, user)
    return False


def can_read(session: Session, user: AppUser, order: TeamRecord) -> bool:
    return user.role in READ_ALL_ROLES or can_write(session, user, order)


def require_write(session: Session, user: AppUser, order: TeamRecord) -> None:
    if can_write(session, user, order):
        return
    if user.role in READ_ALL_ROLES:
        raise NotAllowed(
            f"{user.role.value.capitalize()}s can read records but not change them. Ask the "
            f"officer in charge of {order.reference} or their supervisor."
        )
    if order.officer_id == user.id:
        raise NotAllowed(
            f"You are the officer in charge of {order.reference}, but it belongs to a team you are no longer in, "
            "so you cannot change it. Ask a supervisor of its team to reassign it, or to record this for you."
        )
    raise NotAllowed(
        f"{order.reference} belongs to another team. Only its officers and their supervisors can change it."
    )


def require_role(user: AppUser, *roles: Role, doing: str) -> None:
    if user.role not in roles:
        allowed = " or ".join(f"{r.value}s" for r in roles)
        raise NotAllowed(f"Only {allowed} can {doing}. Your role is {user.role.value}.")


def require_team(user: AppUser) -> int:
    if user.team_id is None:
        raise NotAllowed(
            (
                "You are not in a team yet, so records you make would have no supervisor. Ask an admin to place you: ",
                Command("admin team add", "<team> @you", set_apart=False),
                ".",
            )
        )
    return user.team_id
