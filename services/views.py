"""Plain results the services return: what blocks/ and the command line render."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from rules.clock import Deadline
from rules.periods import PeriodEnd
from services.wording import Text


class Paged:
    """Mixed into a result that is one page of a longer list: `items` shown of `total`, from `offset`."""

    items: tuple[object, ...]
    total: int
    offset: int

    @property
    def remaining(self) -> int:
        return max(0, self.total - self.offset - len(self.items))


@dataclass(frozen=True)
class DeadlineView:
    label: str
    at: datetime
    citation: str
    explanation: tuple[str, ...]

    @classmethod
    def of(cls, deadline: Deadline | PeriodEnd) -> DeadlineView:
        return cls(deadline.label, deadline.at, deadline.citation, tuple(deadline.explanation()))


@dataclass(frozen=True)
class PersonView:
    role: str  # perpetrator or protected
    full_name: str
    initials: str
    date_of_birth: date | None
    address: str | None


@dataclass(frozen=True)
class RecordView:
    """A record as one user may see it. `people` is empty unless they may see personal details."""

    reference: str
    order_type: str
    status: str
    perpetrator_initials: str
    officer_slack_id: str
    team_id: int
    served_at: datetime | None
    made_at: datetime | None
    deadlines: tuple[DeadlineView, ...]
    people: tuple[PersonView, ...] = ()
    hearings: tuple[str, ...] = ()
    breaches: tuple[str, ...] = ()
    checks: tuple[str, ...] = ()
    check_times: tuple[str, ...] = ()  # the same checks without their free-text outcomes, for channels
    # For channels: hearings without the court (typed as free text), breaches with only a crime
    # reference in the force's format (services.records.crime_references).
    hearing_times: tuple[str, ...] = ()
    channel_breaches: tuple[str, ...] = ()
    warnings: tuple[Text, ...] = field(default=())
    parent_reference: str | None = None
    follow_on_reference: str | None = None
    incident_reference: str | None = None  # the incident it was recorded from
    # What the card offers next: the buttons follow the record's state and the user's rights.
    writable: bool = True
    is_notice: bool = False
    hearing_pending: bool = False
    check_open: bool = False
    notification_awaited: bool = False
    reminders: tuple[str, ...] = ()  # upcoming reminders, as "Wed 08 Apr 2026 08:00 BST: expires_in_7d"

    @property
    def is_active(self) -> bool:
        return self.status == "active"


def initials(full_name: str) -> str:
    return "".join(part[0].upper() for part in full_name.replace("-", " ").split() if part[:1].isalpha())
