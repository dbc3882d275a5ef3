"""breach.team_id: the record's team, kept by triggers, and a partial index on the breaches with no
crime reference by team

Revision ID: 0039
Revises: 0038
Create Date: 2026-12-04

The digest's and the App Home's "breach with no crime reference" section lists a team's first few
and counts the rest. Nothing led to a team's breaches but its records: the planner read every breach
of the force with no crime reference (ix_breach_crime_reference_recorded) and joined each to its
record to keep the team's: 0.35 to 0.44 s a team at national scale, most of a supervisor's Home.
Each breach now carries its record's team, and a partial index holds, by team and by when recorded,
only the breaches with no crime reference. (A team's checks due need no such copy: the planner
finds them from the team's open records, ix_check_open_by_order.)

Kept by row triggers in the same transaction as the write, whichever statement makes it: a breach
made (or moved to another record) takes its record's team; a record moved to another team (a
correction of its officer, a hand-on) moves its breaches with it. The code never writes the column.
No foreign key: derived data, as the team's own record names it. SQLite drops a table's triggers
when batch mode rebuilds it: a later migration that rebuilds breach or protection_order there must
create these triggers again (SQLITE below).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0039"
down_revision: str | None = "0038"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("breach",)
# models.orders: the same names, columns and conditions.
INDEXES = (("ix_breach_team_no_crime_reference", "breach", ["team_id", "recorded_at"], "crime_reference IS NULL"),)
TEAM_OF_ORDER = "(SELECT o.team_id FROM protection_order o WHERE o.id = {row}.order_id)"

POSTGRES = [
    f"""CREATE FUNCTION order_team_copy() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        NEW.team_id := {TEAM_OF_ORDER.format(row="NEW")};
        RETURN NEW;
    END $$""",
    """CREATE FUNCTION order_team_moved() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE breach SET team_id = NEW.team_id WHERE order_id = NEW.id;
        RETURN NULL;
    END $$""",
    *(
        f"""CREATE TRIGGER {table}_team BEFORE INSERT OR UPDATE OF order_id, team_id ON {table}
        FOR EACH ROW EXECUTE FUNCTION order_team_copy()"""
        for table in TABLES
    ),
    """CREATE TRIGGER order_team_moves AFTER UPDATE OF team_id ON protection_order
    FOR EACH ROW WHEN (OLD.team_id IS DISTINCT FROM NEW.team_id) EXECUTE FUNCTION order_team_moved()""",
]


def _sqlite_copy(table: str) -> str:
    return f"UPDATE {table} SET team_id = {TEAM_OF_ORDER.format(row='NEW')} WHERE id = NEW.id;"


SQLITE = [
    *(
        f"CREATE TRIGGER {table}_team_insert AFTER INSERT ON {table} BEGIN {_sqlite_copy(table)} END"
        for table in TABLES
    ),
    *(
        f"CREATE TRIGGER {table}_team_update AFTER UPDATE OF order_id, team_id ON {table} "
        f"WHEN NEW.team_id IS NOT {TEAM_OF_ORDER.format(row='NEW')} BEGIN {_sqlite_copy(table)} END"
        for table in TABLES
    ),
    "CREATE TRIGGER order_team_moves AFTER UPDATE OF team_id ON protection_order "
    "WHEN OLD.team_id IS NOT NEW.team_id BEGIN "
    "UPDATE breach SET team_id = NEW.team_id WHERE order_id = NEW.id; "
    "END",
]


def _fill(dialect: str, table: str) -> str:
    if dialect == "postgresql":  # one join, not a lookup a row
        return f"UPDATE {table} t SET team_id = o.team_id FROM protection_order o WHERE o.id = t.order_id"
    return f"UPDATE {table} SET team_id = {TEAM_OF_ORDER.format(row=table)}"


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table in TABLES:
        # Not in batch mode: SQLite adds a column in place, keeping the tables' triggers (0025, 0033).
        op.add_column(table, sa.Column("team_id", sa.Integer(), nullable=True))
        op.execute(_fill(dialect, table))
    for name, table, columns, where in INDEXES:
        op.create_index(name, table, columns, postgresql_where=sa.text(where), sqlite_where=sa.text(where))
    for statement in POSTGRES if dialect == "postgresql" else SQLITE:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER order_team_moves ON protection_order")
        for table in TABLES:
            op.execute(f"DROP TRIGGER {table}_team ON {table}")
        op.execute("DROP FUNCTION order_team_moved()")
        op.execute("DROP FUNCTION order_team_copy()")
    else:
        op.execute("DROP TRIGGER order_team_moves")
        for table in TABLES:
            op.execute(f"DROP TRIGGER {table}_team_insert")
            op.execute(f"DROP TRIGGER {table}_team_update")
    for name, table, _columns, _where in INDEXES:
        op.drop_index(name, table_name=table)
    for table in TABLES:
        op.drop_column(table, "team_id")
