"""breach checks no longer needed: cancelled_at

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02

A breach check falling due after its record ended (a notice superseded by its order, an order
expired or discharged) was no longer needed. The record's end is now stamped on such checks when
the record ends, so /dvpn stats counts the checks due in a period from one partial index instead
of joining each check to its record (bench/reporting_queries.py, 1,000,000 orders). Existing
checks are backfilled from their records' closed_at with the same rule.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NEEDED = "cancelled_at IS NULL"


def upgrade() -> None:
    op.add_column("breach_check", sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True))
    op.execute(
        "UPDATE breach_check SET cancelled_at = ("
        " SELECT o.closed_at FROM protection_order o WHERE o.id = breach_check.order_id)"
        " WHERE EXISTS (SELECT 1 FROM protection_order o WHERE o.id = breach_check.order_id"
        " AND o.closed_at IS NOT NULL AND breach_check.due_at > o.closed_at)"
    )
    op.drop_index("ix_check_due_done", table_name="breach_check")
    op.create_index(
        "ix_check_needed_due",
        "breach_check",
        ["due_at", "done_at"],
        postgresql_where=sa.text(NEEDED),
        sqlite_where=sa.text(NEEDED),
    )


def downgrade() -> None:
    op.drop_index("ix_check_needed_due", table_name="breach_check")
    op.create_index("ix_check_due_done", "breach_check", ["due_at", "done_at"])
    with op.batch_alter_table("breach_check") as batch:
        batch.drop_column("cancelled_at")
