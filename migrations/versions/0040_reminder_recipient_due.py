"""The reminders sent to a user, newest first, found by lookup

Revision ID: 0040
Revises: 0039
Create Date: 2026-12-04

The App Home's "Waiting for me" reads the newest reminders sent to its user and not yet acted on
(services.reminders.waiting). With ix_reminder_recipient_state (recipient, state) it read all of
them and sorted, or walked ix_reminder_state_due back through every user's sent reminders: at
national scale a supervisor, with some 11,000 sent to them, spent 80-100 ms there. The index gains
due_at, so the newest are read in order and the walk stops; a lookup by recipient and state alone
is served by the same index.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0040"
down_revision: str | None = "0039"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# models.reminders: the same name and columns.
OLD, NEW, TABLE = "ix_reminder_recipient_state", "ix_reminder_recipient_state_due", "reminder"


def upgrade() -> None:
    op.create_index(NEW, TABLE, ["recipient_id", "state", "due_at"])
    op.drop_index(OLD, table_name=TABLE)


def downgrade() -> None:
    op.create_index(OLD, TABLE, ["recipient_id", "state"])
    op.drop_index(NEW, table_name=TABLE)
