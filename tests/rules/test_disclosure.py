"""Clare's Law rules (rules/disclosure.py): the completion target's worked cases, in calendar days
beginning with the day of receipt, across summer time and bank holidays; the warning before it;
where a request stands; and which steps each stage allows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from rules.disclosure import (
    NEAR_KIND,
    TARGET_KIND,
    Decision,
    Facts,
    Route,
    Stage,
    Standing,
    Step,
    clocks,
    completion_target,
    days_taken,
    refusal,
    stage_of,
    standing,
)
from tests.support.force import london

T = london("2026-03-10 14:00")


def test_a_target_across_the_clock_change_and_easter_ends_at_local_midnight() -> None:
    # Received Tue 10 Mar 2026. Day 1 is 10 Mar; day 28 is Mon 6 Apr (Easter Monday, a bank holiday:
    # it counts). Summer time began Sun 29 Mar, so the end, 00:00 BST on 7 Apr, is 23:00 UTC on 6 Apr.
    end = completion_target(T, 28)
    assert end.last_day.isoformat() == "2026-04-06"
    assert end.at == london("2026-04-07 00:00")
    assert end.at.astimezone(UTC) == datetime(2026, 4, 6, 23, 0, tzinfo=UTC)
    # Local days are counted, not 28 x 24 hours: the period holds one hour fewer (the hour lost to summer time).
    elapsed = end.at.astimezone(UTC) - london("2026-03-10 00:00").astimezone(UTC)
    assert elapsed == timedelta(days=28) - timedelta(hours=1)


def test_a_request_received_just_before_midnight_counts_that_day_as_day_one() -> None:
    late = completion_target(london("2026-03-10 23:59"), 28)
    assert late.at == completion_target(london("2026-03-10 00:00"), 28).at == london("2026-04-07 00:00")


def test_christmas_and_new_year_count_and_the_autumn_change_moves_only_the_utc_instant() -> None:
    assert completion_target(london("2026-12-20 09:00"), 28).last_day.isoformat() == "2027-01-16"
    # Received Fri 16 Oct 2026; summer time ends Sun 25 Oct: day 28 is Thu 12 Nov, ending 00:00 GMT.
    end = completion_target(london("2026-10-16 09:00"), 28)
    assert end.at == london("2026-11-13 00:00") and end.at.utcoffset() == timedelta(0)


def test_the_target_is_a_setting_and_the_working_says_so() -> None:
    (target,) = [c for c in clocks(T, Facts(), target_days=35) if c.kind == TARGET_KIND]
    assert target.due_at == london("2026-04-14 00:00")
    assert any("the force's setting; the guidance says 28" in line for line in target.working)
    assert any("weekends and bank holidays count" in line for line in target.working)
    assert any("DAA 2021 s77" in line for line in target.working)


def test_an_open_request_has_a_warning_before_its_target_and_an_ended_one_has_no_clock() -> None:
    near, target = clocks(T, Facts(), near_days=7)
    assert (near.kind, target.kind) == (NEAR_KIND, TARGET_KIND)
    assert near.due_at == london("2026-03-31 00:00")  # 7 x 24 hours before 00:00 BST on 7 Apr
    assert clocks(T, Facts(checks_at=T, decided_at=T, decision=Decision.DISCLOSE, disclosed_at=T)) == ()
    assert clocks(T, Facts(closed_at=T)) == ()
    assert [c.kind for c in clocks(T, Facts(), near_days=0)] == [TARGET_KIND]
    assert [c.kind for c in clocks(T, Facts(), target_days=3, near_days=7)] == [TARGET_KIND]


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        ("2026-03-30 23:59", Standing.DUE),
        ("2026-03-31 00:00", Standing.NEAR),
        ("2026-04-06 23:59", Standing.NEAR),
        ("2026-04-07 00:00", Standing.PAST),
    ],
)
def test_where_a_request_stands(now: str, expected: Standing) -> None:
    assert standing(london("2026-04-07 00:00"), london(now), 7) is expected


def test_days_taken_counts_the_day_of_receipt_as_day_one() -> None:
    assert days_taken(T, london("2026-03-10 18:00")) == 1
    assert days_taken(T, london("2026-04-06 23:00")) == 28


def test_routes_are_read_as_officers_write_them() -> None:
    assert Route.parse("Right-to-Ask") is Route.ASK and Route.parse("rtk") is Route.KNOW
    assert Route.parse("maybe") is None
    assert Route.ASK.label == "Right to Ask"


def test_stages_are_read_from_the_facts() -> None:
    assert stage_of(Facts()) is Stage.RECEIVED
    assert stage_of(Facts(checks_at=T)) is Stage.CHECKS
    assert stage_of(Facts(checks_at=T, forum_at=T)) is Stage.FORUM
    assert stage_of(Facts(checks_at=T, decided_at=T, decision=Decision.DECLINE)) is Stage.DECIDED
    assert stage_of(Facts(closed_at=T)) is Stage.CLOSED


@pytest.mark.parametrize(
    ("facts", "step", "instead"),
    [
        (Facts(), Step.DECIDE, "checks"),  # a decision needs the checks
        (Facts(), Step.DISCLOSED, "decide"),
        (Facts(checks_at=T), Step.CHECKS, "decide"),
        (Facts(checks_at=T, forum_at=T), Step.FORUM, "decide"),
        (Facts(checks_at=T, decided_at=T, decision=Decision.DECLINE), Step.DISCLOSED, "close"),
        (Facts(checks_at=T, decided_at=T, decision=Decision.DISCLOSE), Step.DECIDE, "disclosed"),
        (Facts(checks_at=T, decided_at=T, decision=Decision.DISCLOSE), Step.FORUM, "disclosed"),
        (Facts(closed_at=T), Step.CLOSE, ""),
        (Facts(checks_at=T, decided_at=T, decision=Decision.DISCLOSE, disclosed_at=T), Step.CLOSE, ""),
    ],
)
def test_a_step_the_stage_does_not_allow_is_refused_with_what_to_do(facts: Facts, step: Step, instead: str) -> None:
    refused = refusal(facts, step)
    assert refused is not None and refused.instead == instead


@pytest.mark.parametrize(
    ("facts", "step"),
    [
        (Facts(), Step.CHECKS),
        (Facts(), Step.FORUM),  # a forum may meet before the checks are back
        (Facts(), Step.CLOSE),
        (Facts(forum_at=T), Step.CHECKS),
        (Facts(checks_at=T), Step.DECIDE),
        (Facts(checks_at=T, decided_at=T, decision=Decision.DISCLOSE), Step.DISCLOSED),
        (Facts(checks_at=T, decided_at=T, decision=Decision.DECLINE), Step.CLOSE),
    ],
)
def test_the_steps_each_stage_allows(facts: Facts, step: Step) -> None:
    assert refusal(facts, step) is None
