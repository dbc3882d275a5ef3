"""A domestic-abuse incident and what hangs from it: the children whose schools are told (Operation
Encompass), the MARAC referral and the actions its meeting agreed. The victim and the suspect are
the person records the orders use (models.people). Children's names and schools are personal data:
they live only here and are never shown in a channel."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from domain.enums import RiskLevel
from models.types import IDS_NEVER_REUSED, enum_column, utc_column

MARAC_OPEN = "marac_open"  # the predicate of ix_incident_marac_open, as written in the migration


class Incident(SQLModel, table=True):
    __tablename__ = "incident"
    __table_args__ = (
        sa.Index("ix_incident_team_next", "team_id", "next_deadline_at"),
        sa.Index("ix_incident_officer_next", "officer_id", "next_deadline_at"),
        sa.Index("ix_incident_risk_reported", "risk_level", "reported_at"),
        sa.Index("ix_incident_risk_id", "risk_level", "id"),  # counted against referrals (migration 0027)
        sa.Index("ix_incident_victim_reported", "victim_id", "reported_at"),
        sa.Index("ix_incident_team_reported", "team_id", "reported_at"),  # a team's, newest first
        sa.Index("ix_incident_reported", "reported_at"),  # the force's, newest first
        # Open clocks, few among a team's incidents: the digest's attendance and crime sections.
        sa.Index(
            "ix_incident_unattended",
            "team_id",
            "reported_at",
            postgresql_where=sa.text("attended_at IS NULL"),
            sqlite_where=sa.text("attended_at IS NULL"),
        ),
        sa.Index(  # with the id: the digest reads a team's ids from here alone (migration 0034)
            "ix_incident_crime_unrecorded",
            "team_id",
            "reported_at",
            "id",
            postgresql_where=sa.text("crime_disclosed AND crime_reference IS NULL"),
            sqlite_where=sa.text("crime_disclosed AND crime_reference IS NULL"),
        ),
        # The MARAC referrals due, few among the incidents: `marac due` and the digest read them from
        # here alone, with what the ruling on each needs (services/incidents/referrals_due.py).
        sa.Index(
            "ix_incident_marac_open",
            "team_id",
            "reported_at",
            "dash_at",
            "escalation_count",
            "dash_yes",
            "dash_judgement",
            "id",
            postgresql_where=sa.text(MARAC_OPEN),
            sqlite_where=sa.text(MARAC_OPEN),
        ),
        IDS_NEVER_REUSED,
    )

    id: int | None = Field(default=None, primary_key=True)
    reference: str = Field(max_length=32, sa_column_kwargs={"unique": True})
    reported_at: datetime = Field(sa_column=utc_column(nullable=False))
    victim_id: int = Field(foreign_key="protected_person.id")
    suspect_id: int = Field(foreign_key="perpetrator.id", index=True)
    officer_id: int = Field(foreign_key="app_user.id")  # officer in charge
    team_id: int = Field(foreign_key="team.id")
    # DASH: the count of yes answers, the officer's judgement where it raised the level, the level.
    dash_yes: int | None = None
    dash_judgement: RiskLevel | None = Field(default=None, sa_column=enum_column(RiskLevel, nullable=True))
    risk_level: RiskLevel | None = Field(default=None, sa_column=enum_column(RiskLevel, nullable=True))
    dash_at: datetime | None = Field(default=None, sa_column=utc_column())
    attended_at: datetime | None = Field(default=None, sa_column=utc_column())
    crime_disclosed: bool = False
    crime_reference: str | None = Field(default=None, max_length=40)
    crime_recorded_at: datetime | None = Field(default=None, sa_column=utc_column())
    # "DVPN/DAPN considered": yes, or no with why not (free text, never shown in a channel).
    notice_considered: bool | None = None
    notice_considered_reason: str | None = Field(default=None, sa_type=sa.Text)
    notice_considered_at: datetime | None = Field(default=None, sa_column=utc_column())
    created_by_id: int = Field(foreign_key="app_user.id")
    created_at: datetime = Field(sa_column=utc_column(nullable=False))
    updated_at: datetime = Field(sa_column=utc_column(nullable=False))
    next_deadline_at: datetime | None = Field(default=None, sa_column=utc_column())
    # Kept: the incidents against this victim (name key equal, dates of birth agreeing) reported in
    # the 12 months up to and including this one, itself counted, so `marac due` reads the
    # escalation ruling instead of counting (services/incidents/escalation_counts.py keeps it).
    escalation_count: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    # Kept by the planner with the referral clock: a MARAC referral is due and none is recorded.
    marac_open: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})


class IncidentChild(SQLModel, table=True):
    """A child present at or linked to an incident, and the telling of the child's school."""

    __tablename__ = "incident_child"
    __table_args__ = (
        sa.UniqueConstraint("incident_id", "number", name="uq_incident_child_incident_number"),
        # Schools still to be told: few among many children.
        sa.Index(
            "ix_incident_child_untold",
            "incident_id",
            postgresql_where=sa.text("told_at IS NULL"),
            sqlite_where=sa.text("told_at IS NULL"),
        ),
        IDS_NEVER_REUSED,
    )

    id: int | None = Field(default=None, primary_key=True)
    incident_id: int = Field(foreign_key="incident.id", index=True)
    number: int  # 1, 2, ... within the incident: what `/dvpn encompass REF told N` names
    full_name: str = Field(max_length=200)
    present: bool = True  # present at the incident, or linked to it
    school: str = Field(max_length=200)
    school_area: str = Field(max_length=60)  # the school's local authority, as rules/school_holidays.toml names it
    due_at: datetime = Field(sa_column=utc_column(nullable=False))  # before the next school day starts
    told_at: datetime | None = Field(default=None, sa_column=utc_column())
    told_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    created_at: datetime = Field(sa_column=utc_column(nullable=False))


