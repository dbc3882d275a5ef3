"""the sweep's claim reads only its batch; the force's caseload counted from a kept roll-up

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-02

The claim. The sweep claims the oldest due reminders that are pending (or claimed by a process whose
lease ran out). ix_reminder_state_due found them as two ranges (one per state) that had to be
merged and sorted in full before the first 100 were taken: every due reminder was read at each
claim. A partial index of the pending and claimed rows in claim order (due_at, id) is read in order
and stops after the batch, and holds only the rows still to be posted, not the millions sent.

The caseload. A champion's whole-force caseload counted every record by status and by officer (a
million rows at national scale). caseload_count keeps those counts per team, officer and status,
changed by row triggers on protection_order in the same transaction as the write, whatever makes
it (the ORM, the rollover's bulk UPDATE, retention's DELETE). SQLite drops a table's triggers when
Alembic's batch mode rebuilds it: a later migration that rebuilds protection_order there must
create these triggers again (SQLITE below). On PostgreSQL an update touches its
two counts in key order, so two records moving opposite ways at once cannot deadlock on them.

Stats. A period's breaches were found by ix_breach_occurred_at, then each fetched from the table to
see whether its crime reference came within 24 hours of its recording. On PostgreSQL the index now
carries those two times (INCLUDE), so a year's breaches are one range of the index. SQLite has no
INCLUDE: there the index stays as it was.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0018'
down_revision: str | None = '0017'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CLAIMABLE = "state IN ('pending', 'claimed')"
BREACH_TIMES = ["recorded_at", "crime_reference_added_at"]
CHANGED = "OLD.team_id IS DISTINCT FROM NEW.team_id OR OLD.officer_id IS DISTINCT FROM NEW.officer_id " \
    "OR OLD.status IS DISTINCT FROM NEW.status"

POSTGRES = [
    """CREATE FUNCTION caseload_count_add(t integer, o integer, s varchar, n integer) RETURNS void
    LANGUAGE sql AS $$
        INSERT INTO caseload_count (team_id, officer_id, status, records) VALUES (t, o, s, n)
        ON CONFLICT (team_id, officer_id, status) DO UPDATE SET records = caseload_count.records + n
    $$""",
    """CREATE FUNCTION caseload_count_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN
            PERFORM caseload_count_add(NEW.team_id, NEW.officer_id, NEW.status, 1);
        ELSIF TG_OP = 'DELETE' THEN
            PERFORM caseload_count_add(OLD.team_id, OLD.officer_id, OLD.status, -1);
        ELSIF ROW(OLD.team_id, OLD.officer_id, OLD.status) < ROW(NEW.team_id, NEW.officer_id, NEW.status) THEN
            PERFORM caseload_count_add(OLD.team_id, OLD.officer_id, OLD.status, -1);
            PERFORM caseload_count_add(NEW.team_id, NEW.officer_id, NEW.status, 1);
        ELSE
            PERFORM caseload_count_add(NEW.team_id, NEW.officer_id, NEW.status, 1);
            PERFORM caseload_count_add(OLD.team_id, OLD.officer_id, OLD.status, -1);
        END IF;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER caseload_count_rows AFTER INSERT OR DELETE ON protection_order
    FOR EACH ROW EXECUTE FUNCTION caseload_count_change()""",
    f"""CREATE TRIGGER caseload_count_moves AFTER UPDATE OF team_id, officer_id, status ON protection_order
    FOR EACH ROW WHEN ({CHANGED}) EXECUTE FUNCTION caseload_count_change()""",
]

SQLITE_ADD = """INSERT INTO caseload_count (team_id, officer_id, status, records) VALUES ({row}.team_id,
    {row}.officer_id, {row}.status, {n}) ON CONFLICT (team_id, officer_id, status) DO UPDATE SET records = records + {n};"""
SQLITE = [
    f"CREATE TRIGGER caseload_count_insert AFTER INSERT ON protection_order BEGIN {SQLITE_ADD.format(row='NEW', n=1)} END",
    f"CREATE TRIGGER caseload_count_delete AFTER DELETE ON protection_order BEGIN {SQLITE_ADD.format(row='OLD', n=-1)} END",
    "CREATE TRIGGER caseload_count_moves AFTER UPDATE OF team_id, officer_id, status ON protection_order "
    f"WHEN {CHANGED.replace('IS DISTINCT FROM', 'IS NOT')} "
    f"BEGIN {SQLITE_ADD.format(row='OLD', n=-1)} {SQLITE_ADD.format(row='NEW', n=1)} END",
]


def upgrade() -> None:
    op.create_index(
        "ix_reminder_claimable",
        "reminder",
        ["due_at", "id"],
        postgresql_where=sa.text(CLAIMABLE),
        sqlite_where=sa.text(CLAIMABLE),
    )
    op.create_table(
        "caseload_count",
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("officer_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("records", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("team_id", "officer_id", "status", name="pk_caseload_count"),
    )
    op.drop_index("ix_breach_occurred_at", table_name="breach")
    op.create_index("ix_breach_occurred_at", "breach", ["occurred_at"], postgresql_include=BREACH_TIMES)
    op.execute(
        "INSERT INTO caseload_count (team_id, officer_id, status, records) "
        "SELECT team_id, officer_id, status, count(*) FROM protection_order GROUP BY team_id, officer_id, status"
    )
    for statement in POSTGRES if op.get_bind().dialect.name == "postgresql" else SQLITE:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER caseload_count_moves ON protection_order")
        op.execute("DROP TRIGGER caseload_count_rows ON protection_order")
        op.execute("DROP FUNCTION caseload_count_change()")
        op.execute("DROP FUNCTION caseload_count_add(integer, integer, varchar, integer)")
    else:
        for name in ("caseload_count_insert", "caseload_count_delete", "caseload_count_moves"):
            op.execute(f"DROP TRIGGER {name}")
    op.drop_table("caseload_count")
    op.drop_index("ix_breach_occurred_at", table_name="breach")
    op.create_index("ix_breach_occurred_at", "breach", ["occurred_at"])
    op.drop_index("ix_reminder_claimable", table_name="reminder")
