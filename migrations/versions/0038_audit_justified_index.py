"""A partial index on the trail's justified views: the reasons still standing, found by lookup

Revision ID: 0038
Revises: 0037
Create Date: 2026-12-03

Before a card or a search beyond one's teams, services.governance.justification.reasons_in_force
reads the reasons the user gave in the last half hour. With only ix_audit_event_actor_user_id and
ix_audit_event_at to go on, it read every row the user wrote in that window and kept the few views
with a justification: a supervisor's exports write an audit row per record (up to 19,000 for a
team's month, each carrying the export's reason), so at national scale a search spent 267 ms of its
300 there. Views given a reason are few; this index holds only them, by user and time.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0038"
down_revision: str | None = "0037"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# models.audit: the same name, columns and condition.
NAME, TABLE, COLUMNS = "ix_audit_event_justified", "audit_event", ["actor_user_id", "at"]
WHERE = "action = 'view' AND justification IS NOT NULL"


def upgrade() -> None:
    op.create_index(NAME, TABLE, COLUMNS, postgresql_where=sa.text(WHERE), sqlite_where=sa.text(WHERE))


def downgrade() -> None:
    op.drop_index(NAME, table_name=TABLE)
