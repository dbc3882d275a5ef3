"""each incident keeps its victim's escalation count

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-03

`marac due` and the digest's MARAC section ruled on escalation by counting, for each incident with
a live referral clock, the incidents of every victim row with the same name key and a date of birth
that agrees, reported in the 12 months up to and including it: at national scale (5.1 million
incidents, 76,500 live clocks) 1.9 s for a supervisor and over 20 s for the force. The count is now
kept on the incident (escalation_count), recounted in the writing transaction by every path that
can change it (services/incidents/escalation_counts.py) and checked against the facts after every
step of the stateful tests; the list reads it.

Filled here from the facts: on PostgreSQL in one pass of window counts per name key (the victim's
incidents of the same date of birth, plus those with none; every one of the name key when the
victim's date is unknown), on SQLite by counting each incident's as referrals_due did. The window
is (reported_at - 365 days, reported_at], as rules.incidents.incidents_in_window.
Adding a column is a plain ALTER TABLE on both databases, and incident has no triggers.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0028"
down_revision: str | None = "0027"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

POSTGRES = """
UPDATE incident SET escalation_count = counted.n
FROM (
    SELECT i.id,
           CASE WHEN p.date_of_birth IS NULL THEN count(*) OVER same_key
                ELSE count(*) OVER same_birth + count(*) FILTER (WHERE p.date_of_birth IS NULL) OVER same_key
           END AS n
    FROM incident i JOIN protected_person p ON p.id = i.victim_id
    WINDOW same_key AS (PARTITION BY p.name_key ORDER BY i.reported_at
                        RANGE BETWEEN INTERVAL '365 days' - INTERVAL '1 microsecond' PRECEDING AND CURRENT ROW),
           same_birth AS (PARTITION BY p.name_key, p.date_of_birth ORDER BY i.reported_at
                          RANGE BETWEEN INTERVAL '365 days' - INTERVAL '1 microsecond' PRECEDING AND CURRENT ROW)
) AS counted
WHERE counted.id = incident.id AND incident.escalation_count <> counted.n
"""

SQLITE = """
UPDATE incident SET escalation_count = (
    SELECT count(*)
    FROM protected_person v
    JOIN protected_person ov ON ov.name_key = v.name_key
        AND (v.date_of_birth IS NULL OR ov.date_of_birth IS NULL OR ov.date_of_birth = v.date_of_birth)
    JOIN incident o ON o.victim_id = ov.id
    WHERE v.id = incident.victim_id
      AND julianday(o.reported_at) <= julianday(incident.reported_at)
      AND ROUND((julianday(incident.reported_at) - julianday(o.reported_at)) * 86400.0) < 31536000
)
"""


def upgrade() -> None:
    op.add_column("incident", sa.Column("escalation_count", sa.Integer(), nullable=False, server_default="0"))
    op.execute(POSTGRES if op.get_bind().dialect.name == "postgresql" else SQLITE)


def downgrade() -> None:
    op.drop_column("incident", "escalation_count")
