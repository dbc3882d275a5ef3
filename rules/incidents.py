"""The clocks around a domestic-abuse incident, the DASH risk level and when a MARAC referral is due.

None of these is statute. The DASH thresholds are the SafeLives DASH risk checklist's; the crime
recording clock is the Home Office Counting Rules' (the National Crime Recording Standard), which
the Home Secretary requires forces to follow for the crime statistics but which is not itself law;
attendance, the DASH and the "protective notice considered" decision run to local protocols, so
their hours are the force's settings (config: IncidentPolicy). Each clock is data with its source
and the setting that sets it, listed in the legal register (rules/register.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from domain.enums import RiskLevel

# --- DASH (SafeLives Domestic Abuse, Stalking and Harassment and Honour Based Violence checklist) ---

DASH_QUESTIONS = 27
DASH_HIGH_FROM = 14  # 14 or more "yes" answers: high risk (visible high risk)
DASH_MEDIUM_FROM = 10  # 10 to 13: medium; fewer: standard
DASH_SOURCE = "SafeLives DASH risk checklist (2009) and its practice guidance"
_ORDER = (RiskLevel.STANDARD, RiskLevel.MEDIUM, RiskLevel.HIGH)


class DashError(ValueError):
    """A DASH count outside 0 to 27."""


@dataclass(frozen=True)
class DashRuling:
    level: RiskLevel
    by_count: RiskLevel
    yes_answers: int
    judgement: RiskLevel | None  # the officer's professional judgement, where it raised the level
    working: str


def level_from_count(yes_answers: int) -> RiskLevel:
    if not 0 <= yes_answers <= DASH_QUESTIONS:
        raise DashError(f"A DASH has {DASH_QUESTIONS} questions: {yes_answers} yes answers cannot be right.")
    if yes_answers >= DASH_HIGH_FROM:
        return RiskLevel.HIGH
    if yes_answers >= DASH_MEDIUM_FROM:
        return RiskLevel.MEDIUM
    return RiskLevel.STANDARD


def dash_level(yes_answers: int, judgement: RiskLevel | None = None) -> DashRuling:
    """The risk level from the count of "yes" answers, raised (never lowered) by professional
    judgement: the checklist's guidance lets an officer grade a case high on judgement alone, and a
    count is a floor, not a ceiling."""
    by_count = level_from_count(yes_answers)
    raised = judgement is not None and _ORDER.index(judgement) > _ORDER.index(by_count)
    level = judgement if raised and judgement is not None else by_count
    working = (
        f"{yes_answers} of {DASH_QUESTIONS} yes: {by_count.value} "
        f"({DASH_HIGH_FROM}+ high, {DASH_MEDIUM_FROM}-{DASH_HIGH_FROM - 1} medium, else standard)"
    )
    if raised:
        working += f"; raised to {level.value} on professional judgement"
    return DashRuling(level, by_count, yes_answers, judgement if raised else None, working)


# --- the incident clocks ---


@dataclass(frozen=True)
class IncidentClock:
    """A clock started by the report of an incident: its hours, its source and the setting."""

    register_id: str
    label: str
    citation: str  # not statute: the guidance or protocol it comes from
    setting: str  # the variable that sets its hours
    default_hours: int


ATTENDANCE = {
    RiskLevel.HIGH: IncidentClock(
        "incident.attendance.high",
        "attendance (high risk)",
        "local attendance protocol",
        "DVPN_ATTEND_HIGH_HOURS",
        1,
    ),
    RiskLevel.MEDIUM: IncidentClock(
        "incident.attendance.medium",
        "attendance (medium risk)",
        "local attendance protocol",
        "DVPN_ATTEND_MEDIUM_HOURS",
        24,
    ),
    RiskLevel.STANDARD: IncidentClock(
        "incident.attendance.standard",
        "attendance (standard risk)",
        "local attendance protocol",
        "DVPN_ATTEND_STANDARD_HOURS",
        48,
    ),
}
DASH_COMPLETED = IncidentClock("incident.dash", "DASH completed", "local DASH protocol", "DVPN_DASH_DUE_HOURS", 24)
CRIME_RECORDED = IncidentClock(
    "incident.crime_recorded",
    "crime recorded",
    "Home Office Counting Rules for Recorded Crime, General Rules, Section A (NCRS), April 2024",
    "DVPN_CRIME_RECORDED_HOURS",
    24,
)
CONSIDERED = IncidentClock(
    "incident.notice_considered",
    "DVPN/DAPN considered",
    "local protocol after HMICFRS inspections on protective powers",
    "DVPN_NOTICE_CONSIDERED_HOURS",
    24,
)
MARAC_REFERRAL = IncidentClock(
    "marac.referral",
    "MARAC referral",
    "SafeLives MARAC principles and the local MARAC operating protocol",
    "DVPN_MARAC_REFERRAL_HOURS",
    24,
)
CLOCKS: tuple[IncidentClock, ...] = (*ATTENDANCE.values(), DASH_COMPLETED, CRIME_RECORDED, CONSIDERED, MARAC_REFERRAL)


@dataclass(frozen=True)
class ClockDue:
    """One incident clock's deadline with its working."""

    clock: IncidentClock
    started_at: datetime
    hours: int
    at: datetime

    @property
    def working(self) -> str:
        return f"{self.clock.label}: {self.hours} hours from {self.started_at:%H:%M %d %b %Y} ({self.clock.citation})"


