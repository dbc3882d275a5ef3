"""breach.before_court_at: when the arrested person was brought before the court

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02

Recording the court appearance after an arrest for breach ends that arrest's court countdown.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('breach', schema=None) as batch_op:
        batch_op.add_column(sa.Column('before_court_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('breach', schema=None) as batch_op:
        batch_op.drop_column('before_court_at')
