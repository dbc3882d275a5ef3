"""The people who use the tracker: Slack users with a role, and the teams they work in."""

from __future__ import annotations

from datetime import datetime, time

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from domain.enums import Role
from models.types import enum_column, utc_column
from rules.ranks import Rank


class Team(SQLModel, table=True):
    __tablename__ = "team"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=80, sa_column_kwargs={"unique": True})
    digest_channel: str | None = Field(default=None, max_length=32)  # Slack channel id
    digest_time: time = Field(default=time(7, 0), sa_type=sa.Time)  # Europe/London wall clock
    created_at: datetime = Field(sa_column=utc_column(nullable=False))


class AppUser(SQLModel, table=True):
    """A Slack user known to the tracker. New users start as officers with no team."""

    __tablename__ = "app_user"

    id: int | None = Field(default=None, primary_key=True)
    slack_user_id: str = Field(max_length=32, sa_column_kwargs={"unique": True})
    display_name: str = Field(default="", max_length=120)
    role: Role = Field(sa_column=enum_column(Role))
    rank: Rank | None = Field(default=None, sa_column=enum_column(Rank, nullable=True))
    team_id: int | None = Field(default=None, foreign_key="team.id", index=True)
    active: bool = True
    created_at: datetime = Field(sa_column=utc_column(nullable=False))
    # The bot's DM channel with this user, from conversations.open (always the same id), kept so
    # a restarted or added process does not ask Slack again (Tier 3: 50+ calls a minute).
    slack_dm_channel: str | None = Field(default=None, max_length=32)


class TeamSupervisor(SQLModel, table=True):
    """Supervisors answer for teams; one supervisor may cover several teams."""

    __tablename__ = "team_supervisor"

    team_id: int = Field(foreign_key="team.id", primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", primary_key=True, index=True)
