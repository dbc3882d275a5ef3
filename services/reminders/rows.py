"""A reminder as the sweep reads it: the claim returns its rows as plain tuples of the columns the
sweep needs (Claimed), not as ORM objects. Building a hundred ORM objects, each tracked by the
session, was the larger part of a claim's Python at national scale. The facts, the batch's loading
and the sorting out read a reminder through ReminderRow, which the model and the tuple both
satisfy, so a button pressed on one reminder (an ORM row) is worded by the same code as a claimed
batch."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple, Protocol

import sqlalchemy as sa

from models import metadata


class ReminderRow(Protocol):
    """What reading a reminder's facts needs of it: read only."""

    @property
    def id(self) -> int | None: ...
    @property
    def order_id(self) -> int | None: ...
    @property
    def incident_id(self) -> int | None: ...
    @property
    def disclosure_id(self) -> int | None: ...
    @property
    def plan_id(self) -> int | None: ...
    @property
    def kind(self) -> str: ...
    @property
    def due_at(self) -> datetime: ...
    @property
    def recipient_id(self) -> int | None: ...
    @property
    def recipient_channel(self) -> str | None: ...
    @property
    def critical(self) -> bool: ...
    @property
    def attempts(self) -> int: ...
    @property
    def snoozed_until(self) -> datetime | None: ...


class Claimed(NamedTuple):
    """A claimed reminder's columns as the claim left them (its attempt counted). Its fields are
    named as the table's columns: COLUMNS selects them in this order."""

    id: int
    order_id: int | None
    incident_id: int | None
    disclosure_id: int | None
    plan_id: int | None
    kind: str
    due_at: datetime
    recipient_id: int | None
    recipient_channel: str | None
    critical: bool
    attempts: int
    snoozed_until: datetime | None


COLUMNS: tuple[sa.Column[object], ...] = tuple(metadata.tables["reminder"].c[name] for name in Claimed._fields)
