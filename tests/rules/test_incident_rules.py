"""DASH levels, the incident clocks and when a MARAC referral is due: worked cases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain.enums import RiskLevel
from rules.incidents import (
    ATTENDANCE,
    CRIME_RECORDED,
    DashError,
    MaracReason,
    attendance_due,
    clock_due,
    dash_level,
    escalation,
    marac_trigger,
)

REPORTED = datetime(2026, 10, 24, 23, 30, tzinfo=UTC)  # Saturday night, the eve of the clocks going back


@pytest.mark.parametrize(
    ("yes", "level"),
    [
        (0, RiskLevel.STANDARD),
        (9, RiskLevel.STANDARD),
        (10, RiskLevel.MEDIUM),
        (13, RiskLevel.MEDIUM),
        (14, RiskLevel.HIGH),
        (27, RiskLevel.HIGH),
    ],
)
def test_the_dash_level_follows_the_count_at_its_thresholds(yes: int, level: RiskLevel) -> None:
    ruling = dash_level(yes)
    assert ruling.level is level
    assert ruling.judgement is None
    assert ruling.working.startswith(f"{yes} of 27 yes: {level.value}")


def test_professional_judgement_raises_the_level_and_never_lowers_it() -> None:
    raised = dash_level(6, RiskLevel.HIGH)
    assert (raised.level, raised.by_count, raised.judgement) == (RiskLevel.HIGH, RiskLevel.STANDARD, RiskLevel.HIGH)
    assert raised.working.endswith("raised to high on professional judgement")
    kept = dash_level(15, RiskLevel.STANDARD)
    assert (kept.level, kept.judgement) == (RiskLevel.HIGH, None)


@pytest.mark.parametrize("yes", [-1, 28])
def test_a_count_outside_the_checklist_is_refused(yes: int) -> None:
    with pytest.raises(DashError, match="27 questions"):
        dash_level(yes)


def test_attendance_runs_by_risk_with_the_force_s_hours_and_counts_every_hour() -> None:
    # Across the night the clocks go back: elapsed hours, so 48 h is 48 h of real time.
    standard = attendance_due(REPORTED, None)
    assert standard.clock is ATTENDANCE[RiskLevel.STANDARD]
    assert standard.at == REPORTED + timedelta(hours=48)
    assert attendance_due(REPORTED, RiskLevel.HIGH).at == REPORTED + timedelta(hours=1)
    assert attendance_due(REPORTED, RiskLevel.MEDIUM, {"DVPN_ATTEND_MEDIUM_HOURS": 12}).at == REPORTED + timedelta(
        hours=12
    )


def test_the_crime_recording_clock_cites_the_counting_rules_it_relies_on() -> None:
    due = clock_due(CRIME_RECORDED, REPORTED)
    assert due.at == datetime(2026, 10, 25, 23, 30, tzinfo=UTC)
    assert "Home Office Counting Rules" in due.working and "April 2024" in due.working


def test_high_risk_makes_a_referral_due_from_the_assessment() -> None:
    dash_at = REPORTED + timedelta(hours=3)
    trigger = marac_trigger(dash_level(14), dash_at, None)
    assert trigger is not None and (trigger.reason, trigger.since) == (MaracReason.HIGH_RISK, dash_at)
    judged = marac_trigger(dash_level(8, RiskLevel.HIGH), dash_at, None)
    assert judged is not None and judged.reason == MaracReason.JUDGEMENT
    assert marac_trigger(dash_level(13), dash_at, None) is None


def test_a_third_incident_within_twelve_months_is_escalation_whatever_the_level() -> None:
    now = datetime(2026, 12, 1, 12, tzinfo=UTC)
    two = [now - timedelta(days=300), now]
    assert escalation(two, now) is None
    three = [now - timedelta(days=364), now - timedelta(days=30), now]
    found = escalation(three, now)
    assert found is not None and "3 incidents" in found.working
    stale = [now - timedelta(days=366), now - timedelta(days=30), now]  # the first is outside the 12 months
    assert escalation(stale, now) is None
    assert escalation(two, now, threshold=2) is not None
    trigger = marac_trigger(dash_level(3), now, found)
    assert trigger is not None and trigger.reason == MaracReason.ESCALATION
