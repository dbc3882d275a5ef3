"""The reminder's incident, Clare's Law request and plan indexes hold only the rows about one

Revision ID: 0037
Revises: 0036
Create Date: 2026-12-03

A reminder is about exactly one subject (0021), so three of its four subject columns are null in
every row. Yet uq_reminder_{incident,disclosure,plan}_kind_due and ix_reminder_{incident,disclosure,
plan}_id held an entry for every reminder, nulls included: six of the table's fifteen indexes written
on every row version. The sweep's claim rewrites each claimed row (state, lease, attempts), and a
claimed row cannot be updated in place (a HOT update) while any index covers a column it changes, so
every claim inserted a new entry into every index, most of them for a null. Each of the six is now
partial, WHERE its column IS NOT NULL: a reminder about a record is in none of them.

Nothing is lost. Uniqueness is unchanged: nulls never conflicted. Every query naming these columns
asks for a value (=, IN, a foreign key's check), which implies IS NOT NULL, so the partial indexes
serve it as before; none asks for the null rows. The three unique constraints become unique indexes,
as a constraint cannot be partial; no statement names them (no ON CONFLICT on them).

On PostgreSQL each is dropped and made again in the migration's transaction. On SQLite a unique
constraint is part of the table, so the reminder table is rebuilt in batch mode (sqlite_autoincrement
kept, as 0032 made it; SQLite keeps no trigger on it) and its sequence put back where it was, so an
erased reminder's id is still never handed out again.
"""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0037"
down_revision: str | None = "0036"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SUBJECTS = ("incident", "disclosure", "plan")  # order_id stays as it is: most reminders are about a record


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        with _sequence_kept(bind), _rebuilt() as batch:
            for subject in SUBJECTS:
                batch.drop_constraint(f"uq_reminder_{subject}_kind_due", type_="unique")
                batch.drop_index(f"ix_reminder_{subject}_id")
    else:
        for subject in SUBJECTS:
            op.drop_constraint(f"uq_reminder_{subject}_kind_due", "reminder", type_="unique")
            op.drop_index(f"ix_reminder_{subject}_id", table_name="reminder")
    for subject in SUBJECTS:
        column, where = f"{subject}_id", sa.text(f"{subject}_id IS NOT NULL")
        op.create_index(
            f"uq_reminder_{subject}_kind_due",
            "reminder",
            [column, "kind", "due_at"],
            unique=True,
            postgresql_where=where,
            sqlite_where=where,
        )
        op.create_index(f"ix_reminder_{subject}_id", "reminder", [column], postgresql_where=where, sqlite_where=where)


def downgrade() -> None:
    bind = op.get_bind()
    for subject in SUBJECTS:
        op.drop_index(f"uq_reminder_{subject}_kind_due", table_name="reminder")
        op.drop_index(f"ix_reminder_{subject}_id", table_name="reminder")
    if bind.dialect.name == "sqlite":
        with _sequence_kept(bind), _rebuilt() as batch:
            for subject in SUBJECTS:
                batch.create_unique_constraint(f"uq_reminder_{subject}_kind_due", [f"{subject}_id", "kind", "due_at"])
    else:
        for subject in SUBJECTS:
            op.create_unique_constraint(
                f"uq_reminder_{subject}_kind_due", "reminder", [f"{subject}_id", "kind", "due_at"]
            )
    for subject in SUBJECTS:
        op.create_index(f"ix_reminder_{subject}_id", "reminder", [f"{subject}_id"])


def _rebuilt() -> Any:
    """SQLite's reminder table made again (a unique constraint is part of it), AUTOINCREMENT kept."""
    return op.batch_alter_table("reminder", recreate="always", table_kwargs={"sqlite_autoincrement": True})


@contextmanager
def _sequence_kept(bind: sa.Connection) -> Iterator[None]:
    """SQLite's reminder sequence as it was before the rebuild: the rebuilt table's would start at
    the highest id left, and hand out again an erased reminder's id above it."""
    seq = bind.exec_driver_sql("SELECT seq FROM sqlite_sequence WHERE name = 'reminder'").scalar()
    yield
    if seq is not None:
        bind.exec_driver_sql("DELETE FROM sqlite_sequence WHERE name = 'reminder'")
        bind.execute(sa.text("INSERT INTO sqlite_sequence (name, seq) VALUES ('reminder', :seq)"), {"seq": seq})
