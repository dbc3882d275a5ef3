"""What the disclosure use cases return: plain data for blocks/, no database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from rules.disclosure import Clock, Decision, Route, Stage, Standing


@dataclass(frozen=True)
class DisclosureView:
    """A request as one user may see it. Names, the reasons and to whom it was disclosed only when
    `named` (a request of the user's own teams); otherwise initials and nothing typed."""

    reference: str
    route: Route
    stage: Stage
    received_at: datetime
    target_at: datetime
    standing: Standing | None  # None once the request has ended
    clocks: tuple[Clock, ...]  # the deadlines it implies now, each with its working
    named: bool
    person_at_risk: str
    subject: str
    applicant: str | None
    officer_slack_id: str
    team: str
    checks_at: datetime | None
    forum_at: datetime | None
    decided_at: datetime | None
    decision: Decision | None
    decision_reason: str | None
    disclosed_at: datetime | None
    disclosed_to: str | None
    closed_at: datetime | None
    close_reason: str | None
    days_taken: int | None  # receipt to completion, the day of receipt being day 1
    within_target: bool | None
    writable: bool


@dataclass(frozen=True)
class DisclosureLine:
    """One open request in a list: no names."""

    reference: str
    route: Route
    stage: Stage
    target_at: datetime
    standing: Standing
    subject_initials: str
    team: str


@dataclass(frozen=True)
class DisclosureList:
    whose: str  # "mine", "team", "all"
    lines: tuple[DisclosureLine, ...]
    total: int


@dataclass(frozen=True)
class DisclosureFigures:
    """The figures a force reports, for requests received (and completed) in a period."""

    period: str
    team: str | None
    received_ask: int
    received_know: int
    disclosures: int  # disclosures made in the period
    completed: int  # requests completed (disclosed or closed) in the period
    within_target: int  # of those, completed by their target
    median_days: float | None  # receipt to completion, of those completed
    open_past_target: int  # open now and past their target
