"""Name matching (rules.names) and the repeat-perpetrator rule (rules.repeat): pure functions."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rules.names import (
    MAX_KEYS,
    VARIANT_GROUPS,
    is_pnc_id,
    name_key,
    name_query,
    normalise_pnc_id,
    unfolded_key,
    variants,
)
from rules.repeat import RepeatPolicy, months_before, repeat_reason, window_start

LONDON = ZoneInfo("Europe/London")


@pytest.mark.parametrize(
    "typed, key",
    [
        ("John Smith", "john smith"),
        ("  JOHN   smith ", "john smith"),
        ("O'Brien-Smith, Seán", "obrien smith sean"),
        ("Zoë D'Arcy", "zoe darcy"),
        ("Mary-Jane  Watson-Parker", "mary jane watson parker"),
        ("!!!", ""),
    ],
)
def test_the_key_ignores_case_spacing_punctuation_and_accents(typed: str, key: str) -> None:
    assert name_key(typed) == key


@pytest.mark.parametrize("typed", ["John Smith", "O'Brien-Smith, Sam", "  Mary   JONES ", "Zoë Ann", "Łukasz Nowak"])
def test_a_search_reaches_both_the_stored_key_and_the_key_of_rows_stored_before_accents_were_folded(
    typed: str,
) -> None:
    keys = name_query(typed).keys
    assert name_key(typed) in keys
    assert unfolded_key(typed) in keys


@pytest.mark.parametrize(
    "name, also",
    [
        ("jon", {"john", "jonathan"}),
        ("steve", {"stephen", "steven"}),
        ("mohammed", {"muhammad", "mohammad", "mohamed"}),
        ("kate", {"catherine", "katherine"}),
        ("bill", {"william"}),
        ("smith", {"smith"}),
    ],
)
def test_variants_of_a_given_name(name: str, also: set[str]) -> None:
    assert also | {name} <= variants(name)


def test_every_name_in_a_group_reaches_every_other() -> None:
    for group in VARIANT_GROUPS:
        for name in group:
            assert set(group) <= variants(name), name


def test_jonathan_is_not_john() -> None:
    assert "john" not in variants("jonathan") and "jonathan" not in variants("john")


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("John Smith", "john smith"),
        ("Smith, John", "john smith"),
        ("smith john", "john smith"),
        ("Jon Smith", "john smith"),
        ("Steve O'Brien", "stephen obrien"),
        ("Muhammad Khan", "mohammed khan"),
        ("Kate Brown", "katherine brown"),
        ("Bill Jones", "william jones"),
        ("John Paul Smith", "john smith"),  # a middle name typed but not recorded
        ("Smith, John", "smith john"),  # recorded surname first
    ],
)
def test_a_typed_name_reaches_the_stored_key(typed: str, stored: str) -> None:
    assert stored in name_query(typed).keys


def test_a_middle_name_recorded_but_not_typed_is_matched_by_first_and_last() -> None:
    query = name_query("Jon Smith")
    assert query.first_last[0] == ("jon", "smith")  # as typed, first: kept when the list is cut
    assert ("john", "smith") in query.first_last
    assert "john paul smith" not in query.keys  # found by the pattern "john % smith" instead


def test_nothing_name_like_gives_an_empty_query() -> None:
    assert name_query("!!! 123").empty
    assert name_query("").empty


def test_a_long_name_of_common_names_stays_bounded() -> None:
    query = name_query("Mohammed Stephen Catherine William Smith")
    assert "mohammed stephen catherine william smith" in query.keys
    assert len(query.keys) <= 3 * MAX_KEYS


@given(st.lists(st.text(alphabet="abcdefghijklmnopqrstuvwxyz'-", min_size=1, max_size=12), min_size=1, max_size=4))
def test_any_name_finds_itself_either_way_round(parts: list[str]) -> None:
    typed = " ".join(parts)
    if not name_key(typed):
        return
    assert name_key(typed) in name_query(typed).keys
    assert name_key(typed.upper()) in name_query(typed.title()).keys
    if len(parts) >= 2:
        surname_first = f"{parts[-1]}, {' '.join(parts[:-1])}"
        assert name_key(typed) in name_query(surname_first).keys


@pytest.mark.parametrize(
    "text, ok",
    [("12/345678U", True), ("2012/345678u", True), (" 12 / 3456789Z ", True), ("12/A", False), ("ABC", False)],
)
def test_pnc_ids(text: str, ok: bool) -> None:
    assert is_pnc_id(text) is ok


def test_a_pnc_id_is_compared_in_capitals_without_spaces() -> None:
    assert normalise_pnc_id(" 12/345678u ") == "12/345678U"


# -- the repeat flag (a force policy) --------------------------------------------------------------------


@pytest.mark.parametrize(
    "day, months, before",
    [
        (date(2026, 4, 2), 12, date(2025, 4, 2)),
        (date(2026, 5, 31), 6, date(2025, 11, 30)),
        (date(2024, 2, 29), 12, date(2023, 2, 28)),
        (date(2026, 1, 15), 1, date(2025, 12, 15)),
    ],
)
def test_months_before(day: date, months: int, before: date) -> None:
    assert months_before(day, months) == before


NOW = datetime(2026, 4, 2, 21, 0, tzinfo=LONDON)
POLICY = RepeatPolicy(orders=2, window_months=12, on_breach=True)


def test_the_window_starts_at_the_start_of_the_same_day_a_year_ago() -> None:
    assert window_start(NOW, 12, LONDON) == datetime(2025, 4, 2, 0, 0, tzinfo=LONDON)


def test_two_episodes_in_the_window_flag_a_repeat() -> None:
    starts = [datetime(2025, 4, 2, 0, 0, tzinfo=LONDON), datetime(2026, 3, 1, tzinfo=LONDON)]
    assert repeat_reason(starts, 0, NOW, POLICY, LONDON) == "2 notices/orders in the last 12 months"


def test_one_outside_the_window_does_not_count() -> None:
    starts = [datetime(2025, 4, 1, 23, 59, tzinfo=LONDON), datetime(2026, 3, 1, tzinfo=LONDON)]
    assert repeat_reason(starts, 0, NOW, POLICY, LONDON) is None


def test_a_breach_flags_a_repeat_only_if_the_setting_says_so() -> None:
    one = [datetime(2026, 3, 1, tzinfo=LONDON)]
    assert repeat_reason(one, 1, NOW, POLICY, LONDON) == "1 breach recorded"
    assert repeat_reason(one, 2, NOW, RepeatPolicy(2, 12, on_breach=False), LONDON) is None
