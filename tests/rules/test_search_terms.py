"""The words people are found by, and one-edit matching by deletion keys: the keys find every word
within one edit (checked against a plain edit distance on generated words), and no other."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from rules.search_terms import FUZZY_FROM, address_terms, looks_like_address, name_terms, one_edit_keys, within_one_edit


def test_name_words_are_the_name_key_split() -> None:
    assert name_terms("O'Brien-Smith, Seán") == {"obrien", "smith", "sean"}


def test_an_address_gives_its_words_and_its_postcode_both_ways() -> None:
    assert address_terms("Flat 2, 14 Acacia Avenue, Birmingham B14 7QT") == {
        "flat", "2", "14", "acacia", "avenue", "birmingham", "b14", "7qt", "b147qt",
    }  # fmt: skip
    assert address_terms("b147qt") == {"b147qt"}


def test_an_address_search_needs_a_number_or_two_words() -> None:
    assert [looks_like_address(t) for t in ("Smith", "Mill Lane", "B14 7QT", "14")] == [False, True, True, True]


def distance_at_most_one(a: str, b: str) -> bool:
    """Plain optimal-string-alignment distance <= 1, by dynamic programming."""
    rows = [[i + j if i * j == 0 else 0 for j in range(len(b) + 1)] for i in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            rows[i][j] = min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                rows[i][j] = min(rows[i][j], rows[i - 2][j - 2] + 1)
    return rows[len(a)][len(b)] <= 1


words = st.text(alphabet="abmnst", min_size=FUZZY_FROM, max_size=8)


@given(words, words)
def test_the_keys_find_exactly_the_words_within_one_edit(typed: str, stored: str) -> None:
    candidate = bool(one_edit_keys(typed) & one_edit_keys(stored))
    assert (candidate and within_one_edit(typed, stored)) == distance_at_most_one(typed, stored)


@given(words, st.data())
def test_every_single_edit_is_found(stored: str, data: st.DataObject) -> None:
    i = data.draw(st.integers(0, len(stored) - 1))
    letter = data.draw(st.sampled_from("abmnst"))
    edits = [stored[:i] + stored[i + 1 :], stored[:i] + letter + stored[i:], stored[:i] + letter + stored[i + 1 :]]
    if i + 1 < len(stored):
        edits.append(stored[:i] + stored[i + 1] + stored[i] + stored[i + 2 :])
    for typed in (e for e in edits if len(e) >= FUZZY_FROM):
        assert one_edit_keys(typed) & one_edit_keys(stored) and within_one_edit(typed, stored)


def test_thomson_is_within_one_edit_of_thompson_and_tomsen_is_not() -> None:
    assert within_one_edit("thomson", "thompson") and not within_one_edit("tomsen", "thompson")
