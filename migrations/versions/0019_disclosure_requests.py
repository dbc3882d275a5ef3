"""Clare's Law (Domestic Violence Disclosure Scheme) requests and their third-party applicants;
perpetrator management plans and their actions

Revision ID: 0019
Revises: 0015
Create Date: 2026-12-02

A request names the person at risk (a protected_person row) and the subject (a perpetrator row,
made as an order's is, so perpetrator history and scoring join them by PNC id or name and date of
birth). Its stage is read from its times; target_at is the completion target computed at receipt,
kept so lists sort and filter on it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, length=32, create_constraint=False)


def _text(length: int) -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def upgrade() -> None:
    op.create_table(
        "disclosure_applicant",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("full_name", _text(200), nullable=False),
        sa.Column("name_key", _text(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disclosure_applicant")),
    )
    op.create_table(
        "disclosure_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", _text(32), nullable=False),
        sa.Column("route", _enum("route", "ask", "know"), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("target_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("protected_person_id", sa.Integer(), nullable=False),
        sa.Column("perpetrator_id", sa.Integer(), nullable=False),
        sa.Column("applicant_id", sa.Integer(), nullable=True),
        sa.Column("officer_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("checks_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("forum_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision", _enum("decision", "disclose", "decline"), nullable=True),
        sa.Column("decision_reason", _text(500), nullable=True),
        sa.Column("disclosed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("disclosed_to", _text(200), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("close_reason", _text(500), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["applicant_id"],
            ["disclosure_applicant.id"],
            name=op.f("fk_disclosure_request_applicant_id_disclosure_applicant"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["app_user.id"], name=op.f("fk_disclosure_request_created_by_id_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["officer_id"], ["app_user.id"], name=op.f("fk_disclosure_request_officer_id_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["perpetrator_id"], ["perpetrator.id"], name=op.f("fk_disclosure_request_perpetrator_id_perpetrator")
        ),
        sa.ForeignKeyConstraint(
            ["protected_person_id"],
            ["protected_person.id"],
            name=op.f("fk_disclosure_request_protected_person_id_protected_person"),
        ),
        sa.ForeignKeyConstraint(["team_id"], ["team.id"], name=op.f("fk_disclosure_request_team_id_team")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disclosure_request")),
        sa.UniqueConstraint("reference", name=op.f("uq_disclosure_request_reference")),
    )
    with op.batch_alter_table("disclosure_request") as batch:
        batch.create_index("ix_disclosure_team_open_target", ["team_id", "closed_at", "disclosed_at", "target_at"])
        batch.create_index("ix_disclosure_received", ["received_at"])
        batch.create_index(batch.f("ix_disclosure_request_protected_person_id"), ["protected_person_id"])
        batch.create_index(batch.f("ix_disclosure_request_perpetrator_id"), ["perpetrator_id"])
        batch.create_index(batch.f("ix_disclosure_request_officer_id"), ["officer_id"])
        batch.create_index(batch.f("ix_disclosure_request_disclosed_at"), ["disclosed_at"])
        batch.create_index(batch.f("ix_disclosure_request_closed_at"), ["closed_at"])


    _plans()


def _plans() -> None:
    """Perpetrator management plans and their actions."""
    op.create_table(
        "management_plan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("perpetrator_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("adopted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("review_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("close_reason", _text(500), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["created_by_id"], ["app_user.id"], name=op.f("fk_management_plan_created_by_id_app_user")),
        sa.ForeignKeyConstraint(
            ["perpetrator_id"], ["perpetrator.id"], name=op.f("fk_management_plan_perpetrator_id_perpetrator")
        ),
        sa.ForeignKeyConstraint(["team_id"], ["team.id"], name=op.f("fk_management_plan_team_id_team")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_management_plan")),
    )
    with op.batch_alter_table("management_plan") as batch:
        batch.create_index(batch.f("ix_management_plan_perpetrator_id"), ["perpetrator_id"])
    op.create_table(
        "plan_action",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("kind", _enum("actionkind", "disrupt", "divert", "enforce", "support"), nullable=False),
        sa.Column("what", _text(500), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["owner_id"], ["app_user.id"], name=op.f("fk_plan_action_owner_id_app_user")),
        sa.ForeignKeyConstraint(["plan_id"], ["management_plan.id"], name=op.f("fk_plan_action_plan_id_management_plan")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_action")),
    )
    with op.batch_alter_table("plan_action") as batch:
        batch.create_index(batch.f("ix_plan_action_plan_id"), ["plan_id"])


def downgrade() -> None:
    op.drop_table("plan_action")
    op.drop_table("management_plan")
    op.drop_table("disclosure_request")
    op.drop_table("disclosure_applicant")
