"""slack deliveries: the ledger that makes a retried Slack delivery change nothing twice

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30

`slack_delivery` holds one row per request Slack sent (keyed by its event id, trigger id or body
hash). Its primary key is the claim every bot process races for; rows older than a day are pruned.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('slack_delivery',
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=160), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_slack_delivery'))
    )
    with op.batch_alter_table('slack_delivery', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_slack_delivery_received_at'), ['received_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('slack_delivery', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_slack_delivery_received_at'))
    op.drop_table('slack_delivery')
