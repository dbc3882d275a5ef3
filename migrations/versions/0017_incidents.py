"""Incidents, their children's schools (Operation Encompass), MARAC referrals and actions, school
holidays added by an admin; a reminder may be about an incident; a notice may name its incident

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02

A domestic-abuse incident is the parent that notices and referrals hang from: its victim and suspect
are the person records the orders use. Its clocks (attendance, DASH, crime recorded, protective
notice considered, MARAC referral, each child's school told) are planned as reminders, so
reminder.order_id becomes optional beside a new reminder.incident_id, exactly one of them set, each
unique with (kind, due_at) as order reminders were.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

RISK = sa.Enum("standard", "medium", "high", name="risklevel", native_enum=False, length=32)

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _when(name: str, nullable: bool = True) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "incident",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=32), nullable=False),
        _when("reported_at", False),
        sa.Column("victim_id", sa.Integer(), nullable=False),
        sa.Column("suspect_id", sa.Integer(), nullable=False),
        sa.Column("officer_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("dash_yes", sa.Integer(), nullable=True),
        sa.Column("dash_judgement", RISK, nullable=True),
        sa.Column("risk_level", RISK, nullable=True),
        _when("dash_at"),
        _when("attended_at"),
        sa.Column("crime_disclosed", sa.Boolean(), nullable=False),
        sa.Column("crime_reference", sa.String(length=40), nullable=True),
        _when("crime_recorded_at"),
        sa.Column("notice_considered", sa.Boolean(), nullable=True),
        sa.Column("notice_considered_reason", sa.Text(), nullable=True),
        _when("notice_considered_at"),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        _when("created_at", False),
        _when("updated_at", False),
        _when("next_deadline_at"),
        sa.ForeignKeyConstraint(["victim_id"], ["protected_person.id"], name="fk_incident_victim_id_protected_person"),
        sa.ForeignKeyConstraint(["suspect_id"], ["perpetrator.id"], name="fk_incident_suspect_id_perpetrator"),
        sa.ForeignKeyConstraint(["officer_id"], ["app_user.id"], name="fk_incident_officer_id_app_user"),
        sa.ForeignKeyConstraint(["team_id"], ["team.id"], name="fk_incident_team_id_team"),
        sa.ForeignKeyConstraint(["created_by_id"], ["app_user.id"], name="fk_incident_created_by_id_app_user"),
        sa.PrimaryKeyConstraint("id", name="pk_incident"),
        sa.UniqueConstraint("reference", name="uq_incident_reference"),
    )
    op.create_index("ix_incident_suspect_id", "incident", ["suspect_id"])
    op.create_index("ix_incident_team_next", "incident", ["team_id", "next_deadline_at"])
    op.create_index("ix_incident_officer_next", "incident", ["officer_id", "next_deadline_at"])
    op.create_index("ix_incident_risk_reported", "incident", ["risk_level", "reported_at"])
    op.create_index("ix_incident_victim_reported", "incident", ["victim_id", "reported_at"])
    op.create_table(
        "incident_child",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("full_name", sa.String(length=200), nullable=False),
        sa.Column("present", sa.Boolean(), nullable=False),
        sa.Column("school", sa.String(length=200), nullable=False),
        sa.Column("school_area", sa.String(length=60), nullable=False),
        _when("due_at", False),
        _when("told_at"),
        sa.Column("told_by_id", sa.Integer(), nullable=True),
        _when("created_at", False),
        sa.ForeignKeyConstraint(["incident_id"], ["incident.id"], name="fk_incident_child_incident_id_incident"),
        sa.ForeignKeyConstraint(["told_by_id"], ["app_user.id"], name="fk_incident_child_told_by_id_app_user"),
        sa.PrimaryKeyConstraint("id", name="pk_incident_child"),
        sa.UniqueConstraint("incident_id", "number", name="uq_incident_child_incident_number"),
    )
    op.create_index("ix_incident_child_incident_id", "incident_child", ["incident_id"])
    op.create_table(
        "marac_referral",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        _when("referred_at", False),
        sa.Column("referred_by_id", sa.Integer(), nullable=False),
        _when("meeting_at"),
        _when("created_at", False),
        sa.ForeignKeyConstraint(["incident_id"], ["incident.id"], name="fk_marac_referral_incident_id_incident"),
        sa.ForeignKeyConstraint(["referred_by_id"], ["app_user.id"], name="fk_marac_referral_referred_by_id_app_user"),
        sa.PrimaryKeyConstraint("id", name="pk_marac_referral"),
        sa.UniqueConstraint("incident_id", name="uq_marac_referral_incident_id"),
    )
    op.create_table(
        "marac_action",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        _when("due_at", False),
        _when("done_at"),
        sa.Column("done_by_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        _when("created_at", False),
        sa.ForeignKeyConstraint(
            ["referral_id"], ["marac_referral.id"], name="fk_marac_action_referral_id_marac_referral"
        ),
        sa.ForeignKeyConstraint(["owner_id"], ["app_user.id"], name="fk_marac_action_owner_id_app_user"),
        sa.ForeignKeyConstraint(["done_by_id"], ["app_user.id"], name="fk_marac_action_done_by_id_app_user"),
        sa.ForeignKeyConstraint(["created_by_id"], ["app_user.id"], name="fk_marac_action_created_by_id_app_user"),
        sa.PrimaryKeyConstraint("id", name="pk_marac_action"),
        sa.UniqueConstraint("referral_id", "number", name="uq_marac_action_referral_number"),
    )
    op.create_index("ix_marac_action_referral_id", "marac_action", ["referral_id"])
    op.create_index("ix_marac_action_owner_id", "marac_action", ["owner_id"])
    op.create_table(
        "school_holiday",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("area", sa.String(length=60), nullable=False),
        sa.Column("first", sa.Date(), nullable=False),
        sa.Column("last", sa.Date(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("added_by_id", sa.Integer(), nullable=False),
        _when("added_at", False),
        sa.ForeignKeyConstraint(["added_by_id"], ["app_user.id"], name="fk_school_holiday_added_by_id_app_user"),
        sa.PrimaryKeyConstraint("id", name="pk_school_holiday"),
    )
    with op.batch_alter_table("reminder") as batch:
        batch.alter_column("order_id", existing_type=sa.Integer(), nullable=True)
        batch.add_column(sa.Column("incident_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_reminder_incident_id_incident", "incident", ["incident_id"], ["id"])
        batch.create_index("ix_reminder_incident_id", ["incident_id"], unique=False)
        batch.create_unique_constraint("uq_reminder_incident_kind_due", ["incident_id", "kind", "due_at"])
        batch.create_check_constraint("ck_reminder_about_one_record", "(order_id IS NULL) <> (incident_id IS NULL)")
    with op.batch_alter_table("protection_order") as batch:
        batch.add_column(sa.Column("incident_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_protection_order_incident_id_incident", "incident", ["incident_id"], ["id"])
        batch.create_index("ix_protection_order_incident_id", ["incident_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("protection_order") as batch:
        batch.drop_index("ix_protection_order_incident_id")
        batch.drop_constraint("fk_protection_order_incident_id_incident", type_="foreignkey")
        batch.drop_column("incident_id")
    op.execute("DELETE FROM reminder WHERE order_id IS NULL")
    with op.batch_alter_table("reminder") as batch:
        batch.drop_constraint("ck_reminder_about_one_record", type_="check")
        batch.drop_constraint("uq_reminder_incident_kind_due", type_="unique")
        batch.drop_index("ix_reminder_incident_id")
        batch.drop_constraint("fk_reminder_incident_id_incident", type_="foreignkey")
        batch.drop_column("incident_id")
        batch.alter_column("order_id", existing_type=sa.Integer(), nullable=False)
    op.drop_table("school_holiday")
    op.drop_index("ix_marac_action_owner_id", table_name="marac_action")
    op.drop_index("ix_marac_action_referral_id", table_name="marac_action")
    op.drop_table("marac_action")
    op.drop_table("marac_referral")
    op.drop_index("ix_incident_child_incident_id", table_name="incident_child")
    op.drop_table("incident_child")
    for name in ("ix_incident_victim_reported", "ix_incident_risk_reported", "ix_incident_officer_next"):
        op.drop_index(name, table_name="incident")
    op.drop_index("ix_incident_team_next", table_name="incident")
    op.drop_index("ix_incident_suspect_id", table_name="incident")
    op.drop_table("incident")
