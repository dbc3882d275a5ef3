"""Notices and orders, and what hangs from them: hearings, breaches, breach checks, notifications."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from domain.enums import HearingOutcome, NotificationKind, OrderStatus, RiskLevel
from models.types import IDS_NEVER_REUSED, enum_column, utc_column
from rules.notification import Change, Exemption
from rules.order_types import OrderType
from rules.ranks import Rank

# When a notice lapses, as services.records.state.lapse_time_sql writes it, and the records that may
# still lapse: active, with such a time (ix_order_active_lapse; the same text as migration 0042).
LAPSE_TIME = "coalesce(lapses_at, hearing_deadline_at)"
ACTIVE_WITH_LAPSE = f"status = 'active' AND {LAPSE_TIME} IS NOT NULL"


class ProtectionOrder(SQLModel, table=True):
    """A notice or an order. Deadlines are stored as computed so queries can sort and filter on them;
    services recompute them from rules/ on every change."""

    __tablename__ = "protection_order"
    __table_args__ = (
        # Caseloads and lists: a team's, an officer's or the force's records of a status, most
        # urgent first (services.reporting.caseload, services.reporting.listing).
        sa.Index("ix_order_team_status_next", "team_id", "status", "next_deadline_at"),
        sa.Index("ix_order_officer_status_next", "officer_id", "status", "next_deadline_at"),
        sa.Index("ix_order_status_next", "status", "next_deadline_at"),
        sa.Index("ix_order_status_hearing_deadline", "status", "hearing_deadline_at"),
        sa.Index("ix_order_status_expires", "status", "expires_at"),
        sa.Index("ix_order_type_status", "order_type", "status"),
        # Reports count notices by when they were served or decided (services.reporting.stats); the
        # columns a period's notices are summed on ride along, so PostgreSQL reads only the index.
        sa.Index(
            "ix_order_type_served",
            "order_type",
            "served_at",
            postgresql_include=["id", "status", "hearing_deadline_at", "first_heard_at", "hours_to_hearing"],
        ),
        sa.Index("ix_order_type_closed", "order_type", "closed_at", postgresql_include=["status"]),
        # Searches by the beginning of a reference or crime reference (services.people.search): see
        # models.people on varchar_pattern_ops.
        sa.Index("ix_order_reference_prefix", "reference", postgresql_ops={"reference": "varchar_pattern_ops"}),
        sa.Index(
            "ix_protection_order_crime_reference",
            "crime_reference",
            postgresql_ops={"crime_reference": "varchar_pattern_ops"},
        ),
        # A team's notices lapsed in law and not yet marked (services.records.state.lapsed_unmarked):
        # only the active records with a lapse time, a few hundred of a force's 90,000 (migration 0042).
        sa.Index(
            "ix_order_active_lapse",
            "team_id",
            sa.text(LAPSE_TIME),
            postgresql_where=sa.text(ACTIVE_WITH_LAPSE),
            sqlite_where=sa.text(ACTIVE_WITH_LAPSE),
        ),
        IDS_NEVER_REUSED,
    )

    id: int | None = Field(default=None, primary_key=True)
    reference: str = Field(max_length=32, sa_column_kwargs={"unique": True})
    order_type: OrderType = Field(sa_column=enum_column(OrderType))
    status: OrderStatus = Field(sa_column=enum_column(OrderStatus))
    perpetrator_id: int = Field(foreign_key="perpetrator.id", index=True)
    parent_id: int | None = Field(default=None, foreign_key="protection_order.id", index=True)
    # The incident it was recorded from, whose victim and suspect it inherited.
    incident_id: int | None = Field(default=None, foreign_key="incident.id", index=True)
    officer_id: int = Field(foreign_key="app_user.id")  # officer in charge
    team_id: int = Field(foreign_key="team.id")
    served_at: datetime | None = Field(default=None, sa_column=utc_column(index=True))
    made_at: datetime | None = Field(default=None, sa_column=utc_column())
    # Pre-charge bail: the arrest, whose next day is the bail start date (PACE 1984 s47ZB(4)(a)).
    arrested_at: datetime | None = Field(default=None, sa_column=utc_column())
    # Occupation order: a power of arrest attached by the court (FLA 1996 s47(2)-(3)).
    power_of_arrest: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    authoriser_name: str | None = Field(default=None, max_length=120)
    authoriser_rank: Rank | None = Field(default=None, sa_column=enum_column(Rank, nullable=True))
    court: str | None = Field(default=None, max_length=200)
    conditions: str | None = Field(default=None, sa_type=sa.Text)
    hearing_deadline_at: datetime | None = Field(default=None, sa_column=utc_column())
    # When an unheard notice lapses by the literal statutory reading (rules.deadlines.lapse_deadline):
    # later than hearing_deadline_at only when the force counts a Saturday Boxing Day for the
    # countdowns. The status change and the PNC instruction follow it.
    lapses_at: datetime | None = Field(default=None, sa_column=utc_column())
    expires_at: datetime | None = Field(default=None, sa_column=utc_column())
    until_further_order: bool = False
    notification_due_at: datetime | None = Field(default=None, sa_column=utc_column())
    # Why the notification duties do not apply to this subject (DAA 2021 s41(8); SPA 2019 s9(1)(a), (5)).
    notification_exempt: Exemption | None = Field(default=None, sa_column=enum_column(Exemption, nullable=True))
    # A DAPO's electronic monitoring requirement: from its start to the end of its last day (DAA 2021 s38(5)).
    monitoring_starts_at: datetime | None = Field(default=None, sa_column=utc_column())
    monitoring_ends_at: datetime | None = Field(default=None, sa_column=utc_column())
    risk_level: RiskLevel | None = Field(default=None, sa_column=enum_column(RiskLevel, nullable=True))
    risk_assessed_at: datetime | None = Field(default=None, sa_column=utc_column())
    children_present: bool = False
    crime_reference: str | None = Field(default=None, max_length=40)
    closed_at: datetime | None = Field(default=None, sa_column=utc_column())
    close_reason: str | None = Field(default=None, max_length=500)
    created_by_id: int = Field(foreign_key="app_user.id")
    created_at: datetime = Field(sa_column=utc_column(nullable=False))
    updated_at: datetime = Field(sa_column=utc_column(nullable=False))
    # The earliest of the record's deadlines (services.records.planning.next_deadline), stored on every
    # write and when time passes one that stops counting, so lists sort and page by it in SQL.
    next_deadline_at: datetime | None = Field(default=None, sa_column=utc_column())


# When the record's earliest hearing with an outcome was scheduled: whether and how soon a notice
# was heard, which stats count over a year's notices from ix_order_type_served alone. Kept by row
# triggers on hearing (migration 0022) in the same transaction as every hearing write, whatever
# makes it. A column of the table but not a field of the model: only SQL reads it, so no ORM write
# or audit snapshot of a record carries a copy that a hearing's trigger has since changed.
FIRST_HEARD_AT = utc_column()
FIRST_HEARD_AT.name = FIRST_HEARD_AT.key = "first_heard_at"
SQLModel.metadata.tables[ProtectionOrder.__tablename__].append_column(FIRST_HEARD_AT)

# The hours from service to that hearing, as services.reporting.sql_time.hours_between counts them:
# computed by the database from the row (a generated column, migration 0036), so the median hours
# to hearing sorts a year's stored values from ix_order_type_served instead of computing each one at
# every question. Stored on PostgreSQL; SQLite can add only a virtual one, computed as it is read.
HOURS_TO_HEARING: sa.Column[float] = sa.Column(
    "hours_to_hearing",
    sa.Double(),
    sa.Computed("EXTRACT(EPOCH FROM (first_heard_at - served_at)) / CAST(3600.0 AS DOUBLE PRECISION)"),
)
SQLModel.metadata.tables[ProtectionOrder.__tablename__].append_column(HOURS_TO_HEARING)


class ReferenceCounter(SQLModel, table=True):
    """The last number handed out per force, type and year: WM-DVPN-2026-0042 is number 42."""

    __tablename__ = "reference_counter"

    force_code: str = Field(max_length=4, primary_key=True)
    order_type: str = Field(max_length=8, primary_key=True)
    year: int = Field(primary_key=True)
    last_number: int = 0


class Hearing(SQLModel, table=True):
    __tablename__ = "hearing"
    __table_args__ = (
        # A record's next deadline looks up its earliest hearing still awaiting an outcome.
        sa.Index(
            "ix_hearing_open_by_order",
            "order_id",
            "scheduled_at",
            postgresql_where=sa.text("outcome IS NULL"),
            sqlite_where=sa.text("outcome IS NULL"),
        ),
        # Stats take each notice's earliest hearing with an outcome.
        sa.Index(
            "ix_hearing_decided_by_order",
            "order_id",
            "scheduled_at",
            postgresql_where=sa.text("outcome IS NOT NULL"),
            sqlite_where=sa.text("outcome IS NOT NULL"),
        ),
        IDS_NEVER_REUSED,
    )

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="protection_order.id", index=True)
    scheduled_at: datetime = Field(sa_column=utc_column(nullable=False, index=True))
    court: str | None = Field(default=None, max_length=200)
    after_statutory_deadline: bool = False  # booked later than the 48-hour deadline: a fact, flagged
    outcome: HearingOutcome | None = Field(default=None, sa_column=enum_column(HearingOutcome, nullable=True))
    outcome_recorded_at: datetime | None = Field(default=None, sa_column=utc_column())
    adjourned_to_id: int | None = Field(default=None, foreign_key="hearing.id")
    created_by_id: int = Field(foreign_key="app_user.id")
    created_at: datetime = Field(sa_column=utc_column(nullable=False))


class Breach(SQLModel, table=True):
    __tablename__ = "breach"
    __table_args__ = (
        sa.Index(
            "ix_breach_crime_reference_recorded",
            "crime_reference",
            "recorded_at",
            postgresql_ops={"crime_reference": "varchar_pattern_ops"},  # searched by its beginning
        ),
        # Reports count breaches by when they happened, and those referenced within 24 hours of being
        # recorded: on PostgreSQL the index carries both times, so a year's breaches are read from it alone.
        sa.Index(
            "ix_breach_occurred_at", "occurred_at", postgresql_include=["recorded_at", "crime_reference_added_at"]
        ),
        IDS_NEVER_REUSED,
    )

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="protection_order.id", index=True)
    occurred_at: datetime = Field(sa_column=utc_column(nullable=False))
    arrested_at: datetime | None = Field(default=None, sa_column=utc_column())
    court_deadline_at: datetime | None = Field(default=None, sa_column=utc_column())
    # The court deadline is the hearing of the application, earlier than the 24 hours
    # (DAA 2021 s26(2)(b); CSA 2010 s26).
    court_deadline_at_hearing: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    before_court_at: datetime | None = Field(default=None, sa_column=utc_column())  # ends the court countdown
    crime_reference: str | None = Field(default=None, max_length=40)
    crime_reference_added_at: datetime | None = Field(default=None, sa_column=utc_column())
    details: str | None = Field(default=None, sa_type=sa.Text)
    recorded_by_id: int = Field(foreign_key="app_user.id")
    recorded_at: datetime = Field(sa_column=utc_column(nullable=False))


class BreachCheck(SQLModel, table=True):
    """A visit or call to confirm the order is being kept."""

    __tablename__ = "breach_check"
    __table_args__ = (
        sa.Index("ix_check_assignee_done_due", "assigned_to_id", "done_at", "due_at"),
        sa.Index("ix_check_done_due", "done_at", "due_at"),
        # Reports count the checks still needed that fell due in a period.
        sa.Index(
            "ix_check_needed_due",
            "due_at",
            "done_at",
            postgresql_where=sa.text("cancelled_at IS NULL"),
            sqlite_where=sa.text("cancelled_at IS NULL"),
        ),
        # A record's next deadline looks up its earliest open check.
        sa.Index(
            "ix_check_open_by_order",
            "order_id",
            "due_at",
            postgresql_where=sa.text("done_at IS NULL"),
            sqlite_where=sa.text("done_at IS NULL"),
        ),
        IDS_NEVER_REUSED,
    )

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="protection_order.id", index=True)
    due_at: datetime = Field(sa_column=utc_column(nullable=False))
    assigned_to_id: int = Field(foreign_key="app_user.id")
    done_at: datetime | None = Field(default=None, sa_column=utc_column())
    done_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    # Set when the record ended before the check fell due: it was no longer needed. Kept on the
    # check itself so reports need not join every record to know it.
    cancelled_at: datetime | None = Field(default=None, sa_column=utc_column())
    outcome: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(sa_column=utc_column(nullable=False))


def _team_of_record(
    table_name: str, by: str, where: str, index: str, *, column_name: str = "team_id"
) -> sa.Column[int]:
    """A copy of a row's record's team kept by the database's triggers (migrations 0039, 0041,
    0043) when the row is made or moves record and when the record moves team (or, for
    `active_team_id`, ends or is reinstated), so a team's open rows are found by `index` (by team
    and `by`, of the rows `where`). A column of the table but not of the model: no write of the
    code names it, so what the triggers keep is never overwritten, and a database at an earlier
    revision is written as before."""
    table = SQLModel.metadata.tables[table_name]
    column: sa.Column[int] = sa.Column(column_name, sa.Integer, nullable=True)
    table.append_column(column)
    sa.Index(index, column, table.c[by], postgresql_where=sa.text(where), sqlite_where=sa.text(where))
    return column


# The digest's and the App Home's crime section: a team's breaches with no crime reference, first
# recorded first.
BREACH_TEAM = _team_of_record("breach", "recorded_at", "crime_reference IS NULL", "ix_breach_team_no_crime_reference")
# Their checks-due section: a team's checks not done on records still active, first due first. The
# team is kept only while the record is active (NULL once it ends): a record that ended leaves its
# missed checks undone for good (117,000 of 221,000 undone at national scale, nearly all due long
# before any live one), so the index holds only the live ones: the first due are read in order, and
# counted from it.
CHECK_ACTIVE_TEAM = _team_of_record(
    "breach_check",
    "due_at",
    "done_at IS NULL AND active_team_id IS NOT NULL",
    "ix_check_active_team_undone",
    column_name="active_team_id",
)
# Their outcomes section: a team's hearings past with no outcome recorded on records still active,
# first scheduled first. Kept only while the record is active, as a check's: the team's 5,000 active
# records were hash-joined with the force's 3,000 open overdue hearings to find a handful; by the
# copy, the first are read from the index in order, and counted from it.
HEARING_ACTIVE_TEAM = _team_of_record(
    "hearing",
    "scheduled_at",
    "outcome IS NULL AND active_team_id IS NOT NULL",
    "ix_hearing_active_team_open",
    column_name="active_team_id",
)


class Notification(SQLModel, table=True):
    """A perpetrator's duty to notify police of names and home address (DAA 2021 s41; SPA 2019 s9)."""

    __tablename__ = "notification"
    __table_args__ = (
        # A record's next deadline looks up the earliest notification still awaited.
        sa.Index(
            "ix_notification_awaited_by_order",
            "order_id",
            "due_at",
            postgresql_where=sa.text("received_at IS NULL"),
            sqlite_where=sa.text("received_at IS NULL"),
        ),
        IDS_NEVER_REUSED,
    )

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="protection_order.id", index=True)
    kind: NotificationKind = Field(sa_column=enum_column(NotificationKind))
    # For a change: what changed and when, which starts its own 3-day window (DAA 2021 s41(4)-(6)).
    change: Change | None = Field(default=None, sa_column=enum_column(Change, nullable=True))
    happened_at: datetime | None = Field(default=None, sa_column=utc_column())
    due_at: datetime = Field(sa_column=utc_column(nullable=False, index=True))
    received_at: datetime | None = Field(default=None, sa_column=utc_column())
    recorded_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    created_at: datetime = Field(sa_column=utc_column(nullable=False))
