"""hearing.active_team_id: the record's team while the record is active, kept by triggers, and a
partial index on the hearings awaiting an outcome by it

Revision ID: 0043
Revises: 0042
Create Date: 2026-12-04

The digest's and the App Home's "outcomes" section lists a team's hearings whose time has passed
with no outcome recorded, on records still active, first scheduled first, and counts the rest.
Nothing led to a team's hearings but its records: PostgreSQL hash-joined the team's 5,000 active
records (read from the heap through ix_order_team_status_next) with the force's 3,000 open overdue
hearings (ix_hearing_open_by_order) to find 7: 6 to 7 ms a team at national scale, the largest
single statement of a supervisor's Home. Each hearing now carries its record's team while that
record is active (NULL once it has ended, as a breach check's copy, 0041: a record that ended
leaves its hearings without an outcome for good, and the section lists none of them), and a partial
index holds, by team and by when scheduled, only the hearings awaiting an outcome on active records.
The section reads a team's first from the index in order and counts them from it.

Kept by row triggers in the same transaction as the write, whichever statement makes it: a hearing
booked (or moved to another record) takes its record's team if the record is active; a record moved
to another team, ended or made active again (a reinstatement, a correction) moves its hearings with
it. The code never writes the column. No foreign key: derived data, as the team's own record names
it. SQLite drops a table's triggers when batch mode rebuilds it: a later migration that rebuilds
hearing or protection_order there must create these triggers again (SQLITE below).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0043"
down_revision: str | None = "0042"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE, COLUMN = "hearing", "active_team_id"
# models.orders: the same name, columns and condition.
INDEX, INDEXED, WHERE = "ix_hearing_active_team_open", [COLUMN, "scheduled_at"], "outcome IS NULL AND active_team_id IS NOT NULL"
ACTIVE = "'active'"  # OrderStatus.ACTIVE as stored
ACTIVE_TEAM_OF_ORDER = f"(SELECT o.team_id FROM protection_order o WHERE o.id = {{row}}.order_id AND o.status = {ACTIVE})"
# What a record's hearings carry after the record's row is written as NEW.
ACTIVE_TEAM_OF_NEW = f"CASE WHEN NEW.status = {ACTIVE} THEN NEW.team_id END"
# 0041's trigger on protection_order moves the record's checks; this one its hearings.
ORDER_TRIGGER = "order_active_team_moves_hearings"

POSTGRES = [
    f"""CREATE FUNCTION hearing_active_team_copy() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        NEW.{COLUMN} := {ACTIVE_TEAM_OF_ORDER.format(row="NEW")};
        RETURN NEW;
    END $$""",
    f"""CREATE FUNCTION order_active_team_moved_hearings() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE {TABLE} SET {COLUMN} = {ACTIVE_TEAM_OF_NEW}
        WHERE order_id = NEW.id AND {COLUMN} IS DISTINCT FROM {ACTIVE_TEAM_OF_NEW};
        RETURN NULL;
    END $$""",
    f"""CREATE TRIGGER {TABLE}_active_team BEFORE INSERT OR UPDATE OF order_id, {COLUMN} ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION hearing_active_team_copy()""",
    f"""CREATE TRIGGER {ORDER_TRIGGER} AFTER UPDATE OF team_id, status ON protection_order
    FOR EACH ROW WHEN (OLD.team_id IS DISTINCT FROM NEW.team_id OR OLD.status IS DISTINCT FROM NEW.status)
    EXECUTE FUNCTION order_active_team_moved_hearings()""",
]

_SQLITE_COPY = f"UPDATE {TABLE} SET {COLUMN} = {ACTIVE_TEAM_OF_ORDER.format(row='NEW')} WHERE id = NEW.id;"
SQLITE = [
    f"CREATE TRIGGER {TABLE}_active_team_insert AFTER INSERT ON {TABLE} BEGIN {_SQLITE_COPY} END",
    f"CREATE TRIGGER {TABLE}_active_team_update AFTER UPDATE OF order_id, {COLUMN} ON {TABLE} "
    f"WHEN NEW.{COLUMN} IS NOT {ACTIVE_TEAM_OF_ORDER.format(row='NEW')} BEGIN {_SQLITE_COPY} END",
    f"CREATE TRIGGER {ORDER_TRIGGER} AFTER UPDATE OF team_id, status ON protection_order "
    "WHEN OLD.team_id IS NOT NEW.team_id OR OLD.status IS NOT NEW.status BEGIN "
    f"UPDATE {TABLE} SET {COLUMN} = {ACTIVE_TEAM_OF_NEW} "
    f"WHERE order_id = NEW.id AND {COLUMN} IS NOT {ACTIVE_TEAM_OF_NEW}; "
    "END",
]


def _fill(dialect: str) -> str:
    if dialect == "postgresql":  # one join, not a lookup a row
        return (
            f"UPDATE {TABLE} h SET {COLUMN} = o.team_id FROM protection_order o "
            f"WHERE o.id = h.order_id AND o.status = {ACTIVE}"
        )
    return f"UPDATE {TABLE} SET {COLUMN} = {ACTIVE_TEAM_OF_ORDER.format(row=TABLE)}"


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    # Not in batch mode: SQLite adds a column in place, keeping the table's triggers (0022's).
    op.add_column(TABLE, sa.Column(COLUMN, sa.Integer(), nullable=True))
    op.execute(_fill(dialect))
    op.create_index(INDEX, TABLE, INDEXED, postgresql_where=sa.text(WHERE), sqlite_where=sa.text(WHERE))
    for statement in POSTGRES if dialect == "postgresql" else SQLITE:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP TRIGGER {ORDER_TRIGGER} ON protection_order")
        op.execute(f"DROP TRIGGER {TABLE}_active_team ON {TABLE}")
        op.execute("DROP FUNCTION order_active_team_moved_hearings()")
        op.execute("DROP FUNCTION hearing_active_team_copy()")
    else:
        op.execute(f"DROP TRIGGER {ORDER_TRIGGER}")
        op.execute(f"DROP TRIGGER {TABLE}_active_team_insert")
        op.execute(f"DROP TRIGGER {TABLE}_active_team_update")
    op.drop_index(INDEX, table_name=TABLE)
    op.drop_column(TABLE, COLUMN)
