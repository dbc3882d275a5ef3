"""identity mismatch: a PNC id typed with details that differ from the person already holding it

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04

A perpetrator recorded with a PNC id already on record used to be matched to the existing person,
the name, date of birth and address typed were dropped, and the confirmation showed the other
record's person. Now what was typed is kept in its own row and, when it differs, an
`identity_mismatch` row flags it for a supervisor or admin to resolve. Existing data is unchanged.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('identity_mismatch',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('perpetrator_id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('resolved_by_id', sa.Integer(), nullable=True),
    sa.Column('same_person', sa.Boolean(), nullable=True),
    sa.ForeignKeyConstraint(['perpetrator_id'], ['perpetrator.id'],
                            name=op.f('fk_identity_mismatch_perpetrator_id_perpetrator')),
    sa.ForeignKeyConstraint(['order_id'], ['protection_order.id'],
                            name=op.f('fk_identity_mismatch_order_id_protection_order')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['app_user.id'],
                            name=op.f('fk_identity_mismatch_recorded_by_id_app_user')),
    sa.ForeignKeyConstraint(['resolved_by_id'], ['app_user.id'],
                            name=op.f('fk_identity_mismatch_resolved_by_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_identity_mismatch'))
    )
    with op.batch_alter_table('identity_mismatch', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_identity_mismatch_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_identity_mismatch_perpetrator_id'), ['perpetrator_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('identity_mismatch', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_identity_mismatch_perpetrator_id'))
        batch_op.drop_index(batch_op.f('ix_identity_mismatch_order_id'))
    op.drop_table('identity_mismatch')
