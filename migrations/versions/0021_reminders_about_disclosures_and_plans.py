"""A reminder may be about a Clare's Law request or a perpetrator management plan

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-02

A Clare's Law request's completion target and a plan's actions and review date are reminded and
escalated as every other deadline is, through the same reminder table, queue and sweep: the table
gains reminder.disclosure_id and reminder.plan_id beside order_id and incident_id, each unique with
(kind, due_at) as the others are, and its check becomes "exactly one subject". Only the reminder
table is rebuilt on SQLite (protection_order, whose caseload triggers a rebuild would drop, is not
touched).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TWO_SUBJECTS = "(order_id IS NULL) <> (incident_id IS NULL)"
FOUR_SUBJECTS = (
    " + ".join(
        f"(CASE WHEN {c} IS NULL THEN 0 ELSE 1 END)" for c in ("order_id", "incident_id", "disclosure_id", "plan_id")
    )
    + " = 1"
)


def upgrade() -> None:
    with op.batch_alter_table("reminder") as batch:
        batch.drop_constraint("ck_reminder_about_one_record", type_="check")
        batch.add_column(sa.Column("disclosure_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("plan_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_reminder_disclosure_id_disclosure_request", "disclosure_request", ["disclosure_id"], ["id"]
        )
        batch.create_foreign_key("fk_reminder_plan_id_management_plan", "management_plan", ["plan_id"], ["id"])
        batch.create_index("ix_reminder_disclosure_id", ["disclosure_id"], unique=False)
        batch.create_index("ix_reminder_plan_id", ["plan_id"], unique=False)
        batch.create_unique_constraint("uq_reminder_disclosure_kind_due", ["disclosure_id", "kind", "due_at"])
        batch.create_unique_constraint("uq_reminder_plan_kind_due", ["plan_id", "kind", "due_at"])
        batch.create_check_constraint("ck_reminder_about_one_record", FOUR_SUBJECTS)


def downgrade() -> None:
    op.execute("DELETE FROM reminder WHERE disclosure_id IS NOT NULL OR plan_id IS NOT NULL")
    with op.batch_alter_table("reminder") as batch:
        batch.drop_constraint("ck_reminder_about_one_record", type_="check")
        batch.drop_constraint("uq_reminder_plan_kind_due", type_="unique")
        batch.drop_constraint("uq_reminder_disclosure_kind_due", type_="unique")
        batch.drop_index("ix_reminder_plan_id")
        batch.drop_index("ix_reminder_disclosure_id")
        batch.drop_constraint("fk_reminder_plan_id_management_plan", type_="foreignkey")
        batch.drop_constraint("fk_reminder_disclosure_id_disclosure_request", type_="foreignkey")
        batch.drop_column("plan_id")
        batch.drop_column("disclosure_id")
        batch.create_check_constraint("ck_reminder_about_one_record", TWO_SUBJECTS)
