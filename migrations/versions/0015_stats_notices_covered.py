"""stats: a period's notices read from the index alone

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02

/dvpn stats sums the notices served in the period on their status and hearing deadline, and joins
their hearings by id. ix_order_type_served found them but each row was then fetched from the table
(one page per notice: a year of a national force's notices is tens of thousands of pages). On
PostgreSQL the index now carries those columns (INCLUDE), so the period is one range of the index.
SQLite has no INCLUDE: there the index is rebuilt as it was.
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0015'
down_revision: str | None = '0014'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COVERED = ["id", "status", "hearing_deadline_at"]


def upgrade() -> None:
    op.drop_index("ix_order_type_served", table_name="protection_order")
    op.create_index(
        "ix_order_type_served", "protection_order", ["order_type", "served_at"], postgresql_include=COVERED
    )


def downgrade() -> None:
    op.drop_index("ix_order_type_served", table_name="protection_order")
    op.create_index("ix_order_type_served", "protection_order", ["order_type", "served_at"])
