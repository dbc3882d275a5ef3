"""What reminders and digests return: a reminder's message, what pressing its button did, and a
team's digest. Plain data for blocks/ and the scheduler, no database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from services.wording import Command, Text


@dataclass(frozen=True)
class ReminderMessage:
    reminder_id: int
    kind: str
    reference: str
    order_type: str
    initials: str
    headline: str  # "Hearing deadline in 24 hours"
    detail: Text  # the times, the statute, what to do
    critical: bool
    due_at: datetime
    officer_slack_id: str
    recipient_slack_id: str | None = None  # a DM to this user, or
    channel: str | None = None  # a post to this channel
    late_note: str | None = None  # "(late: due 03:00)" when sent well after its time

    @property
    def text(self) -> str:
        """The notification text (and the fallback for clients that cannot show blocks)."""
        late = f" {self.late_note}" if self.late_note else ""
        return f"{self.reference} ({self.initials}): {self.headline}{late}"


@dataclass(frozen=True)
class ReminderActionResult:
    message: ReminderMessage
    action: str  # acknowledged, done, snoozed, or "already" when nothing changed
    status_line: Text  # "Acknowledged by", the person, "at Thu 02 Apr 2026 22:10 BST"
    channel: str | None  # where the reminder was posted, for chat.update
    ts: str | None
    snoozed_until: datetime | None = None


@dataclass(frozen=True)
class DigestItem:
    reference: str
    initials: str
    order_type: str
    text: str  # what is due or what happened, with times: "hearing deadline Tue 07 Apr 2026 20:00 BST"
    officer_slack_id: str


@dataclass(frozen=True)
class DigestSection:
    key: str
    title: str
    items: tuple[DigestItem, ...]
    show_all: Command  # where the full list is


@dataclass(frozen=True)
class TeamDigest:
    team_id: int
    team_name: str
    local_date: date
    generated_at: datetime
    sections: tuple[DigestSection, ...]
    late_note: str | None = None  # "(late: due 07:00)" when sent after the bot was down

    @property
    def total(self) -> int:
        return sum(len(s.items) for s in self.sections)

    @property
    def summary(self) -> str:
        """One line of counts, for the notification text."""
        counts = ", ".join(f"{len(s.items)} {s.title.lower()}" for s in self.sections if s.items)
        return f"Daily digest for {self.team_name}, {self.local_date:%a %d %b}: {counts or 'nothing to report'}"
