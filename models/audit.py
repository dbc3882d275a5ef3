"""The audit trail (Data Protection Act 2018 s62): append-only, enforced by database triggers.

Rows never hold names, dates of birth or addresses: personal fields appear as markers, so erasing
a person's data never needs an audit row changed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.types import utc_column

JUSTIFIED_VIEW = "action = 'view' AND justification IS NOT NULL"


class AuditEvent(SQLModel, table=True):
    __tablename__ = "audit_event"
    __table_args__ = (
        sa.Index("ix_audit_entity", "entity_type", "entity_id"),
        # The reasons a user gave lately (services.governance.justification), found among the few
        # views given a reason rather than every row the user wrote: an export writes one per
        # record, each with the export's reason.
        sa.Index(
            "ix_audit_event_justified",
            "actor_user_id",
            "at",
            postgresql_where=sa.text(JUSTIFIED_VIEW),
            sqlite_where=sa.text(JUSTIFIED_VIEW),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(sa_column=utc_column(nullable=False, index=True))
    actor_user_id: int | None = Field(default=None, foreign_key="app_user.id", index=True)
    actor: str = Field(max_length=80)  # "slack:U012AB" or "system:scheduler"
    action: str = Field(max_length=40)  # create, update, view, export, erase, ...
    entity_type: str = Field(max_length=40)
    entity_id: int | None = None
    order_id: int | None = Field(default=None, index=True)  # the record it concerns, for /dvpn audit
    before: dict[str, Any] | None = Field(default=None, sa_type=sa.JSON)
    after: dict[str, Any] | None = Field(default=None, sa_type=sa.JSON)
    justification: str | None = Field(default=None, max_length=1000)
    source: str = Field(max_length=40)  # slack, cli, scheduler, console
