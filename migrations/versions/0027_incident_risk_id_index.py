"""an index of incidents by risk level holding their ids

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-03

`caseload incidents risk high no-marac` counts every high-risk incident with no MARAC referral (the
page itself is a fraction of a millisecond). ix_incident_risk_reported does not hold the incident
id, so PostgreSQL read the incidents themselves to match them against their referrals: 376 ms at
national scale (bench/reporting_data.py: 5.1 million incidents, 509,000 high risk, 432,000
referrals). With (risk_level, id) the count is an index-only scan joined to the referrals by id:
118.8 ms, back to back on the same data at load 0.2.
New index only: no table is rebuilt, so SQLite's triggers are untouched.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0027"
down_revision: str | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_incident_risk_id", "incident", ["risk_level", "id"])


def downgrade() -> None:
    op.drop_index("ix_incident_risk_id", table_name="incident")
