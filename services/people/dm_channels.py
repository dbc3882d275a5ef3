"""The bot's DM channel with each user, kept in the database once Slack has opened it, so that no
process asks Slack (conversations.open) for it twice."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import select

from models import AppUser, metadata
from services.context import ServiceContext
from services.unit_of_work import system

SCHEDULER = "scheduler"
USERS: sa.Table = metadata.tables["app_user"]


def stored_dm_channel(ctx: ServiceContext, slack_user_id: str) -> str | None:
    """The DM channel kept for a user, if any."""
    with system(ctx, SCHEDULER) as work:
        return work.session.exec(select(AppUser.slack_dm_channel).where(AppUser.slack_user_id == slack_user_id)).first()


def keep_dm_channel(ctx: ServiceContext, slack_user_id: str, channel: str) -> None:
    """Keep the channel Slack opened for a user (a technical identifier, not audited: it says
    nothing about anyone and Slack answers the same id every time)."""
    with system(ctx, SCHEDULER) as work:
        work.session.execute(
            sa.update(USERS).where(USERS.c.slack_user_id == slack_user_id).values(slack_dm_channel=channel)
        )
