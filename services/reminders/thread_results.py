"""What a record thread's post says, as facts for blocks/record_thread.py: the record by reference,
type, initials and status, and the event a reply is about. Nothing personal: no names, no court
(typed as free text), no outcome notes. No database here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from services.reporting.list_results import NextDeadline


@dataclass(frozen=True)
class ThreadRecord:
    reference: str
    order_type: str
    initials: str  # the perpetrator's
    status: str  # domain.enums.OrderStatus's value
    state: str  # rules.lifecycle.State's value: where the record is in its life
    next_deadline: NextDeadline | None
    tz: ZoneInfo


@dataclass(frozen=True)
class ThreadEvent:
    """What a reply is about (one of them set), by the kind services/records/thread_plan.py gave it."""

    hearing_at: datetime | None = None  # a hearing booked for then
    outcome: str | None = None  # domain.enums.HearingOutcome's value
    breach_at: datetime | None = None  # a breach that happened then
    ended: str | None = None  # the status the record ended in


@dataclass(frozen=True)
class ThreadPostFacts:
    post_id: int
    kind: str
    channel: str
    thread_ts: str | None  # the root's ts, for a reply; None for the root
    ts: str | None  # this post's own, once posted (the root's, for its rewrite)
    created_at: datetime  # when it was planned: an earlier attempt cannot have posted it before
    record: ThreadRecord
    event: ThreadEvent

    @property
    def is_root(self) -> bool:
        return self.thread_ts is None
