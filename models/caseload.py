"""How many records each officer holds, per team and status: the whole force's caseload summed from
a few thousand rows instead of counted over a million records (services.reporting.caseload).

Kept by row triggers on protection_order (migration 0018) in the same transaction as every write
that makes, moves, closes or erases a record, whichever code path or statement makes it: the ORM,
a bulk UPDATE (the lapse rollover), a DELETE (retention erasure). A count that falls to zero keeps
its row. No foreign keys: it is derived data, and must not stop an officer or team from going.
"""

from __future__ import annotations

from sqlmodel import Field, SQLModel

from domain.enums import OrderStatus
from models.types import enum_column


class CaseloadCount(SQLModel, table=True):
    __tablename__ = "caseload_count"

    team_id: int = Field(primary_key=True)
    officer_id: int = Field(primary_key=True)
    status: OrderStatus = Field(sa_column=enum_column(OrderStatus, primary_key=True))
    records: int = 0
