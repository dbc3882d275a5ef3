"""Bank holidays proclaimed after the `holidays` package was released, added by an admin."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Field, SQLModel

from models.types import utc_column


class ExtraExcludedDay(SQLModel, table=True):
    __tablename__ = "extra_excluded_day"

    day: date = Field(primary_key=True)
    name: str = Field(max_length=120)
    proclamation: str | None = Field(default=None, max_length=200)
    added_by_id: int = Field(foreign_key="app_user.id")
    added_at: datetime = Field(sa_column=utc_column(nullable=False))
