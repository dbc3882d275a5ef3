"""What lists of records return: a page of records with their next deadline, a caseload and search
results. Plain data for blocks/, no database: references, initials and deadlines, never personal
details."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from domain.enums import OrderStatus, RiskLevel
from rules.order_types import OrderType
from services.errors import DomainError
from services.views import Paged
from services.wording import Mention


@dataclass(frozen=True)
class NextDeadline:
    label: str
    at: datetime

    def overdue(self, now: datetime) -> bool:
        return self.at < now


class ListScope(StrEnum):
    MINE = "mine"  # records I am the officer in charge of
    TEAM = "team"  # my team's, or the teams I supervise (champions and admins: the force's)
    DUE = "due"  # a deadline within DUE_WITHIN, or already passed
    EXPIRING = "expiring"  # orders ending within EXPIRING_WITHIN
    LAPSED = "lapsed"  # notices whose hearing deadline passed with no decision

    @classmethod
    def parse(cls, text: str) -> ListScope:
        try:
            return cls(text.strip().lower())
        except ValueError:
            raise DomainError(f"List one of: {', '.join(s.value for s in cls)}.", "scope") from None


@dataclass(frozen=True)
class RecordSummary:
    reference: str
    order_type: str
    status: str
    perpetrator_initials: str
    officer_slack_id: str
    next_deadline: NextDeadline | None
    expires_at: datetime | None = None


@dataclass(frozen=True)
class RecordPage(Paged):
    scope: ListScope
    items: tuple[RecordSummary, ...]
    total: int
    offset: int


@dataclass(frozen=True)
class CaseloadQuery:
    """Whose records, and which. Filters combine; the defaults are the asker's own scope's open records."""

    officer: str | None = None  # a Slack user id
    team: str | None = None  # a team's name as typed
    everyone: bool = False  # the whole force
    order_type: OrderType | None = None
    risk: RiskLevel | None = None
    risk_unassessed: bool = False  # risk:none, records with no risk level recorded
    status: OrderStatus | None = OrderStatus.ACTIVE  # None: every status
    due_hours: int | None = None  # next deadline within this many hours (passed ones included); 0: overdue

    def dump(self) -> str:
        """For a "More" button's value: plain JSON of the fields that differ from the default."""
        default = asdict(CaseloadQuery())
        return json.dumps({k: v for k, v in asdict(self).items() if v != default[k]}, separators=(",", ":"))

    @classmethod
    def load(cls, text: str) -> CaseloadQuery:
        data: dict[str, Any] = json.loads(text)
        for key, kind in (("order_type", OrderType), ("risk", RiskLevel), ("status", OrderStatus)):
            if data.get(key) is not None:
                data[key] = kind(data[key])
        return cls(**data)

    def filters_text(self) -> str:
        parts = []
        if self.order_type:
            parts.append(self.order_type.value)
        if self.risk:
            parts.append(f"{self.risk.value} risk")
        if self.risk_unassessed:
            parts.append("no risk level recorded")
        parts.append(self.status.value if self.status else "every status")
        if self.due_hours == 0:
            parts.append("past a deadline")
        elif self.due_hours is not None:
            days, hours = divmod(self.due_hours, 24)
            span = f"{days} day{'s' * (days != 1)}" if not hours else f"{self.due_hours} hours"
            parts.append(f"a deadline within {span}")
        return " · ".join(parts)


@dataclass(frozen=True)
class OfficerCount:
    slack_user_id: str
    records: int
    overdue: int


@dataclass(frozen=True)
class Caseload(Paged):
    query: CaseloadQuery
    whose: str | Mention  # "Team A", an officer, "your teams", "the force"
    by_status: tuple[tuple[str, int], ...]  # every status, whatever the status filter
    by_officer: tuple[OfficerCount, ...]  # the busiest first, at most OFFICERS_SHOWN
    officers_total: int
    items: tuple[RecordSummary, ...]
    total: int
    offset: int


class Matched(StrEnum):
    """What a record was found by, in the order results are shown."""

    REFERENCE = "reference"
    CRIME_REFERENCE = "crime reference"
    BREACH_CRIME_REFERENCE = "crime reference of a breach"
    PERPETRATOR = "perpetrator's name"
    PROTECTED = "protected person's name"
    PERPETRATOR_NEAR = "perpetrator's name, spelt one letter differently"
    PROTECTED_NEAR = "protected person's name, spelt one letter differently"
    PERPETRATOR_ADDRESS = "perpetrator's address"
    PROTECTED_ADDRESS = "protected person's address"

    @property
    def personal(self) -> bool:
        """Found by a name or an address: shown only where access() lets the user read the record."""
        return self not in (Matched.REFERENCE, Matched.CRIME_REFERENCE, Matched.BREACH_CRIME_REFERENCE)


@dataclass(frozen=True)
class SearchHit:
    reference: str
    order_type: str
    status: str
    perpetrator_initials: str
    matched: Matched


@dataclass(frozen=True)
class SearchResults:
    hits: tuple[SearchHit, ...]
    more: bool  # more matched than are shown: the user should narrow the search


@dataclass(frozen=True)
class IncidentLine:
    """One incident in a caseload: a reference, initials, counts; never a name, a child or a school."""

    reference: str
    reported_at: datetime
    risk: str | None
    victim_initials: str
    marac_referred: bool
    schools_untold: int
    officer_slack_id: str


@dataclass(frozen=True)
class IncidentCaseload:
    whose: str  # "the force", "Team A", "your teams"
    lines: tuple[IncidentLine, ...]
    total: int
    at: datetime
