"""reminders: an index of the rows waiting to be posted, for the sweep's claim

Revision ID: 0017
Revises: 0015
Create Date: 2026-12-02

The sweep claims the oldest due reminders that are pending (or claimed by a process whose lease ran
out). ix_reminder_state_due found them as two ranges (one per state) that had to be merged and
sorted in full before the first 100 were taken: every due reminder was read at each claim. A
partial index of the pending and claimed rows in claim order (due_at, id) is read in order and
stops after the batch, and holds only the rows still to be posted, not the millions already sent.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0017'
down_revision: str | None = '0015'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CLAIMABLE = "state IN ('pending', 'claimed')"


def upgrade() -> None:
    op.create_index(
        "ix_reminder_claimable",
        "reminder",
        ["due_at", "id"],
        postgresql_where=sa.text(CLAIMABLE),
        sqlite_where=sa.text(CLAIMABLE),
    )


def downgrade() -> None:
    op.drop_index("ix_reminder_claimable", table_name="reminder")
