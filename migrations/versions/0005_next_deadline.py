"""next deadline stored on each record, so caseloads and lists sort and page by it with an index

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02

Caseloads computed each record's next deadline with four correlated subqueries per row, evaluated
for every record in scope before the first page could be chosen (bench/reporting_queries.py: a
supervisor's first page 243 ms, a champion's 2.3 s at 1,000,000 orders). The value is now kept on
protection_order by services.records.planning on every write, and the indexes serve "these teams' (or this
officer's, or the force's) records of a status, most urgent first". They replace the
(team_id, status) and (officer_id, status) indexes, which are their prefixes.

The backfill uses the same definition as services.records.planning.next_deadline: for a record in force,
its hearing deadline, expiry, open breach checks and awaited notifications; for any record, its
open hearings and breach court deadlines not yet passed. Only rows that can have one are updated.
A migration has no application clock, so "not yet passed" is the database's CURRENT_TIMESTAMP; the
rollover (services.records.lifecycle.apply_time) recomputes any breach court deadline passed since.
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op
from sqlalchemy.engine import Connection

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NEW_INDEXES = (
    ("ix_order_team_status_next", ["team_id", "status", "next_deadline_at"]),
    ("ix_order_officer_status_next", ["officer_id", "status", "next_deadline_at"]),
    ("ix_order_status_next", ["status", "next_deadline_at"]),
)
REPLACED_INDEXES = (
    ("ix_order_team_status", ["team_id", "status"]),
    ("ix_order_officer_status", ["officer_id", "status"]),
)

_ACTIVE = "protection_order.status = 'active'"
_CANDIDATES = (
    f"CASE WHEN {_ACTIVE} THEN protection_order.hearing_deadline_at END",
    f"CASE WHEN {_ACTIVE} THEN protection_order.expires_at END",
    "(SELECT min(h.scheduled_at) FROM hearing h WHERE h.order_id = protection_order.id AND h.outcome IS NULL)",
    f"CASE WHEN {_ACTIVE} THEN (SELECT min(c.due_at) FROM breach_check c"
    " WHERE c.order_id = protection_order.id AND c.done_at IS NULL) END",
    f"CASE WHEN {_ACTIVE} THEN (SELECT min(n.due_at) FROM notification n"
    " WHERE n.order_id = protection_order.id AND n.received_at IS NULL) END",
    "(SELECT min(b.court_deadline_at) FROM breach b"
    " WHERE b.order_id = protection_order.id AND b.court_deadline_at >= {now})",
)
# SQLite's scalar min() is NULL if any argument is; instants are stored as text sorting by time, so
# NULLs become a date later than any deadline and back.
_NEVER = "'9999-12-31 00:00:00.000000'"


def _earliest(dialect: str, now: str) -> str:
    candidates = [c.replace("{now}", now) for c in _CANDIDATES]
    if dialect == "postgresql":
        return f"LEAST({', '.join(candidates)})"  # LEAST skips NULLs
    return f"NULLIF(MIN({', '.join(f'COALESCE({c}, {_NEVER})' for c in candidates)}), {_NEVER})"


def backfill(connection: Connection, now: datetime | None = None) -> int:
    """Set every record's next deadline; `now` (default: the database's clock) decides which breach
    court deadlines have passed. Returns the number of rows that can have one."""
    bind = ":now" if now is not None else "CURRENT_TIMESTAMP"
    if now is not None and connection.dialect.name == "sqlite":
        now = now.astimezone(UTC).replace(tzinfo=None)  # SQLite holds naive UTC (models.types.UTCDateTime)
    statement = sa.text(
        f"UPDATE protection_order SET next_deadline_at = {_earliest(connection.dialect.name, bind)}"
        f" WHERE {_ACTIVE}"
        " OR id IN (SELECT order_id FROM hearing WHERE outcome IS NULL)"
        f" OR id IN (SELECT order_id FROM breach WHERE court_deadline_at >= {bind})"
    )
    if now is not None:
        statement = statement.bindparams(sa.bindparam("now", now, type_=sa.DateTime(timezone=True)))
    return connection.execute(statement).rowcount


def upgrade() -> None:
    op.add_column("protection_order", sa.Column("next_deadline_at", sa.DateTime(timezone=True), nullable=True))
    backfill(op.get_bind())  # before the indexes, so they are built once rather than updated row by row
    for name, columns in NEW_INDEXES:
        op.create_index(name, "protection_order", columns)
    for name, _columns in REPLACED_INDEXES:
        op.drop_index(name, table_name="protection_order")


def downgrade() -> None:
    for name, columns in REPLACED_INDEXES:
        op.create_index(name, "protection_order", columns)
    for name, _columns in NEW_INDEXES:
        op.drop_index(name, table_name="protection_order")
    with op.batch_alter_table("protection_order") as batch_op:
        batch_op.drop_column("next_deadline_at")
