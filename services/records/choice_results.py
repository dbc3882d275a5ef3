"""What the record picker offers: references with their type and initials, no personal data."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RecordChoice:
    reference: str
    order_type: str
    initials: str
    status: str


@dataclass(frozen=True)
class RecordChoices:
    """`own`: the user's teams' records; `beyond`: others they may read once they give a reason."""

    own: tuple[RecordChoice, ...]
    beyond: tuple[RecordChoice, ...]
