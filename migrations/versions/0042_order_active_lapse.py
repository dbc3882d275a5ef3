"""A team's notices lapsed in law and not yet marked, found by lookup

Revision ID: 0042
Revises: 0041
Create Date: 2026-12-04

The digest's and the App Home's "lapsed" section, `/dvpn list lapsed` and the passed-deadlines job
find the notices whose lapse time (coalesce(lapses_at, hearing_deadline_at)) has passed while they
are still active (services.records.state.lapsed_unmarked). Nothing led to them but the team's
active records: at national scale each team's section read its 3,000-5,000 active records to find
none, 7-8 ms a team, and a supervisor's App Home asked it for each of their teams. Only a record
awaiting its first hearing has a lapse time (511 of the 90,012 active records at national scale),
so a partial index by team and lapse time holds those alone; the section's 4 statements for two
teams went from 32.4 to 7.8 ms. The expression is the one the query compares, as SQLAlchemy writes
it, so PostgreSQL matches it; a comparison with it implies the index's IS NOT NULL.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0042"
down_revision: str | None = "0041"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# models.orders: the same name, expression and condition.
INDEX, TABLE = "ix_order_active_lapse", "protection_order"
LAPSE_TIME = "coalesce(lapses_at, hearing_deadline_at)"
ACTIVE_WITH_LAPSE = f"status = 'active' AND {LAPSE_TIME} IS NOT NULL"


def upgrade() -> None:
    op.create_index(
        INDEX,
        TABLE,
        ["team_id", sa.text(LAPSE_TIME)],
        postgresql_where=sa.text(ACTIVE_WITH_LAPSE),
        sqlite_where=sa.text(ACTIVE_WITH_LAPSE),
    )


def downgrade() -> None:
    op.drop_index(INDEX, table_name=TABLE)
