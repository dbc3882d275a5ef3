"""app_user.slack_dm_channel: the bot's DM channel with each user, kept

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02

The reminder sweep posts most reminders by DM. conversations.open answers the same channel id for
a user every time, but is limited to 50+ calls a minute (Tier 3): asking for hundreds of officers
after every restart, or in every process, would hold the 08:00 wave back by minutes. Kept on the
user's row; nullable, filled the first time a DM is opened.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0013'
down_revision: str | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("app_user") as batch:
        batch.add_column(sa.Column("slack_dm_channel", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("app_user") as batch:
        batch.drop_column("slack_dm_channel")
