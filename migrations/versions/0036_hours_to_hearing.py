"""protection_order.hours_to_hearing: the hours from service to first decided hearing, a generated column

Revision ID: 0036
Revises: 0035
Create Date: 2026-12-03

/dvpn stats takes the median hours from service to first hearing over the period's heard notices
(services.reporting.stats): a median is no sum of days, so it is taken over their rows. The rows
were one range of ix_order_type_served, but each row's hours were computed at every question:
EXTRACT(EPOCH ...) makes a numeric, which PostgreSQL turns into a double by way of its text, and
for a year's 50,000 notices that conversion, not the reading or the sort, was most of the median's
time. The hours are now a column the database computes from the row itself whenever served_at or
first_heard_at is written (GENERATED ALWAYS, so no code path can leave it stale: first_heard_at's
own triggers of 0022 set it through an UPDATE like any other), with exactly the expression the
median used (services.reporting.sql_time.hours_between, the same double for every row), and
ix_order_type_served carries it: the same values are sorted, so the same median.

PostgreSQL stores it (STORED: the only kind it has) and the index includes it. SQLite can add only
a VIRTUAL generated column to a table in place (ALTER TABLE; batch mode would rebuild the table and
drop its triggers): it is computed as it is read there, with SQLite's form of the same hours (whole
seconds, as hours_between counts them there).
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0036"
down_revision: str | None = "0035"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# models.orders.HOURS_TO_HEARING: services.reporting.sql_time.hours_between(served_at, first_heard_at).
POSTGRES = "EXTRACT(EPOCH FROM (first_heard_at - served_at)) / CAST(3600.0 AS DOUBLE PRECISION)"
SQLITE = "ROUND((julianday(first_heard_at) - julianday(served_at)) * 86400.0) / 3600.0"
SERVED_WITH = ["id", "status", "hearing_deadline_at", "first_heard_at"]  # ix_order_type_served's before


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "ALTER TABLE protection_order ADD COLUMN hours_to_hearing DOUBLE PRECISION "
            f"GENERATED ALWAYS AS ({POSTGRES}) STORED"
        )
        op.drop_index("ix_order_type_served", table_name="protection_order")
        op.create_index(
            "ix_order_type_served",
            "protection_order",
            ["order_type", "served_at"],
            postgresql_include=[*SERVED_WITH, "hours_to_hearing"],
        )
    else:
        op.execute(f"ALTER TABLE protection_order ADD COLUMN hours_to_hearing DOUBLE GENERATED ALWAYS AS ({SQLITE}) VIRTUAL")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_order_type_served", table_name="protection_order")
        op.create_index(
            "ix_order_type_served", "protection_order", ["order_type", "served_at"], postgresql_include=SERVED_WITH
        )
    op.execute("ALTER TABLE protection_order DROP COLUMN hours_to_hearing")