def clock_due(clock: IncidentClock, started_at: datetime, hours: Mapping[str, int] | None = None) -> ClockDue:
    """Elapsed hours, no days disregarded: these protocols count every hour (a weekend report is
    attended, and its crime recorded, within the same hours)."""
    chosen = (hours or {}).get(clock.setting, clock.default_hours)
    return ClockDue(clock, started_at, chosen, started_at + timedelta(hours=chosen))


def attendance_due(reported_at: datetime, level: RiskLevel | None, hours: Mapping[str, int] | None = None) -> ClockDue:
    """Attendance by risk level; an incident not yet assessed runs to the standard clock until its
    DASH is recorded (the protocol's default), and re-runs from the report when a level is set."""
    return clock_due(ATTENDANCE[level or RiskLevel.STANDARD], reported_at, hours)


# --- MARAC: when a referral is due ---

ESCALATION_SETTING = "DVPN_MARAC_ESCALATION_INCIDENTS"
ESCALATION_DEFAULT = 3  # SafeLives: a third police call-out in 12 months is "potential escalation"
ESCALATION_WINDOW_DAYS = 365


class MaracReason:
    HIGH_RISK = "high risk (DASH)"
    JUDGEMENT = "high risk on professional judgement"
    ESCALATION = "escalation"


@dataclass(frozen=True)
class MaracTrigger:
    reason: str
    since: datetime  # when the referral clock starts
    working: str


def escalation(
    victim_incidents: Iterable[datetime], at: datetime, threshold: int = ESCALATION_DEFAULT
) -> MaracTrigger | None:
    """The victim's incidents in the 12 months up to and including `at` reach the threshold."""
    return escalation_of_count(incidents_in_window(victim_incidents, at), at, threshold)


def incidents_in_window(victim_incidents: Iterable[datetime], at: datetime) -> int:
    """How many of the victim's incidents were reported in the 12 months up to and including `at`:
    one exactly 365 days before is outside."""
    window_start = at - timedelta(days=ESCALATION_WINDOW_DAYS)
    return sum(1 for t in victim_incidents if window_start < t <= at)


def escalation_of_count(inside: int, at: datetime, threshold: int = ESCALATION_DEFAULT) -> MaracTrigger | None:
    """The same ruling from the count of the victim's incidents in the window, when it is already
    counted (the kept incident.escalation_count, read by services.incidents.referrals_due)."""
    if inside < threshold:
        return None
    return MaracTrigger(
        MaracReason.ESCALATION,
        at,
        f"{inside} incidents against this victim in the 12 months to {at:%d %b %Y} "
        f"(escalation at {threshold}, {ESCALATION_SETTING})",
    )


def marac_trigger(
    ruling: DashRuling | None, dash_at: datetime | None, escalated: MaracTrigger | None
) -> MaracTrigger | None:
    """Why a referral is due, the earliest reason first; None when none applies."""
    triggers: list[MaracTrigger] = []
    if ruling is not None and dash_at is not None and ruling.level is RiskLevel.HIGH:
        reason = MaracReason.HIGH_RISK if ruling.by_count is RiskLevel.HIGH else MaracReason.JUDGEMENT
        triggers.append(MaracTrigger(reason, dash_at, ruling.working))
    if escalated is not None:
        triggers.append(escalated)
    return min(triggers, key=lambda t: t.since) if triggers else None
