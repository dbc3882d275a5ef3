"""Clare's Law (Domestic Violence Disclosure Scheme) requests. The people stay in the people tables:
the person at risk is a protected person, the subject a perpetrator row made as an order's is (so
perpetrator history and scoring join them the same way); a third-party applicant has a row of its own."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.types import IDS_NEVER_REUSED, enum_column, utc_column
from rules.disclosure import Decision, Route
from rules.plans import ActionKind

# The rows the stats' snapshots count, each with a partial index of its own (migration 0035).
OPEN_REQUEST = "disclosed_at IS NULL AND closed_at IS NULL"
OPEN_PLAN = "closed_at IS NULL"
UNDONE_ACTION = "done_at IS NULL"


class DisclosureApplicant(SQLModel, table=True):
    """Who asked under Right to Ask, when not the person at risk (a parent, a friend, a neighbour)."""

    __tablename__ = "disclosure_applicant"
    __table_args__ = (IDS_NEVER_REUSED,)

    id: int | None = Field(default=None, primary_key=True)
    full_name: str = Field(max_length=200)
    name_key: str = Field(max_length=200)
    created_at: datetime = Field(sa_column=utc_column(nullable=False))
    updated_at: datetime = Field(sa_column=utc_column(nullable=False))


class DisclosureRequest(SQLModel, table=True):
    """One request through the scheme. Its stage is read from the times recorded (rules.disclosure)."""

    __tablename__ = "disclosure_request"
    __table_args__ = (
        # Lists: a team's or the force's open requests, nearest the target first.
        sa.Index("ix_disclosure_team_open_target", "team_id", "closed_at", "disclosed_at", "target_at"),
        sa.Index("ix_disclosure_received", "received_at"),  # stats count requests by when received
        # The stats' snapshot: the force's requests open past their target, from the open ones alone.
        sa.Index(
            "ix_disclosure_open_target",
            "target_at",
            "team_id",
            postgresql_where=sa.text(OPEN_REQUEST),
            sqlite_where=sa.text(OPEN_REQUEST),
        ),
        IDS_NEVER_REUSED,
    )

    id: int | None = Field(default=None, primary_key=True)
    reference: str = Field(max_length=32, sa_column_kwargs={"unique": True})
    route: Route = Field(sa_column=enum_column(Route))
    received_at: datetime = Field(sa_column=utc_column(nullable=False))
    target_at: datetime = Field(sa_column=utc_column(nullable=False))  # as computed at receipt, for sorting
    protected_person_id: int = Field(foreign_key="protected_person.id", index=True)  # the person at risk
    perpetrator_id: int = Field(foreign_key="perpetrator.id", index=True)  # the subject
    applicant_id: int | None = Field(default=None, foreign_key="disclosure_applicant.id")
    officer_id: int = Field(foreign_key="app_user.id", index=True)
    team_id: int = Field(foreign_key="team.id")
    checks_at: datetime | None = Field(default=None, sa_column=utc_column())
    forum_at: datetime | None = Field(default=None, sa_column=utc_column())
    decided_at: datetime | None = Field(default=None, sa_column=utc_column())
    decision: Decision | None = Field(default=None, sa_column=enum_column(Decision, nullable=True))
    decision_reason: str | None = Field(default=None, max_length=500)
    disclosed_at: datetime | None = Field(default=None, sa_column=utc_column(index=True))
    disclosed_to: str | None = Field(default=None, max_length=200)
    closed_at: datetime | None = Field(default=None, sa_column=utc_column(index=True))
    close_reason: str | None = Field(default=None, max_length=500)
    created_by_id: int = Field(foreign_key="app_user.id")
    created_at: datetime = Field(sa_column=utc_column(nullable=False))
    updated_at: datetime = Field(sa_column=utc_column(nullable=False))


class ManagementPlan(SQLModel, table=True):
    """A perpetrator management plan, adopted for the person on a record (the perpetrator row of the
    record it was adopted from; other rows of the same person find it as perpetrator history joins them)."""

    __tablename__ = "management_plan"
    __table_args__ = (
        # The stats' snapshot: the plans open now, and which are past their review (migration 0035).
        sa.Index(
            "ix_plan_open",
            "team_id",
            "adopted_at",
            "review_at",
            "id",
            postgresql_where=sa.text(OPEN_PLAN),
            sqlite_where=sa.text(OPEN_PLAN),
        ),
        IDS_NEVER_REUSED,
    )

    id: int | None = Field(default=None, primary_key=True)
    perpetrator_id: int = Field(foreign_key="perpetrator.id", index=True)
    team_id: int = Field(foreign_key="team.id")  # the team of the record it was adopted from
    adopted_at: datetime = Field(sa_column=utc_column(nullable=False))
    review_at: datetime | None = Field(default=None, sa_column=utc_column())
    closed_at: datetime | None = Field(default=None, sa_column=utc_column())
    close_reason: str | None = Field(default=None, max_length=500)
    created_by_id: int = Field(foreign_key="app_user.id")
    created_at: datetime = Field(sa_column=utc_column(nullable=False))
    updated_at: datetime = Field(sa_column=utc_column(nullable=False))


class PlanAction(SQLModel, table=True):
    """One action of a plan: disrupt, divert, enforce or support, its owner and due date."""

    __tablename__ = "plan_action"
    __table_args__ = (
        # The stats' snapshot: the overdue actions, among the undone ones alone (migration 0035).
        sa.Index(
            "ix_plan_action_undone",
            "plan_id",
            "due_at",
            postgresql_where=sa.text(UNDONE_ACTION),
            sqlite_where=sa.text(UNDONE_ACTION),
        ),
        IDS_NEVER_REUSED,
    )

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="management_plan.id", index=True)
    number: int  # 1, 2, ... within the plan: what `done N` names
    kind: ActionKind = Field(sa_column=enum_column(ActionKind))
    what: str = Field(max_length=500)
    owner_id: int = Field(foreign_key="app_user.id")
    due_at: datetime = Field(sa_column=utc_column(nullable=False))
    done_at: datetime | None = Field(default=None, sa_column=utc_column())
    created_at: datetime = Field(sa_column=utc_column(nullable=False))
