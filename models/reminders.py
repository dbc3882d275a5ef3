"""Planned reminders. The database is the source of truth: APScheduler only runs the sweep."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from domain.enums import ReminderState
from models.types import IDS_NEVER_REUSED, enum_column, utc_column

# Written out, not bound: a partial index serves a query only when its condition is visibly in it.
CLAIMABLE = "state IN ('pending', 'claimed')"
SUBJECTS = ("order_id", "incident_id", "disclosure_id", "plan_id")
# Written as a sum of CASEs, not of booleans: PostgreSQL does not add booleans.
EXACTLY_ONE_SUBJECT = " + ".join(f"(CASE WHEN {c} IS NULL THEN 0 ELSE 1 END)" for c in SUBJECTS) + " = 1"


def _about(column: str) -> tuple[sa.Index, sa.Index]:
    """A subject column's unique (subject, kind, due) index and its own, both partial: a null never
    conflicted, and no query asks for the rows where it is null."""
    subject, where = column.removesuffix("_id"), sa.text(f"{column} IS NOT NULL")
    return (
        sa.Index(
            f"uq_reminder_{subject}_kind_due",
            column,
            "kind",
            "due_at",
            unique=True,
            postgresql_where=where,
            sqlite_where=where,
        ),
        sa.Index(f"ix_reminder_{subject}_id", column, postgresql_where=where, sqlite_where=where),
    )


MARAC_CLOCK = "state <> 'cancelled' AND (kind = 'inc_due:marac' OR kind LIKE 'inc_overdue:marac:%')"
# Sent, about an incident, not yet settled (no update reason): "Waiting for me"'s incident reminders.
INCIDENT_SENT = "state = 'sent' AND incident_id IS NOT NULL AND update_reason IS NULL"


class Reminder(SQLModel, table=True):
    __tablename__ = "reminder"
    __table_args__ = (
        sa.UniqueConstraint("order_id", "kind", "due_at", name="uq_reminder_order_kind_due"),
        # A reminder is about exactly one subject: a notice or order, an incident (its clocks, its
        # children's schools, its MARAC referral and actions), a Clare's Law request (its completion
        # target) or a perpetrator management plan (its actions and review date).
        # The other subjects' columns are null in most rows: their indexes hold only the rows about
        # one (migration 0037), so claiming a reminder about a record writes no entry into them.
        *(index for subject in SUBJECTS[1:] for index in _about(subject)),
        sa.CheckConstraint(EXACTLY_ONE_SUBJECT, name="about_one_record"),
        # The live MARAC referral clocks: the candidates of `marac due` (services.incidents.referrals_due).
        sa.Index(
            "ix_reminder_marac_clock",
            "incident_id",
            postgresql_where=sa.text(MARAC_CLOCK),
            sqlite_where=sa.text(MARAC_CLOCK),
        ),
        sa.Index("ix_reminder_state_due", "state", "due_at"),
        # A user's sent reminders, newest first: the App Home's "Waiting for me" (migration 0040).
        sa.Index("ix_reminder_recipient_state_due", "recipient_id", "state", "due_at"),
        # Its reminders about incidents still to settle (migration 0044): a few of a user's thousands.
        sa.Index(
            "ix_reminder_recipient_incident_sent",
            "recipient_id",
            "due_at",
            postgresql_where=sa.text(INCIDENT_SENT),
            sqlite_where=sa.text(INCIDENT_SENT),
        ),
        sa.Index("ix_reminder_escalate_at", "escalate_at"),
        sa.Index("ix_reminder_update_due_at", "update_due_at"),
        # The sweep's claim (services.reminders.queue): only rows waiting to be posted, in the order
        # they are claimed, so a claim reads its batch and stops, however many reminders wait.
        sa.Index(
            "ix_reminder_claimable",
            "due_at",
            "id",
            postgresql_where=sa.text(CLAIMABLE),
            sqlite_where=sa.text(CLAIMABLE),
        ),
        IDS_NEVER_REUSED,
    )

    id: int | None = Field(default=None, primary_key=True)
    order_id: int | None = Field(default=None, foreign_key="protection_order.id", index=True)
    incident_id: int | None = Field(default=None, foreign_key="incident.id")
    disclosure_id: int | None = Field(default=None, foreign_key="disclosure_request.id")
    plan_id: int | None = Field(default=None, foreign_key="management_plan.id")
    kind: str = Field(max_length=48)
    due_at: datetime = Field(sa_column=utc_column(nullable=False))
    recipient_id: int | None = Field(default=None, foreign_key="app_user.id")
    recipient_channel: str | None = Field(default=None, max_length=32)
    critical: bool = False  # deadline countdowns and lapse alerts: escalate if not acknowledged
    state: ReminderState = Field(sa_column=enum_column(ReminderState))
    attempts: int = 0
    next_attempt_at: datetime | None = Field(default=None, sa_column=utc_column())
    claimed_by: str | None = Field(default=None, max_length=80)
    claimed_until: datetime | None = Field(default=None, sa_column=utc_column())
    sent_at: datetime | None = Field(default=None, sa_column=utc_column())
    slack_channel: str | None = Field(default=None, max_length=32)
    slack_ts: str | None = Field(default=None, max_length=32)
    acknowledged_at: datetime | None = Field(default=None, sa_column=utc_column())
    acknowledged_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    snoozed_until: datetime | None = Field(default=None, sa_column=utc_column())
    cancelled_at: datetime | None = Field(default=None, sa_column=utc_column())
    last_error: str | None = Field(default=None, max_length=500)
    # Set when a critical reminder is sent: unless acknowledged by then, it is re-sent and escalated
    # to the team's supervisors. Cleared once escalated, acknowledged, snoozed or no longer needed.
    escalate_at: datetime | None = Field(default=None, sa_column=utc_column())
    created_at: datetime = Field(sa_column=utc_column(nullable=False))
    # Its posted message must be updated in place (services/reminders/updates.py): why, and when the
    # sweep is next to try. Set in the transaction that made it moot; cleared once applied or given up.
    update_reason: str | None = Field(default=None, max_length=40)
    update_due_at: datetime | None = Field(default=None, sa_column=utc_column())
    update_attempts: int = 0
    # Who made it moot (None: the system) and when, for its rewritten message to say.
    moot_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    moot_at: datetime | None = Field(default=None, sa_column=utc_column())
