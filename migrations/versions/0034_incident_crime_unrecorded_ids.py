"""the incidents with a crime disclosed and none recorded, indexed with their ids

Revision ID: 0034
Revises: 0033
Create Date: 2026-12-03

The digest counts a team's incidents whose crime is not recorded 24 hours after the report and
lists the first few (services/reminders/digest_incidents.py): it asks for their ids in report
order. ix_incident_crime_unrecorded held (team_id, reported_at) only, so PostgreSQL fetched each
one's row for its id (about 1,000 a team at national scale, bench/reporting_data.py) and, misjudging
how many there were, compiled the statement (JIT): 5.5 to 13 ms a team at load 6 to 10, 4 to 11 ms
of it JIT. With the id in the index the ids come from the index alone, already in order.
Only the index is rebuilt (it is partial: a few thousand rows in a force): no table is touched, so
SQLite's triggers are too.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0034"
down_revision: str | None = "0033"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NAME = "ix_incident_crime_unrecorded"
UNRECORDED = sa.text("crime_disclosed AND crime_reference IS NULL")  # as migration 0026 wrote it


def _index(columns: list[str]) -> None:
    op.drop_index(NAME, table_name="incident")
    op.create_index(NAME, "incident", columns, postgresql_where=UNRECORDED, sqlite_where=UNRECORDED)


def upgrade() -> None:
    _index(["team_id", "reported_at", "id"])


def downgrade() -> None:
    _index(["team_id", "reported_at"])
