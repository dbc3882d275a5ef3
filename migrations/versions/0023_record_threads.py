"""record_thread_post: one thread per record in its team's channel

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-02

A record's channel post (reference, type, initials and status) is the root of a thread, and each
later channel-visible event (hearing booked, outcome, breach, lapse, expiry, closure) a reply in
it. Each post is a row the sweep delivers with the reminders' guarantees (claimed under a lease,
retried with backoff, looked for in Slack before a second attempt), and the root carries its
pending rewrite to the record's status. A new table: protection_order is not rebuilt.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _text(length: int) -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def upgrade() -> None:
    op.create_table(
        "record_thread_post",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("kind", _text(48), nullable=False),
        sa.Column("channel", _text(32), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "pending",
                "claimed",
                "sent",
                "acknowledged",
                "failed",
                "cancelled",
                name="reminderstate",
                native_enum=False,
                length=32,
                create_constraint=False,
            ),
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claimed_by", _text(80), nullable=True),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("slack_ts", _text(32), nullable=True),
        sa.Column("last_error", _text(500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("update_due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("update_attempts", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["order_id"], ["protection_order.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("order_id", "kind", name="uq_record_thread_post_order_kind"),
    )
    op.create_index("ix_record_thread_post_order_id", "record_thread_post", ["order_id"], unique=False)
    op.create_index("ix_record_thread_post_state", "record_thread_post", ["state", "id"], unique=False)
    op.create_index("ix_record_thread_post_update_due_at", "record_thread_post", ["update_due_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_record_thread_post_update_due_at", table_name="record_thread_post")
    op.drop_index("ix_record_thread_post_state", table_name="record_thread_post")
    op.drop_index("ix_record_thread_post_order_id", table_name="record_thread_post")
    op.drop_table("record_thread_post")
