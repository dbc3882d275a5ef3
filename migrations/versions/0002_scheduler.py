"""scheduler: digest runs and reminder escalation

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28

`digest_run` holds one row per team per local day: its unique key is what makes exactly one
digest go out across every bot process. `reminder.escalate_at` is when an unacknowledged
critical reminder is re-sent and escalated to the team's supervisors.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('digest_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('local_date', sa.Date(), nullable=False),
    sa.Column('state', sa.Enum('claimed', 'sent', 'skipped', name='digeststate', native_enum=False, length=32), nullable=False),
    sa.Column('claimed_by', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
    sa.Column('claimed_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('delivered', sa.JSON(), nullable=False),
    sa.Column('late', sa.Boolean(), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['team_id'], ['team.id'], name=op.f('fk_digest_run_team_id_team')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_digest_run')),
    sa.UniqueConstraint('team_id', 'local_date', name='uq_digest_run_team_day')
    )
    with op.batch_alter_table('reminder', schema=None) as batch_op:
        batch_op.add_column(sa.Column('escalate_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index('ix_reminder_escalate_at', ['escalate_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('reminder', schema=None) as batch_op:
        batch_op.drop_index('ix_reminder_escalate_at')
        batch_op.drop_column('escalate_at')
    op.drop_table('digest_run')
