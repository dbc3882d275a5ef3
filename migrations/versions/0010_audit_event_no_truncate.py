"""audit_event refuses TRUNCATE

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06

The row triggers of 0001 refuse UPDATE and DELETE on audit_event, but TRUNCATE fires no row
trigger: the table's owner could still empty it in one statement. A statement trigger refuses it,
for the owner too. (The bot's own database role has no TRUNCATE privilege at all: models/roles.py.)
SQLite has no TRUNCATE; nothing changes there.
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The same function as the row triggers of 0001: it raises "audit_event is append-only".
TRIGGER = "audit_event_no_truncate"


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"CREATE TRIGGER {TRIGGER} BEFORE TRUNCATE ON audit_event "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP TRIGGER IF EXISTS {TRIGGER} ON audit_event")
