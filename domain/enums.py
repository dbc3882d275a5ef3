"""Enumerations the tables store and every layer names. Order types and ranks live in rules/ (they are law)."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    OFFICER = "officer"
    SUPERVISOR = "supervisor"
    CHAMPION = "champion"
    ADMIN = "admin"


class OrderStatus(StrEnum):
    ACTIVE = "active"  # a notice awaiting its hearing, or an order in force
    SUPERSEDED = "superseded"  # a notice whose application was granted: the order replaces it
    REFUSED = "refused"  # a notice whose application the court refused
    LAPSED = "lapsed"  # a notice whose 48-hour hearing deadline passed with no decision
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"
    DISCHARGED = "discharged"
    CLOSED = "closed"

    @property
    def is_open(self) -> bool:
        return self is OrderStatus.ACTIVE


class RiskLevel(StrEnum):
    STANDARD = "standard"
    MEDIUM = "medium"
    HIGH = "high"


class HearingOutcome(StrEnum):
    GRANTED = "granted"
    REFUSED = "refused"
    ADJOURNED = "adjourned"
    WITHDRAWN = "withdrawn"


class NotificationKind(StrEnum):
    INITIAL = "initial"  # DAA 2021 s41(2); Stalking Protection Act 2019 s9(1)
    CHANGE = "change"  # a change of name or home address, DAA 2021 s41(4)-(6)


class ReminderState(StrEnum):
    PENDING = "pending"
    CLAIMED = "claimed"
    SENT = "sent"
    ACKNOWLEDGED = "acknowledged"
    FAILED = "failed"
    CANCELLED = "cancelled"


class DigestState(StrEnum):
    CLAIMED = "claimed"  # a process is sending it, until claimed_until; then another may take over
    SENT = "sent"
    SKIPPED = "skipped"  # too late to be useful, or nowhere to send it: last_error says which
