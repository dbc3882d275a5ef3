"""What perpetrator history and identity checks return: plain data for blocks/, no database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from rules.disclosure import Clock
from rules.rfgv import Score


@dataclass(frozen=True)
class PersonMatch:
    """One of several people a name matches: enough to tell them apart, no name."""

    initials: str
    birth_year: int | None
    pnc_id: str | None
    records: int
    latest_reference: str | None  # to pick them by when they have no PNC id


@dataclass(frozen=True)
class PerpetratorMatches:
    matches: tuple[PersonMatch, ...]
    total: int


@dataclass(frozen=True)
class HistoryRecord:
    reference: str
    order_type: str
    status: str
    started_at: datetime | None  # served, or made by the court
    team: str
    officer_slack_id: str
    risk_level: str | None
    breaches: int
    checks_missed: int


@dataclass(frozen=True)
class ProtectedEntry:
    name: str  # the full name, or initials for someone the user may not read about
    named: bool
    references: tuple[str, ...]


@dataclass(frozen=True)
class PerpetratorHistory:
    name: str
    named: bool
    birth_year: int | None
    pnc_id: str | None
    records: tuple[HistoryRecord, ...]  # newest first
    breaches: int
    checks_missed: int
    current_risk: str | None  # the latest assessed risk on a record still in force
    repeat: str | None  # why the person is flagged as a repeat perpetrator, or None
    protected: tuple[ProtectedEntry, ...]
    linked_by_name: bool  # some rows were joined by name and date of birth, not by PNC id
    withheld: tuple[str, ...] = ()  # records whose names need a reason first (the show command asks)


@dataclass(frozen=True)
class OpenMismatch:
    id: int
    reference: str  # the record the details were typed on
    team: str
    recorded_by: str  # Slack id
    recorded_at: datetime
    held_on: tuple[str, ...]  # records already holding the PNC id, under other details


@dataclass(frozen=True)
class PriorityEntry:
    """One perpetrator on the priority list: initials, the record of their latest event, the score."""

    rank: int
    initials: str
    reference: str
    score: Score


@dataclass(frozen=True)
class PriorityList:
    entries: tuple[PriorityEntry, ...]
    scored: int  # perpetrators with offending in the window
    window_months: int
    serial: int  # how many of them are serial perpetrators


@dataclass(frozen=True)
class PlanActionView:
    number: int
    kind: str
    what: str | None  # the typed action, only for the plan's own team
    owner_slack_id: str
    due_at: datetime
    done_at: datetime | None
    overdue: bool


@dataclass(frozen=True)
class PlanView:
    reference: str  # the record it was reached through
    adopted_at: datetime
    review_at: datetime | None
    closed_at: datetime | None
    close_reason: str | None
    actions: tuple[PlanActionView, ...]
    clocks: tuple[Clock, ...]
    writable: bool
