"""The reminders about incidents sent to a user and not settled, newest first, found by lookup

Revision ID: 0044
Revises: 0043
Create Date: 2026-12-04

The App Home's "Waiting for me" reads a user's newest reminders about incidents that were sent and
have no update reason yet (services.reminders.waiting). PostgreSQL had two ways there: the user's
sent reminders (ix_reminder_recipient_state_due: 11,000 for a supervisor at national scale) ANDed
with every reminder about an incident (ix_reminder_incident_id: 107,000), 3 to 6 ms for a handful
of rows or none, or a walk back through the user's sent reminders reading each row. This partial
index holds only the rows that query wants, by recipient and due time, so the newest are read in
order from it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0044"
down_revision: str | None = "0043"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# models.reminders: the same name, columns and condition.
INDEX, TABLE = "ix_reminder_recipient_incident_sent", "reminder"
WHERE = "state = 'sent' AND incident_id IS NOT NULL AND update_reason IS NULL"


def upgrade() -> None:
    condition = sa.text(WHERE)
    op.create_index(INDEX, TABLE, ["recipient_id", "due_at"], postgresql_where=condition, sqlite_where=condition)


def downgrade() -> None:
    op.drop_index(INDEX, table_name=TABLE)
