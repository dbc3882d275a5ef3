"""incident.marac_open: the MARAC referrals due, kept by the planner, read from one partial index

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-03

`marac due` (the first 50 referrals due and how many there are) and the supervisors' digest found
their candidates from the live referral reminders (ix_reminder_marac_clock, migration 0026) and
probed each one's incident by its key: at national scale, with about 76,000 high-risk incidents
never referred over six years, 1.2 s for a supervisor and 1.6 s for the force. The planner now
marks the incident itself, `marac_open`, exactly when it keeps a referral clock (a referral due,
none recorded), and the partial index ix_incident_marac_open holds, for the marked incidents only,
everything the ruling and the order need: the count and the page come from the index alone.

Filled from the clocks the planner keeps today: an incident with a live referral reminder and no
referral recorded. The same set the readers used, so nothing they list changes with the upgrade.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0031"
down_revision: str | None = "0030"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MARAC_OPEN = "marac_open"  # models.incidents.MARAC_OPEN
# models.reminders.MARAC_CLOCK: a live referral reminder.
FILL = """
UPDATE incident SET marac_open = TRUE
WHERE EXISTS (
    SELECT 1 FROM reminder r
    WHERE r.incident_id = incident.id AND r.state <> 'cancelled'
      AND (r.kind = 'inc_due:marac' OR r.kind LIKE 'inc_overdue:marac:%')
)
AND NOT EXISTS (SELECT 1 FROM marac_referral m WHERE m.incident_id = incident.id)
"""


def upgrade() -> None:
    # Not in batch mode: SQLite adds a column in place, keeping incident's triggers (0029, 0030).
    op.add_column("incident", sa.Column("marac_open", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.execute(FILL)
    op.create_index(
        "ix_incident_marac_open",
        "incident",
        ["team_id", "reported_at", "dash_at", "escalation_count", "dash_yes", "dash_judgement", "id"],
        postgresql_where=sa.text(MARAC_OPEN),
        sqlite_where=sa.text(MARAC_OPEN),
    )


def downgrade() -> None:
    op.drop_index("ix_incident_marac_open", table_name="incident")
    op.drop_column("incident", "marac_open")
