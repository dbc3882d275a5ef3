"""reporting indexes: caseloads, perpetrator history, search and stats at a million records

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01

Measured with bench/reporting_queries.py on 1,000,000 orders and 10,000,000 reminders:
- stats count notices by type and when they were served or decided, breaches by when they
  happened, and checks by when they fell due;
- a record's next deadline (caseloads) looks up its earliest open hearing, open check and awaited
  notification: small partial indexes hold only the open ones;
- searches match the beginning of references, crime references and name keys with LIKE, which
  PostgreSQL answers from a btree index only with varchar_pattern_ops when the database's
  collation is not C. Those indexes replace the plain ones on the same columns (equality lookups
  use them too); SQLite has no operator classes, so there they stay as they were.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PATTERN = "varchar_pattern_ops"
# (index, table, columns, the column searched by its beginning)
PATTERN_INDEXES = (
    ("ix_perpetrator_name_key", "perpetrator", ["name_key"], "name_key"),
    ("ix_protected_person_name_key", "protected_person", ["name_key"], "name_key"),
    ("ix_protection_order_crime_reference", "protection_order", ["crime_reference"], "crime_reference"),
    ("ix_breach_crime_reference_recorded", "breach", ["crime_reference", "recorded_at"], "crime_reference"),
)
# (index, table, columns, the rows it holds)
PARTIAL_INDEXES = (
    ("ix_hearing_open_by_order", "hearing", ["order_id", "scheduled_at"], "outcome IS NULL"),
    ("ix_check_open_by_order", "breach_check", ["order_id", "due_at"], "done_at IS NULL"),
    ("ix_notification_awaited_by_order", "notification", ["order_id", "due_at"], "received_at IS NULL"),
)


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    if postgres:
        for name, table, columns, searched in PATTERN_INDEXES:
            op.drop_index(name, table_name=table)
            op.create_index(name, table, columns, postgresql_ops={searched: PATTERN})
    op.create_index("ix_order_reference_prefix", "protection_order", ["reference"], postgresql_ops={"reference": PATTERN})
    op.create_index("ix_order_type_served", "protection_order", ["order_type", "served_at"])
    op.create_index("ix_order_type_closed", "protection_order", ["order_type", "closed_at"], postgresql_include=["status"])
    op.create_index("ix_breach_occurred_at", "breach", ["occurred_at"])
    op.create_index("ix_check_due_done", "breach_check", ["due_at", "done_at"])
    for name, table, columns, where in PARTIAL_INDEXES:
        op.create_index(name, table, columns, postgresql_where=sa.text(where), sqlite_where=sa.text(where))


def downgrade() -> None:
    for name, table, _columns, _where in PARTIAL_INDEXES:
        op.drop_index(name, table_name=table)
    op.drop_index("ix_check_due_done", table_name="breach_check")
    op.drop_index("ix_breach_occurred_at", table_name="breach")
    op.drop_index("ix_order_type_closed", table_name="protection_order")
    op.drop_index("ix_order_type_served", table_name="protection_order")
    op.drop_index("ix_order_reference_prefix", table_name="protection_order")
    if op.get_bind().dialect.name == "postgresql":
        for name, table, columns, _searched in PATTERN_INDEXES:
            op.drop_index(name, table_name=table)
            op.create_index(name, table, columns)