class MaracReferral(SQLModel, table=True):
    __tablename__ = "marac_referral"
    __table_args__ = (IDS_NEVER_REUSED,)

    id: int | None = Field(default=None, primary_key=True)
    incident_id: int = Field(foreign_key="incident.id", sa_column_kwargs={"unique": True})
    referred_at: datetime = Field(sa_column=utc_column(nullable=False))
    referred_by_id: int = Field(foreign_key="app_user.id")
    meeting_at: datetime | None = Field(default=None, sa_column=utc_column())
    created_at: datetime = Field(sa_column=utc_column(nullable=False))


class MaracAction(SQLModel, table=True):
    """An action the MARAC agreed: its owner and due date; reminded and escalated until done."""

    __tablename__ = "marac_action"
    __table_args__ = (
        sa.UniqueConstraint("referral_id", "number", name="uq_marac_action_referral_number"),
        IDS_NEVER_REUSED,
    )

    id: int | None = Field(default=None, primary_key=True)
    referral_id: int = Field(foreign_key="marac_referral.id", index=True)
    number: int
    description: str = Field(sa_type=sa.Text)
    owner_id: int = Field(foreign_key="app_user.id", index=True)
    due_at: datetime = Field(sa_column=utc_column(nullable=False))
    done_at: datetime | None = Field(default=None, sa_column=utc_column())
    done_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    created_by_id: int = Field(foreign_key="app_user.id")
    created_at: datetime = Field(sa_column=utc_column(nullable=False))


class SchoolHolidayTerm(SQLModel, table=True):
    """A school holiday of one local authority added by an admin, beside rules/school_holidays.toml."""

    __tablename__ = "school_holiday"
    __table_args__ = (IDS_NEVER_REUSED,)

    id: int | None = Field(default=None, primary_key=True)
    area: str = Field(max_length=60)
    first: date
    last: date
    name: str = Field(max_length=120)
    added_by_id: int = Field(foreign_key="app_user.id")
    added_at: datetime = Field(sa_column=utc_column(nullable=False))


UNASSESSED = "none"  # IncidentCount.risk of an incident with no DASH yet (`risk none`)


class IncidentCount(SQLModel, table=True):
    """How many incidents each officer holds per team and risk level, and how many of those have no
    MARAC referral: the force's incident caseload total summed from a few thousand rows instead of
    counted over five million incidents (services.reporting.incident_counts).

    Kept by row triggers on incident and marac_referral (migration 0030) in the same transaction as
    every write, whichever statement makes it: recording, a DASH changing the risk, a referral
    recorded, a team or officer changed by a bulk UPDATE, retention's DELETEs. The risk is the
    incident's risk_level, or UNASSESSED (a key cannot be NULL). A count that falls to zero keeps
    its row. No foreign keys: derived data, as caseload_count."""

    __tablename__ = "incident_count"

    team_id: int = Field(primary_key=True)
    officer_id: int = Field(primary_key=True)
    risk: str = Field(primary_key=True, max_length=16)
    incidents: int = 0
    unreferred: int = 0  # of `incidents`, those with no MARAC referral
