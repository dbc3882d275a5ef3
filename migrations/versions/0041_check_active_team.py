"""breach_check.active_team_id: the record's team while the record is active, kept by triggers, and
a partial index on the checks not done by it

Revision ID: 0041
Revises: 0040
Create Date: 2026-12-04

The digest's and the App Home's "breach checks due" section lists a team's first few checks not
done, on records still active, and counts the rest. Nothing led to a team's checks but its records:
the planner probed ix_check_open_by_order once for each of a team's 5,000 open records, for the list
and again for the count, 50-65 ms a team at national scale, most of a supervisor's Home. Each check
now carries its record's team while that record is active (NULL once it has ended: a record that
ended leaves its missed checks undone for good: 117,000 of the 221,000 undone at national scale,
nearly all due years before any live one, so an index by team alone would be walked through a
team's 2,900 of them before the first live check), and a partial index holds, by team and by when due, only the live
checks not done. The section reads its first due from the index in order (1 ms a team) and counts
the team's from the index alone (0.3 ms).

Kept by row triggers in the same transaction as the write, whichever statement makes it: a check
made (or moved to another record) takes its record's team if the record is active; a record moved
to another team, ended or made active again (a reinstatement, a correction) moves its checks with
it. The code never writes the column. No foreign key: derived data, as the team's own record names
it. SQLite drops a table's triggers when batch mode rebuilds it: a later migration that rebuilds
breach_check or protection_order there must create these triggers again (SQLITE below).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0041"
down_revision: str | None = "0040"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE, COLUMN = "breach_check", "active_team_id"
# models.orders: the same name, columns and condition.
INDEX, INDEXED, WHERE = "ix_check_active_team_undone", [COLUMN, "due_at"], "done_at IS NULL AND active_team_id IS NOT NULL"
ACTIVE = "'active'"  # OrderStatus.ACTIVE as stored
ACTIVE_TEAM_OF_ORDER = f"(SELECT o.team_id FROM protection_order o WHERE o.id = {{row}}.order_id AND o.status = {ACTIVE})"
# What a record's checks carry after the record's row is written as NEW.
ACTIVE_TEAM_OF_NEW = f"CASE WHEN NEW.status = {ACTIVE} THEN NEW.team_id END"

POSTGRES = [
    f"""CREATE FUNCTION check_active_team_copy() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        NEW.{COLUMN} := {ACTIVE_TEAM_OF_ORDER.format(row="NEW")};
        RETURN NEW;
    END $$""",
    f"""CREATE FUNCTION order_active_team_moved() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE {TABLE} SET {COLUMN} = {ACTIVE_TEAM_OF_NEW}
        WHERE order_id = NEW.id AND {COLUMN} IS DISTINCT FROM {ACTIVE_TEAM_OF_NEW};
        RETURN NULL;
    END $$""",
    f"""CREATE TRIGGER {TABLE}_active_team BEFORE INSERT OR UPDATE OF order_id, {COLUMN} ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION check_active_team_copy()""",
    """CREATE TRIGGER order_active_team_moves AFTER UPDATE OF team_id, status ON protection_order
    FOR EACH ROW WHEN (OLD.team_id IS DISTINCT FROM NEW.team_id OR OLD.status IS DISTINCT FROM NEW.status)
    EXECUTE FUNCTION order_active_team_moved()""",
]

_SQLITE_COPY = f"UPDATE {TABLE} SET {COLUMN} = {ACTIVE_TEAM_OF_ORDER.format(row='NEW')} WHERE id = NEW.id;"
SQLITE = [
    f"CREATE TRIGGER {TABLE}_active_team_insert AFTER INSERT ON {TABLE} BEGIN {_SQLITE_COPY} END",
    f"CREATE TRIGGER {TABLE}_active_team_update AFTER UPDATE OF order_id, {COLUMN} ON {TABLE} "
    f"WHEN NEW.{COLUMN} IS NOT {ACTIVE_TEAM_OF_ORDER.format(row='NEW')} BEGIN {_SQLITE_COPY} END",
    "CREATE TRIGGER order_active_team_moves AFTER UPDATE OF team_id, status ON protection_order "
    "WHEN OLD.team_id IS NOT NEW.team_id OR OLD.status IS NOT NEW.status BEGIN "
    f"UPDATE {TABLE} SET {COLUMN} = {ACTIVE_TEAM_OF_NEW} "
    f"WHERE order_id = NEW.id AND {COLUMN} IS NOT {ACTIVE_TEAM_OF_NEW}; "
    "END",
]


def _fill(dialect: str) -> str:
    if dialect == "postgresql":  # one join, not a lookup a row
        return (
            f"UPDATE {TABLE} c SET {COLUMN} = o.team_id FROM protection_order o "
            f"WHERE o.id = c.order_id AND o.status = {ACTIVE}"
        )
    return f"UPDATE {TABLE} SET {COLUMN} = {ACTIVE_TEAM_OF_ORDER.format(row=TABLE)}"


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    # Not in batch mode: SQLite adds a column in place, keeping the table's triggers (0025, 0039).
    op.add_column(TABLE, sa.Column(COLUMN, sa.Integer(), nullable=True))
    op.execute(_fill(dialect))
    op.create_index(INDEX, TABLE, INDEXED, postgresql_where=sa.text(WHERE), sqlite_where=sa.text(WHERE))
    for statement in POSTGRES if dialect == "postgresql" else SQLITE:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER order_active_team_moves ON protection_order")
        op.execute(f"DROP TRIGGER {TABLE}_active_team ON {TABLE}")
        op.execute("DROP FUNCTION order_active_team_moved()")
        op.execute("DROP FUNCTION check_active_team_copy()")
    else:
        op.execute("DROP TRIGGER order_active_team_moves")
        op.execute(f"DROP TRIGGER {TABLE}_active_team_insert")
        op.execute(f"DROP TRIGGER {TABLE}_active_team_update")
    op.drop_index(INDEX, table_name=TABLE)
    op.drop_column(TABLE, COLUMN)
