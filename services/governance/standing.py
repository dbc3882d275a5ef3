"""Who a user is to dvpn-bot, for what a front end offers them (the help lists what their role can
do). Reads only: a user seen for the first time is not written here."""

from __future__ import annotations

from sqlmodel import select

from models import AppUser, Role
from models.db import read_scope
from services.context import ServiceContext


def role_of(ctx: ServiceContext, slack_user_id: str) -> Role | None:
    """The user's role; None for someone dvpn-bot has not met (or whose access was withdrawn),
    who would start as an officer, or an admin if DVPN_ADMINS lists them."""
    with read_scope(ctx.engine) as session:
        user = session.exec(select(AppUser).where(AppUser.slack_user_id == slack_user_id)).first()
        if user is not None:
            return user.role if user.active else None
    return Role.ADMIN if slack_user_id in ctx.settings.admins else None


def is_placed_user(ctx: ServiceContext, slack_user_id: str) -> bool:
    """Whether the user is in a team (or works force-wide): someone not met yet is not."""
    from services.governance.access import is_placed

    with read_scope(ctx.engine) as session:
        user = session.exec(select(AppUser).where(AppUser.slack_user_id == slack_user_id)).first()
        return user is not None and user.active and is_placed(session, user)
