"""Daily digest runs: one row per team per local day, so exactly one digest is sent across every
bot process (the unique key decides), and a digest missed while the bot was down can be found."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from domain.enums import DigestState
from models.types import enum_column, utc_column


class DigestRun(SQLModel, table=True):
    __tablename__ = "digest_run"
    __table_args__ = (sa.UniqueConstraint("team_id", "local_date", name="uq_digest_run_team_day"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="team.id")
    local_date: date = Field(sa_type=sa.Date)  # the Europe/London day the digest is for
    state: DigestState = Field(sa_column=enum_column(DigestState))
    claimed_by: str | None = Field(default=None, max_length=80)
    claimed_until: datetime | None = Field(default=None, sa_column=utc_column())
    attempts: int = 0
    # Channel or user ids already posted to, so a retry after a partial failure posts only the rest.
    delivered: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    late: bool = False
    sent_at: datetime | None = Field(default=None, sa_column=utc_column())
    last_error: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(sa_column=utc_column(nullable=False))
