"""reminder.moot_by_id, moot_at: who made a posted reminder moot, and when

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02

A posted reminder that goes moot (the hearing was booked, the record closed) is rewritten in place
to say who acted and when ("Hearing booked for Fri 04 Dec 10:00 by @jordan on Wed 02 Dec 15:10 ✓").
Both are written in the transaction that made it moot, beside update_reason, so the sweep's later
chat.update says them however long it is delayed. No one (NULL) when the system made it moot (the
passed-deadlines job, the rollover).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0016'
down_revision: str | None = '0015'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("reminder") as batch:
        batch.add_column(sa.Column("moot_by_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("moot_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_foreign_key("fk_reminder_moot_by_id_app_user", "app_user", ["moot_by_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("reminder") as batch:
        batch.drop_constraint("fk_reminder_moot_by_id_app_user", type_="foreignkey")
        batch.drop_column("moot_at")
        batch.drop_column("moot_by_id")
