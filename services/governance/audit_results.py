"""What a record's audit trail returns: plain data for blocks/, no database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class TrailEntry:
    at: datetime
    actor_slack_id: str | None  # None for the system
    system: str | None  # which part of dvpn-bot acted: scheduler, rollover, check-planner, ...
    what: str  # "changed the record: status active → lapsed, closed at"
    justification: str | None
    source: str


@dataclass(frozen=True)
class AuditTrailPage:
    reference: str
    entries: tuple[TrailEntry, ...]
    total: int
    offset: int

    @property
    def remaining(self) -> int:
        return max(0, self.total - self.offset - len(self.entries))
