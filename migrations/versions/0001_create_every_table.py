"""create every table

Revision ID: 0001
Revises:
Create Date: 2026-11-21

Every table of the first release, and the triggers that keep the audit trail append-only
(Data Protection Act 2018 s62: logs must be kept, so no one may edit or delete them).
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('perpetrator',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('full_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('name_key', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('date_of_birth', sa.Date(), nullable=True),
    sa.Column('address', sa.Text(), nullable=True),
    sa.Column('pnc_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_perpetrator'))
    )
    with op.batch_alter_table('perpetrator', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_perpetrator_name_key'), ['name_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_perpetrator_pnc_id'), ['pnc_id'], unique=False)

    op.create_table('protected_person',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('full_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('name_key', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('date_of_birth', sa.Date(), nullable=True),
    sa.Column('address', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_protected_person'))
    )
    with op.batch_alter_table('protected_person', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_protected_person_name_key'), ['name_key'], unique=False)

    op.create_table('reference_counter',
    sa.Column('force_code', sqlmodel.sql.sqltypes.AutoString(length=4), nullable=False),
    sa.Column('order_type', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('last_number', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('force_code', 'order_type', 'year', name=op.f('pk_reference_counter'))
    )
    op.create_table('team',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('digest_channel', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('digest_time', sa.Time(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_team')),
    sa.UniqueConstraint('name', name=op.f('uq_team_name'))
    )
    op.create_table('app_user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slack_user_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('display_name', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('role', sa.Enum('officer', 'supervisor', 'champion', 'admin', name='role', native_enum=False, length=32), nullable=False),
    sa.Column('rank', sa.Enum('constable', 'sergeant', 'inspector', 'chief_inspector', 'superintendent', 'chief_superintendent', 'assistant_chief_constable', 'commander', 'deputy_chief_constable', 'deputy_assistant_commissioner', 'chief_constable', 'assistant_commissioner', 'deputy_commissioner', 'commissioner', name='rank', native_enum=False, length=32), nullable=True),
    sa.Column('team_id', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['team_id'], ['team.id'], name=op.f('fk_app_user_team_id_team')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_app_user')),
    sa.UniqueConstraint('slack_user_id', name=op.f('uq_app_user_slack_user_id'))
    )
    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_app_user_team_id'), ['team_id'], unique=False)

    op.create_table('audit_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_user_id', sa.Integer(), nullable=True),
    sa.Column('actor', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('action', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('entity_type', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=True),
    sa.Column('order_id', sa.Integer(), nullable=True),
    sa.Column('before', sa.JSON(), nullable=True),
    sa.Column('after', sa.JSON(), nullable=True),
    sa.Column('justification', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.ForeignKeyConstraint(['actor_user_id'], ['app_user.id'], name=op.f('fk_audit_event_actor_user_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_event'))
    )
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.create_index('ix_audit_entity', ['entity_type', 'entity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_event_actor_user_id'), ['actor_user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_event_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_event_order_id'), ['order_id'], unique=False)

    op.create_table('extra_excluded_day',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('proclamation', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('added_by_id', sa.Integer(), nullable=False),
    sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['added_by_id'], ['app_user.id'], name=op.f('fk_extra_excluded_day_added_by_id_app_user')),
    sa.PrimaryKeyConstraint('day', name=op.f('pk_extra_excluded_day'))
    )
    op.create_table('protection_order',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reference', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('order_type', sa.Enum('DVPN', 'DVPO', 'DAPN', 'DAPO', 'NMO', 'OO', 'RO', 'SPO', 'ISPO', 'FMPO', 'FGMPO', 'BAIL', name='ordertype', native_enum=False, length=32), nullable=False),
    sa.Column('status', sa.Enum('active', 'superseded', 'refused', 'lapsed', 'withdrawn', 'expired', 'discharged', 'closed', name='orderstatus', native_enum=False, length=32), nullable=False),
    sa.Column('perpetrator_id', sa.Integer(), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('officer_id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('served_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('made_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('authoriser_name', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True),
    sa.Column('authoriser_rank', sa.Enum('constable', 'sergeant', 'inspector', 'chief_inspector', 'superintendent', 'chief_superintendent', 'assistant_chief_constable', 'commander', 'deputy_chief_constable', 'deputy_assistant_commissioner', 'chief_constable', 'assistant_commissioner', 'deputy_commissioner', 'commissioner', name='rank', native_enum=False, length=32), nullable=True),
    sa.Column('court', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('conditions', sa.Text(), nullable=True),
    sa.Column('hearing_deadline_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('until_further_order', sa.Boolean(), nullable=False),
    sa.Column('notification_due_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('risk_level', sa.Enum('standard', 'medium', 'high', name='risklevel', native_enum=False, length=32), nullable=True),
    sa.Column('risk_assessed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('children_present', sa.Boolean(), nullable=False),
    sa.Column('crime_reference', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('close_reason', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['app_user.id'], name=op.f('fk_protection_order_created_by_id_app_user')),
    sa.ForeignKeyConstraint(['officer_id'], ['app_user.id'], name=op.f('fk_protection_order_officer_id_app_user')),
    sa.ForeignKeyConstraint(['parent_id'], ['protection_order.id'], name=op.f('fk_protection_order_parent_id_protection_order')),
    sa.ForeignKeyConstraint(['perpetrator_id'], ['perpetrator.id'], name=op.f('fk_protection_order_perpetrator_id_perpetrator')),
    sa.ForeignKeyConstraint(['team_id'], ['team.id'], name=op.f('fk_protection_order_team_id_team')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_protection_order')),
    sa.UniqueConstraint('reference', name=op.f('uq_protection_order_reference'))
    )
    with op.batch_alter_table('protection_order', schema=None) as batch_op:
        batch_op.create_index('ix_order_officer_status', ['officer_id', 'status'], unique=False)
        batch_op.create_index('ix_order_status_expires', ['status', 'expires_at'], unique=False)
        batch_op.create_index('ix_order_status_hearing_deadline', ['status', 'hearing_deadline_at'], unique=False)
        batch_op.create_index('ix_order_team_status', ['team_id', 'status'], unique=False)
        batch_op.create_index('ix_order_type_status', ['order_type', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_protection_order_crime_reference'), ['crime_reference'], unique=False)
        batch_op.create_index(batch_op.f('ix_protection_order_parent_id'), ['parent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_protection_order_perpetrator_id'), ['perpetrator_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_protection_order_served_at'), ['served_at'], unique=False)

    op.create_table('team_supervisor',
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['team_id'], ['team.id'], name=op.f('fk_team_supervisor_team_id_team')),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_team_supervisor_user_id_app_user')),
    sa.PrimaryKeyConstraint('team_id', 'user_id', name=op.f('pk_team_supervisor'))
    )
    with op.batch_alter_table('team_supervisor', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_team_supervisor_user_id'), ['user_id'], unique=False)

    op.create_table('breach',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('arrested_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('court_deadline_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('crime_reference', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('crime_reference_added_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('details', sa.Text(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['protection_order.id'], name=op.f('fk_breach_order_id_protection_order')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['app_user.id'], name=op.f('fk_breach_recorded_by_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_breach'))
    )
    with op.batch_alter_table('breach', schema=None) as batch_op:
        batch_op.create_index('ix_breach_crime_reference_recorded', ['crime_reference', 'recorded_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_breach_order_id'), ['order_id'], unique=False)

    op.create_table('breach_check',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('assigned_to_id', sa.Integer(), nullable=False),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('done_by_id', sa.Integer(), nullable=True),
    sa.Column('outcome', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['assigned_to_id'], ['app_user.id'], name=op.f('fk_breach_check_assigned_to_id_app_user')),
    sa.ForeignKeyConstraint(['done_by_id'], ['app_user.id'], name=op.f('fk_breach_check_done_by_id_app_user')),
    sa.ForeignKeyConstraint(['order_id'], ['protection_order.id'], name=op.f('fk_breach_check_order_id_protection_order')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_breach_check'))
    )
    with op.batch_alter_table('breach_check', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_breach_check_order_id'), ['order_id'], unique=False)
        batch_op.create_index('ix_check_assignee_done_due', ['assigned_to_id', 'done_at', 'due_at'], unique=False)
        batch_op.create_index('ix_check_done_due', ['done_at', 'due_at'], unique=False)

    op.create_table('hearing',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('scheduled_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('court', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('after_statutory_deadline', sa.Boolean(), nullable=False),
    sa.Column('outcome', sa.Enum('granted', 'refused', 'adjourned', 'withdrawn', name='hearingoutcome', native_enum=False, length=32), nullable=True),
    sa.Column('outcome_recorded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('adjourned_to_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['adjourned_to_id'], ['hearing.id'], name=op.f('fk_hearing_adjourned_to_id_hearing')),
    sa.ForeignKeyConstraint(['created_by_id'], ['app_user.id'], name=op.f('fk_hearing_created_by_id_app_user')),
    sa.ForeignKeyConstraint(['order_id'], ['protection_order.id'], name=op.f('fk_hearing_order_id_protection_order')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hearing'))
    )
    with op.batch_alter_table('hearing', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_hearing_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_hearing_scheduled_at'), ['scheduled_at'], unique=False)

    op.create_table('notification',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('initial', 'change', name='notificationkind', native_enum=False, length=32), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['protection_order.id'], name=op.f('fk_notification_order_id_protection_order')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['app_user.id'], name=op.f('fk_notification_recorded_by_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification'))
    )
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notification_due_at'), ['due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_notification_order_id'), ['order_id'], unique=False)

    op.create_table('order_protected_person',
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['protection_order.id'], name=op.f('fk_order_protected_person_order_id_protection_order')),
    sa.ForeignKeyConstraint(['person_id'], ['protected_person.id'], name=op.f('fk_order_protected_person_person_id_protected_person')),
    sa.PrimaryKeyConstraint('order_id', 'person_id', name=op.f('pk_order_protected_person'))
    )
    with op.batch_alter_table('order_protected_person', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_order_protected_person_person_id'), ['person_id'], unique=False)

    op.create_table('reminder',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=48), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recipient_id', sa.Integer(), nullable=True),
    sa.Column('recipient_channel', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('critical', sa.Boolean(), nullable=False),
    sa.Column('state', sa.Enum('pending', 'claimed', 'sent', 'acknowledged', 'failed', 'cancelled', name='reminderstate', native_enum=False, length=32), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('claimed_by', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
    sa.Column('claimed_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('slack_channel', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('slack_ts', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('acknowledged_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('acknowledged_by_id', sa.Integer(), nullable=True),
    sa.Column('snoozed_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['acknowledged_by_id'], ['app_user.id'], name=op.f('fk_reminder_acknowledged_by_id_app_user')),
    sa.ForeignKeyConstraint(['order_id'], ['protection_order.id'], name=op.f('fk_reminder_order_id_protection_order')),
    sa.ForeignKeyConstraint(['recipient_id'], ['app_user.id'], name=op.f('fk_reminder_recipient_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reminder')),
    sa.UniqueConstraint('order_id', 'kind', 'due_at', name='uq_reminder_order_kind_due')
    )
    with op.batch_alter_table('reminder', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reminder_order_id'), ['order_id'], unique=False)
        batch_op.create_index('ix_reminder_recipient_state', ['recipient_id', 'state'], unique=False)
        batch_op.create_index('ix_reminder_state_due', ['state', 'due_at'], unique=False)


    _protect_audit_trail()

def downgrade() -> None:
    _unprotect_audit_trail()
    with op.batch_alter_table('reminder', schema=None) as batch_op:
        batch_op.drop_index('ix_reminder_state_due')
        batch_op.drop_index('ix_reminder_recipient_state')
        batch_op.drop_index(batch_op.f('ix_reminder_order_id'))

    op.drop_table('reminder')
    with op.batch_alter_table('order_protected_person', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_order_protected_person_person_id'))

    op.drop_table('order_protected_person')
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notification_order_id'))
        batch_op.drop_index(batch_op.f('ix_notification_due_at'))

    op.drop_table('notification')
    with op.batch_alter_table('hearing', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_hearing_scheduled_at'))
        batch_op.drop_index(batch_op.f('ix_hearing_order_id'))

    op.drop_table('hearing')
    with op.batch_alter_table('breach_check', schema=None) as batch_op:
        batch_op.drop_index('ix_check_done_due')
        batch_op.drop_index('ix_check_assignee_done_due')
        batch_op.drop_index(batch_op.f('ix_breach_check_order_id'))

    op.drop_table('breach_check')
    with op.batch_alter_table('breach', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_breach_order_id'))
        batch_op.drop_index('ix_breach_crime_reference_recorded')

    op.drop_table('breach')
    with op.batch_alter_table('team_supervisor', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_team_supervisor_user_id'))

    op.drop_table('team_supervisor')
    with op.batch_alter_table('protection_order', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_protection_order_served_at'))
        batch_op.drop_index(batch_op.f('ix_protection_order_perpetrator_id'))
        batch_op.drop_index(batch_op.f('ix_protection_order_parent_id'))
        batch_op.drop_index(batch_op.f('ix_protection_order_crime_reference'))
        batch_op.drop_index('ix_order_type_status')
        batch_op.drop_index('ix_order_team_status')
        batch_op.drop_index('ix_order_status_hearing_deadline')
        batch_op.drop_index('ix_order_status_expires')
        batch_op.drop_index('ix_order_officer_status')

    op.drop_table('protection_order')
    op.drop_table('extra_excluded_day')
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_event_order_id'))
        batch_op.drop_index(batch_op.f('ix_audit_event_at'))
        batch_op.drop_index(batch_op.f('ix_audit_event_actor_user_id'))
        batch_op.drop_index('ix_audit_entity')

    op.drop_table('audit_event')
    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_app_user_team_id'))

    op.drop_table('app_user')
    op.drop_table('team')
    op.drop_table('reference_counter')
    with op.batch_alter_table('protected_person', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_protected_person_name_key'))

    op.drop_table('protected_person')
    with op.batch_alter_table('perpetrator', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_perpetrator_pnc_id'))
        batch_op.drop_index(batch_op.f('ix_perpetrator_name_key'))

    op.drop_table('perpetrator')


AUDIT_IS_APPEND_ONLY = "audit_event is append-only"


def _protect_audit_trail() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"""
            CREATE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION '{AUDIT_IS_APPEND_ONLY}'; END $$
            """
        )
        op.execute(
            "CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event "
            "FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()"
        )
        return
    for event in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER audit_event_no_{event.lower()} BEFORE {event} ON audit_event "
            f"BEGIN SELECT RAISE(ABORT, '{AUDIT_IS_APPEND_ONLY}'); END"
        )


def _unprotect_audit_trail() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_event_append_only ON audit_event")
        op.execute("DROP FUNCTION IF EXISTS audit_event_append_only()")
        return
    for event in ("update", "delete"):
        op.execute(f"DROP TRIGGER IF EXISTS audit_event_no_{event}")
