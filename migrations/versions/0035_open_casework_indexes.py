"""Partial indexes on the open Clare's Law requests, open plans and undone plan actions: the stats' snapshots

Revision ID: 0035
Revises: 0034
Create Date: 2026-12-03

/dvpn stats and /dvpn clare stats take two figures as a snapshot at the time asked, counted from the
rows: the Clare's Law requests open past their target, and the open management plans with their
overdue actions (services.disclosures.figures, services.reporting.casework_stats). At national scale
the force's snapshot read every request's entry of ix_disclosure_team_open_target (team first, so a
force-wide count walks all of it) and every plan and plan action. Open requests, open plans and
undone actions are few among them: each now has a partial index holding only those rows and the
columns the count reads, so the snapshot is read from the index alone.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0035"
down_revision: str | None = "0034"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# models.disclosures: the same names, columns and conditions.
INDEXES = (
    (
        "ix_disclosure_open_target",
        "disclosure_request",
        ["target_at", "team_id"],
        "disclosed_at IS NULL AND closed_at IS NULL",
    ),
    ("ix_plan_open", "management_plan", ["team_id", "adopted_at", "review_at", "id"], "closed_at IS NULL"),
    ("ix_plan_action_undone", "plan_action", ["plan_id", "due_at"], "done_at IS NULL"),
)


def upgrade() -> None:
    for name, table, columns, where in INDEXES:
        op.create_index(name, table, columns, postgresql_where=sa.text(where), sqlite_where=sa.text(where))


def downgrade() -> None:
    for name, table, _columns, _where in INDEXES:
        op.drop_index(name, table_name=table)
