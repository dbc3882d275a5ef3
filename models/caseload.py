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
