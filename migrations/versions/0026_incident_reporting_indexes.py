"""indexes for the incident reports at national scale

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-03

Measured with bench/reporting_queries.py on 1,020,000 incidents (bench/reporting_data.py
--incidents-per-year 170000):
- ix_incident_team_reported: a team's incidents newest first (`caseload incidents` for an officer
  or a supervisor) and the digest's per-team incident sections, read in report order.
- ix_incident_reported: the force's incidents newest first (`caseload incidents` for a champion).
- ix_incident_unattended, ix_incident_crime_unrecorded: a team's incidents not yet attended, and
  those with a crime disclosed and none recorded, newest last (the digest's attendance and crime
  sections), few among the team's tens of thousands.
- ix_incident_child_untold: children whose school is still to be told, few among many
  (`caseload incidents encompass untold`, the digest's Encompass section).
- ix_reminder_marac_clock: the live MARAC referral clocks, few among millions of reminders; the
  candidates of `marac due` and of the digest's MARAC section (services.incidents.referrals_due
  writes its condition as this predicate, so PostgreSQL can use it).
New indexes only: no table is rebuilt, so SQLite's triggers are untouched.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0026"
down_revision: str | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UNTOLD = sa.text("told_at IS NULL")
UNATTENDED = sa.text("attended_at IS NULL")
UNRECORDED = sa.text("crime_disclosed AND crime_reference IS NULL")
MARAC_CLOCK = sa.text("state <> 'cancelled' AND (kind = 'inc_due:marac' OR kind LIKE 'inc_overdue:marac:%')")


def upgrade() -> None:
    op.create_index("ix_incident_team_reported", "incident", ["team_id", "reported_at"])
    op.create_index("ix_incident_reported", "incident", ["reported_at"])
    for name, where in (("ix_incident_unattended", UNATTENDED), ("ix_incident_crime_unrecorded", UNRECORDED)):
        op.create_index(name, "incident", ["team_id", "reported_at"], postgresql_where=where, sqlite_where=where)
    op.create_index(
        "ix_incident_child_untold", "incident_child", ["incident_id"], postgresql_where=UNTOLD, sqlite_where=UNTOLD
    )
    op.create_index(
        "ix_reminder_marac_clock", "reminder", ["incident_id"], postgresql_where=MARAC_CLOCK, sqlite_where=MARAC_CLOCK
    )


def downgrade() -> None:
    op.drop_index("ix_reminder_marac_clock", table_name="reminder")
    op.drop_index("ix_incident_child_untold", table_name="incident_child")
    op.drop_index("ix_incident_crime_unrecorded", table_name="incident")
    op.drop_index("ix_incident_unattended", table_name="incident")
    op.drop_index("ix_incident_reported", table_name="incident")
    op.drop_index("ix_incident_team_reported", table_name="incident")
