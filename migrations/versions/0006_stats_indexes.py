"""stats indexes: each notice's earliest decided hearing

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02

/dvpn stats counts the notices heard, and heard in time, and takes the median hours from service
to hearing, from each notice's earliest hearing with an outcome. A partial index holding only
decided hearings answers that with one probe per notice (bench/reporting_queries.py, 1,000,000
orders: it replaced two EXISTS lookups per notice and a hash join over every hearing).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DECIDED = "outcome IS NOT NULL"


def upgrade() -> None:
    op.create_index(
        "ix_hearing_decided_by_order",
        "hearing",
        ["order_id", "scheduled_at"],
        postgresql_where=sa.text(DECIDED),
        sqlite_where=sa.text(DECIDED),
    )


def downgrade() -> None:
    op.drop_index("ix_hearing_decided_by_order", table_name="hearing")
