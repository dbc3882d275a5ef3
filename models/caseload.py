"""How many records each officer holds, per team and status: the whole force's caseload summed from
a few thousand rows instead of counted over a million records (services.reporting.caseload).

Kept by row triggers on protection_order (migration 0018) in the same transaction as every write
that makes, moves, closes or erases a record, whichever code path or statement makes it: the ORM,
a bulk UPDATE (the lapse rollover), a DELETE (retention erasure). A count that falls to zero keeps
its row. No foreign keys: it is derived data, and must not stop an officer or team from going.
"""

from __future__ import annotations

from datetime import date

from sqlmodel import Field, SQLModel

from domain.enums import OrderStatus
from models.types import enum_column


class CaseloadCount(SQLModel, table=True):
    __tablename__ = "caseload_count"

    team_id: int = Field(primary_key=True)
    officer_id: int = Field(primary_key=True)
    status: OrderStatus = Field(sa_column=enum_column(OrderStatus, primary_key=True))
    records: int = 0


class DailyCount(SQLModel, table=True):
    """How many rows each stats figure counts (services.reporting.stats defines them) per team and
    Europe/London day of the figure's own time (served_at, closed_at, occurred_at, due_at): kept by
    row triggers on protection_order, breach and breach_check (migration 0025) as caseload_count is,
    summed by /dvpn stats over whole local days. One row per team and day, a column per figure: a
    year is some 15,000 rows for forty teams, whatever the number of records."""

    __tablename__ = "daily_count"

    day: date = Field(primary_key=True)
    team_id: int = Field(primary_key=True)
    # By the notice's service day.
    notices_issued: int = 0
    applications_heard: int = 0
    heard_in_time: int = 0
    notices_converted: int = 0
    # By the decision's day (closed_at).
    orders_granted: int = 0
    orders_refused: int = 0
    notices_lapsed: int = 0
    # By the breach's day (occurred_at).
    breaches: int = 0
    breaches_crime_reference_24h: int = 0
    # By the check's due day.
    checks_due: int = 0
    checks_on_time: int = 0


class CaseworkDailyCount(SQLModel, table=True):
    """How many rows each casework figure of the stats counts (services.reporting.casework_stats
    defines them) per team and Europe/London day: kept by row triggers on incident, incident_child,
    marac_referral and disclosure_request (migration 0029) as daily_count is, summed by /dvpn stats
    and /dvpn clare stats over whole local days. A sibling of daily_count, not more of its
    columns: an incident's write and a record's then never queue for the same row."""

    __tablename__ = "casework_daily_count"

    day: date = Field(primary_key=True)
    team_id: int = Field(primary_key=True)
    # By the incident's reported day: its DASH level now (none yet: unassessed), high risk with a DASH.
    incidents_high: int = 0
    incidents_medium: int = 0
    incidents_standard: int = 0
    incidents_unassessed: int = 0
    high_risk: int = 0
    # By their incident's reported day: the children, and those whose school was told by due_at.
    children: int = 0
    schools_told_in_time: int = 0
    # Clare's Law requests by the received day, by route.
    requests_ask: int = 0
    requests_know: int = 0
    # By the completion day (disclosed_at, else closed_at).
    requests_completed: int = 0
    disclosures: int = 0
    completed_within_target: int = 0


class CaseworkSpread(SQLModel, table=True):
    """The two casework figures that are not sums, kept as histograms of whole numbers per team and
    Europe/London day (migration 0029): `marac_hours`, a referred high-risk incident's hours from
    DASH to referral rounded up (0 at or before it), by the incident's day, so any whole
    DVPN_MARAC_REFERRAL_HOURS reads its count; `completion_days`, a completed Clare's Law request's
    days as rules.disclosure.days_taken counts them, by the completion day, for the median."""

    __tablename__ = "casework_spread"

    measure: str = Field(primary_key=True, max_length=32)
    day: date = Field(primary_key=True)
    team_id: int = Field(primary_key=True)
    value: int = Field(primary_key=True)
    n: int = 0
