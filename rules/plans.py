"""Perpetrator management plans: force policy, not law. The kinds of action a multi-agency tasking
meeting agrees (disrupt, divert, enforce, support, e.g. a referral to a perpetrator programme), and
the clocks an open plan implies, as pure data for the reminder plan: each action's due date, and
the plan's review date."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from rules.disclosure import Clock


class ActionKind(StrEnum):
    DISRUPT = "disrupt"
    DIVERT = "divert"
    ENFORCE = "enforce"
    SUPPORT = "support"


ACTION_KIND = "plan_action_due"
REVIEW_KIND = "plan_review_due"


@dataclass(frozen=True)
class OpenAction:
    number: int
    kind: ActionKind
    due_at: datetime


def plan_clocks(review_at: datetime | None, actions: Sequence[OpenAction], closed: bool) -> tuple[Clock, ...]:
    """The deadlines an open plan implies: each open action's due date and the review date."""
    if closed:
        return ()
    found = [
        Clock(ACTION_KIND, a.due_at, (f"Action {a.number} ({a.kind.value}) is due by its date, as agreed.",))
        for a in actions
    ]
    if review_at is not None:
        found.append(Clock(REVIEW_KIND, review_at, ("The plan is to be reviewed by the date set.",)))
    return tuple(sorted(found, key=lambda c: c.due_at))
