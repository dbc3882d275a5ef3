"""protection_order.first_heard_at: a notice's earliest decided hearing, kept on the record

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-02

Stats. A period's notices were each joined to their earliest hearing with an outcome (the hearing
that says whether the application was heard, and heard in time) by grouping the period's decided
hearings: a year at national scale read some hundred thousand hearings and aggregated them at
every /dvpn stats. The earliest decided hearing's scheduled time is now a column of the record,
first_heard_at, and ix_order_type_served carries it (INCLUDE, PostgreSQL), so a year's cohort is
one range of one index.

It is kept by row triggers on hearing, in the same transaction as every write that books, decides,
moves, corrects or erases a hearing, whichever code path or statement makes it (as caseload_count
is kept, migration 0018): the column is the direct query's answer by construction, and the stateful
lifecycle test checks it against that query after every step on both databases. A trigger only
sets the one column, so it does not fire the caseload triggers (UPDATE OF team_id, officer_id,
status). SQLite drops a table's triggers when Alembic's batch mode rebuilds it: a later migration
that rebuilds hearing there must create these triggers again (SQLITE below). Adding a column is a
plain ALTER TABLE on both databases, so protection_order's own triggers (0018) are untouched.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The earliest decided hearing of the record {row}.order_id, as stats defined it before this column.
FIRST_HEARD = (
    "UPDATE protection_order SET first_heard_at = (SELECT min(h.scheduled_at) FROM hearing h "
    "WHERE h.order_id = {row}.order_id AND h.outcome IS NOT NULL) WHERE id = {row}.order_id"
)
CHANGED = (
    "OLD.order_id IS DISTINCT FROM NEW.order_id OR OLD.scheduled_at IS DISTINCT FROM NEW.scheduled_at "
    "OR OLD.outcome IS DISTINCT FROM NEW.outcome"
)

POSTGRES = [
    f"""CREATE FUNCTION first_heard_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            {FIRST_HEARD.format(row="OLD")};
        END IF;
        IF TG_OP IN ('UPDATE', 'INSERT') AND (TG_OP = 'INSERT' OR NEW.order_id IS DISTINCT FROM OLD.order_id) THEN
            {FIRST_HEARD.format(row="NEW")};
        END IF;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER first_heard_rows AFTER INSERT OR DELETE ON hearing
    FOR EACH ROW EXECUTE FUNCTION first_heard_change()""",
    f"""CREATE TRIGGER first_heard_moves AFTER UPDATE OF order_id, scheduled_at, outcome ON hearing
    FOR EACH ROW WHEN ({CHANGED}) EXECUTE FUNCTION first_heard_change()""",
]

SQLITE = [
    f"CREATE TRIGGER first_heard_insert AFTER INSERT ON hearing BEGIN {FIRST_HEARD.format(row='NEW')}; END",
    f"CREATE TRIGGER first_heard_delete AFTER DELETE ON hearing BEGIN {FIRST_HEARD.format(row='OLD')}; END",
    "CREATE TRIGGER first_heard_moves AFTER UPDATE OF order_id, scheduled_at, outcome ON hearing "
    f"WHEN {CHANGED.replace('IS DISTINCT FROM', 'IS NOT')} "
    f"BEGIN {FIRST_HEARD.format(row='OLD')}; {FIRST_HEARD.format(row='NEW')}; END",
]

SERVED_WITH = ["id", "status", "hearing_deadline_at"]


def upgrade() -> None:
    op.add_column("protection_order", sa.Column("first_heard_at", sa.DateTime(timezone=True), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "UPDATE protection_order o SET first_heard_at = h.first FROM (SELECT order_id, min(scheduled_at) AS first "
            "FROM hearing WHERE outcome IS NOT NULL GROUP BY order_id) h WHERE o.id = h.order_id"
        )
    else:
        op.execute(
            "UPDATE protection_order SET first_heard_at = (SELECT min(h.scheduled_at) FROM hearing h "
            "WHERE h.order_id = protection_order.id AND h.outcome IS NOT NULL)"
        )
    op.drop_index("ix_order_type_served", table_name="protection_order")
    op.create_index(
        "ix_order_type_served",
        "protection_order",
        ["order_type", "served_at"],
        postgresql_include=[*SERVED_WITH, "first_heard_at"],
    )
    for statement in POSTGRES if op.get_bind().dialect.name == "postgresql" else SQLITE:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER first_heard_moves ON hearing")
        op.execute("DROP TRIGGER first_heard_rows ON hearing")
        op.execute("DROP FUNCTION first_heard_change()")
    else:
        for name in ("first_heard_insert", "first_heard_delete", "first_heard_moves"):
            op.execute(f"DROP TRIGGER {name}")
    op.drop_index("ix_order_type_served", table_name="protection_order")
    op.create_index("ix_order_type_served", "protection_order", ["order_type", "served_at"], postgresql_include=SERVED_WITH)
    op.drop_column("protection_order", "first_heard_at")
