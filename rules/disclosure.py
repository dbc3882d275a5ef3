"""The Domestic Violence Disclosure Scheme ("Clare's Law"): its two routes, the stages a request
passes through, and the completion target, as data.

The scheme is not statute: it rests on the police's common-law power to disclose, and its
procedure is the statutory guidance the Secretary of State issues under DAA 2021 s77 (chief
officers must have regard to it). The version relied on is GUIDANCE below.

Stages are read from a request's facts (the times recorded), never stored, as for notices and
orders: received, checks done, referred to the decision forum, decided (disclose or not, with the
reason), then disclosure made (to whom, when) or closed.

The completion target is counted in calendar days, not working days, for three reasons: the
guidance gives its timescale in days without excluding weekends or bank holidays; the risk to the
person at risk does not pause on a bank holiday; and the excluded-day rules the tracker knows
(CSA 2010 s27, DAA 2021 s29) belong to court clocks, which this is not. The period is read as
"N days beginning with the day the request was received" (the day of receipt is day 1), the
reading the tracker gives every calendar-day period: it gives the earlier of the two possible
ends, so a request is never shown as in time when on the other reading it is not. It ends at the
end of its last day, local time, so a change to or from summer time inside the period moves only
the UTC instant, never the day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from rules.clock import LONDON
from rules.periods import PeriodEnd, days_beginning_with

GUIDANCE = (
    "Domestic Violence Disclosure Scheme (DVDS) Statutory Guidance, Home Office, April 2023 "
    "(GOV.UK accessible version updated 16 August 2023)"
)
GUIDANCE_CITATION = "DAA 2021 s77"
TARGET_CITATION = f"{GUIDANCE_CITATION}; DVDS Statutory Guidance, April 2023"
DEFAULT_TARGET_DAYS = 28
DEFAULT_NEAR_DAYS = 7


class Route(StrEnum):
    """How a request entered the scheme."""

    ASK = "ask"  # Right to Ask: a member of the public (the person at risk or a third party) applies
    KNOW = "know"  # Right to Know: the police act on information they hold or receive

    @property
    def label(self) -> str:
        return "Right to Ask" if self is Route.ASK else "Right to Know"

    @classmethod
    def parse(cls, text: str) -> Route | None:
        word = text.strip().lower().replace("-", " ").removeprefix("right to ").strip()
        return {"ask": cls.ASK, "rta": cls.ASK, "know": cls.KNOW, "rtk": cls.KNOW}.get(word)


class Stage(StrEnum):
    RECEIVED = "received"
    CHECKS = "checks done"
    FORUM = "at the decision forum"
    DECIDED = "decided"
    DISCLOSED = "disclosure made"
    CLOSED = "closed"


class Decision(StrEnum):
    DISCLOSE = "disclose"
    DECLINE = "decline"  # no disclosure: the reason is recorded


class Step(StrEnum):
    """What can happen to a request."""

    CHECKS = "checks"
    FORUM = "forum"
    DECIDE = "decide"
    DISCLOSED = "disclosed"
    CLOSE = "close"


ENDED = frozenset({Stage.DISCLOSED, Stage.CLOSED})


@dataclass(frozen=True)
class Facts:
    """The times and decision recorded on a request: its stage is read from them."""

    checks_at: datetime | None = None
    forum_at: datetime | None = None
    decided_at: datetime | None = None
    decision: Decision | None = None
    disclosed_at: datetime | None = None
    closed_at: datetime | None = None


def stage_of(facts: Facts) -> Stage:
    if facts.closed_at is not None:
        return Stage.CLOSED
    if facts.disclosed_at is not None:
        return Stage.DISCLOSED
    if facts.decided_at is not None:
        return Stage.DECIDED
    if facts.forum_at is not None:
        return Stage.FORUM
    if facts.checks_at is not None:
        return Stage.CHECKS
    return Stage.RECEIVED


@dataclass(frozen=True)
class Refusal:
    why: str
    instead: str  # what to do instead: the step's word, or "" where nothing can be done


def refusal(facts: Facts, step: Step) -> Refusal | None:
    """None when `step` may happen now; otherwise why not and what to do instead. A forum may meet
    before every check is back (the guidance leaves the order to the force), but a decision needs
    the checks, and a disclosure needs a decision to disclose."""
    stage = stage_of(facts)
    if stage in ENDED:
        return Refusal(f"the request has ended ({stage.value})", "")
    after_decision = "disclosed" if facts.decision is Decision.DISCLOSE else "close"
    if step in (Step.CHECKS, Step.FORUM, Step.DECIDE) and facts.decided_at is not None:
        return Refusal("a decision is already recorded", after_decision)
    if step is Step.CHECKS and facts.checks_at is not None:
        return Refusal("the checks are already recorded", "decide")
    if step is Step.FORUM and facts.forum_at is not None:
        return Refusal("the decision forum is already recorded", "decide")
    if step is Step.DECIDE and facts.checks_at is None:
        return Refusal("the checks are not recorded yet", "checks")
    if step is Step.DISCLOSED and facts.decision is None:
        return Refusal("no decision is recorded yet", "decide")
    if step is Step.DISCLOSED and facts.decision is Decision.DECLINE:
        return Refusal("the decision was not to disclose", "close")
    return None


@dataclass(frozen=True)
class Clock:
    """One deadline a request implies, for the reminder plan and for the screen: its kind, when
    it falls due, and the working an officer can check."""

    kind: str
    due_at: datetime
    working: tuple[str, ...]


TARGET_KIND = "dvds_target"
NEAR_KIND = "dvds_target_near"


def completion_target(received_at: datetime, days: int = DEFAULT_TARGET_DAYS, tz: ZoneInfo = LONDON) -> PeriodEnd:
    """The end of the completion target for a request received at `received_at`."""
    return days_beginning_with(
        received_at, days, label="Clare's Law completion target", citation=TARGET_CITATION, tz=tz
    )


def target_working(end: PeriodEnd, days: int) -> tuple[str, ...]:
    policy = "" if days == DEFAULT_TARGET_DAYS else f" (the force's setting; the guidance says {DEFAULT_TARGET_DAYS})"
    return (
        *end.explanation(),
        f"Target: {days} days{policy}, calendar days: weekends and bank holidays count ({GUIDANCE}).",
    )


def clocks(
    received_at: datetime,
    facts: Facts,
    *,
    target_days: int = DEFAULT_TARGET_DAYS,
    near_days: int = DEFAULT_NEAR_DAYS,
    tz: ZoneInfo = LONDON,
) -> tuple[Clock, ...]:
    """The deadlines an open request implies: the completion target, and a warning `near_days`
    before it (none once the request has ended, or when the warning would fall on or before receipt)."""
    if stage_of(facts) in ENDED:
        return ()
    end = completion_target(received_at, target_days, tz)
    working = target_working(end, target_days)
    target = Clock(TARGET_KIND, end.at, working)
    near_at = end.at - timedelta(days=near_days)
    if near_days <= 0 or near_at <= received_at:
        return (target,)
    near_working = (f"{near_days} days before the target ({end.at:%a %d %b %Y %H:%M} {end.at.tzname()}).", *working)
    return (Clock(NEAR_KIND, near_at, near_working), target)


class Standing(StrEnum):
    """Where an open request stands against its target."""

    DUE = "due"  # running, more than the warning period left
    NEAR = "near"  # within the warning period
    PAST = "past target"


def standing(target_at: datetime, now: datetime, near_days: int = DEFAULT_NEAR_DAYS) -> Standing:
    if now >= target_at:
        return Standing.PAST
    if now >= target_at - timedelta(days=near_days):
        return Standing.NEAR
    return Standing.DUE


def days_taken(received_at: datetime, completed_at: datetime, tz: ZoneInfo = LONDON) -> int:
    """Days from receipt to completion, counted as the target counts them: the day of receipt is day 1."""
    return (completed_at.astimezone(tz).date() - received_at.astimezone(tz).date()).days + 1
