"""reminder.update_reason, update_due_at, update_attempts: a posted reminder's message to update

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02

A reminder already posted that becomes moot (the hearing was booked, the record closed, someone
else acknowledged it) has its Slack message updated in place. The update is recorded on the row in
the same transaction that made the reminder moot, and the sweep applies it with chat.update, with
the same retries and back-off as posts. update_due_at is cleared once it is applied or given up.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0014'
down_revision: str | None = '0013'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("reminder") as batch:
        batch.add_column(sa.Column("update_reason", sa.String(length=40), nullable=True))
        batch.add_column(sa.Column("update_due_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("update_attempts", sa.Integer(), nullable=False, server_default="0"))
        batch.create_index("ix_reminder_update_due_at", ["update_due_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("reminder") as batch:
        batch.drop_index("ix_reminder_update_due_at")
        batch.drop_column("update_attempts")
        batch.drop_column("update_due_at")
        batch.drop_column("update_reason")
