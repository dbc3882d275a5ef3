"""The lifecycle table (rules/lifecycle.py) is complete and says why for every refusal."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from rules.lifecycle import (
    ALLOWED,
    DOING,
    IMPLIES,
    NOTICE_STATES,
    ORDER_STATES,
    Event,
    Reminders,
    Situation,
    State,
    refusal,
    state_of,
    table,
)
from tests.support.force import london

NOW = london("2026-04-06 12:00")
DEADLINE = london("2026-04-07 20:00")


def notice(**changes: object) -> Situation:
    values: dict[str, object] = dict(
        is_notice=True,
        open=True,
        marked_lapsed=False,
        deadline=DEADLINE,
        listed_by_deadline=False,
        pending_hearing_at=None,
    )
    values.update(changes)
    return Situation(**values)  # type: ignore[arg-type]


def test_every_state_has_its_allowed_events_its_reminders_and_its_place_in_a_table() -> None:
    assert set(ALLOWED) == set(State) == set(IMPLIES)
    assert set(NOTICE_STATES) | set(ORDER_STATES) == set(State)
    assert set(DOING) == set(Event)


@pytest.mark.parametrize("state", list(State))
@pytest.mark.parametrize("event", list(Event))
def test_every_refusal_says_why_and_what_to_do_instead(state: State, event: Event) -> None:
    refused = refusal(state, event)
    if event in ALLOWED[state]:
        assert refused is None
        return
    assert refused is not None and refused.why and refused.instead[0].isupper()


def test_corrections_and_the_calendar_are_allowed_in_every_state() -> None:
    """A record's details can be corrected, and the excluded days changed under its clocks, whatever
    its state: the hooks a correction and an added excluded day go through."""
    assert all({Event.CORRECT, Event.EXCLUDED_DAY} <= allowed for allowed in ALLOWED.values())


def test_a_notice_moves_through_its_states_with_the_facts_and_the_clock() -> None:
    assert state_of(notice(), NOW) is State.AWAITING_LISTING
    listed = notice(listed_by_deadline=True, pending_hearing_at=london("2026-04-07 10:00"))
    assert state_of(listed, NOW) is State.LISTED
    assert state_of(listed, london("2026-04-07 10:00")) is State.OUTCOME_DUE
    assert state_of(listed, DEADLINE + timedelta(days=1)) is State.OUTCOME_DUE  # heard in time: never lapsed
    late = notice(pending_hearing_at=london("2026-04-08 10:00"))
    assert state_of(late, NOW) is State.LISTED_LATE
    assert state_of(late, DEADLINE) is State.LAPSED  # a hearing listed after the deadline saves nothing
    assert state_of(notice(), DEADLINE) is State.LAPSED
    assert state_of(notice(open=False, marked_lapsed=True), NOW) is State.LAPSED
    assert state_of(notice(open=False), NOW) is State.ENDED


def test_only_a_hearing_that_has_sat_can_be_adjourned_or_decided() -> None:
    for state in (State.LISTED, State.LISTED_LATE):
        for event in (Event.ADJOURN_HEARING, Event.DECIDE_HEARING):
            refused = refusal(state, event)
            assert refused is not None and refused.why == "its hearing has not taken place yet"
    assert refusal(State.OUTCOME_DUE, Event.ADJOURN_HEARING) is None
    assert refusal(State.OUTCOME_DUE, Event.DECIDE_HEARING) is None


def test_a_lapsed_notice_keeps_only_its_lapse_alerts() -> None:
    assert IMPLIES[State.LAPSED] == {Reminders.LAPSE_ALERT}
    assert IMPLIES[State.ENDED] == frozenset()
    refused = refusal(State.LAPSED, Event.BOOK_HEARING)
    assert refused is not None and refused.citation == "CSA 2010 s27(3); DAA 2021 s29(2)"


def test_the_architecture_page_shows_the_tables_as_they_are() -> None:
    page = (Path(__file__).parents[2] / "ARCHITECTURE.md").read_text(encoding="utf-8")
    assert table(NOTICE_STATES) in page and table(ORDER_STATES) in page
