"""A record's thread in its team's channel: the root post (reference, type, initials and status)
and a reply for each channel-visible event. Each row is a post to make, delivered by the sweep with
the reminders' guarantees (services/records/thread_queue.py)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from domain.enums import ReminderState
from models.types import IDS_NEVER_REUSED, enum_column, utc_column

ROOT = "root"  # the kind of a thread's root post; every other kind is a reply


class RecordThreadPost(SQLModel, table=True):
    __tablename__ = "record_thread_post"
    __table_args__ = (
        # One post per event: planning again after any change adds only what is new.
        sa.UniqueConstraint("order_id", "kind", name="uq_record_thread_post_order_kind"),
        sa.Index("ix_record_thread_post_state", "state", "id"),
        sa.Index("ix_record_thread_post_update_due_at", "update_due_at"),
        IDS_NEVER_REUSED,
    )

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="protection_order.id", index=True)
    kind: str = Field(max_length=48)  # ROOT, or the event replied: "hearing:7", "breach:3", "status:lapsed"
    channel: str = Field(max_length=32)  # the team's channel when the thread was planned
    state: ReminderState = Field(sa_column=enum_column(ReminderState))  # pending, claimed, sent or failed
    attempts: int = 0
    next_attempt_at: datetime | None = Field(default=None, sa_column=utc_column())
    claimed_by: str | None = Field(default=None, max_length=80)
    claimed_until: datetime | None = Field(default=None, sa_column=utc_column())
    sent_at: datetime | None = Field(default=None, sa_column=utc_column())
    slack_ts: str | None = Field(default=None, max_length=32)
    last_error: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(sa_column=utc_column(nullable=False))
    # The root only: its text is to be rewritten to the record's status now (set with each reply
    # planned); the sweep applies it with chat.update and clears it, as for a reminder's message.
    update_due_at: datetime | None = Field(default=None, sa_column=utc_column())
    update_attempts: int = 0
