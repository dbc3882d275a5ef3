"""References are easy to type: the whole one, without the force's prefix, or just its end. A short
one is read only among the records the user may read (their own teams' first), so its answer never
tells them a record beyond that exists."""

from __future__ import annotations

import pytest

from services.context import ServiceContext
from services.errors import DomainError, NotAllowed, NotFound
from services.records import hearings
from services.records import recording as records
from tests.support.force import Force, london
from tests.support.records import dvpn, record


def number_of(reference: str) -> str:
    return reference.rsplit("-", 1)[1]


def test_the_whole_reference_without_the_prefix_or_its_number_find_one_record(
    ctx: ServiceContext, force: Force
) -> None:
    ref = record(ctx, force.officer).reference
    assert ref == "WM-DVPN-2026-0001"
    for typed in (ref, ref.lower(), "DVPN-2026-0001", "dvpn-2026-1", "2026-0001", "0001", "1"):
        assert records.view(ctx, force.officer, typed).reference == ref, typed


def test_a_short_reference_changes_the_record_it_names(ctx: ServiceContext, force: Force) -> None:
    ref = record(ctx, force.officer).reference
    view = hearings.book_hearing(ctx, force.colleague, "0001", london("2026-04-03 10:00"), None)
    assert view.reference == ref and view.hearing_pending


def test_an_ambiguous_end_lists_the_users_records_and_says_how_to_be_specific(
    ctx: ServiceContext, force: Force
) -> None:
    first = record(ctx, force.officer).reference
    second = record(ctx, force.officer, dvpn("2025-12-30 20:00")).reference  # 2025's first: also 0001
    assert number_of(first) == number_of(second) == "0001"
    with pytest.raises(DomainError) as asked:
        records.view(ctx, force.officer, "0001")
    assert not isinstance(asked.value, NotFound)
    assert f"could be any of {first}, {second}" in asked.value.message
    assert "Type more of the reference, e.g. DVPN-2026-0001" in asked.value.message
    assert records.view(ctx, force.officer, "2025-0001").reference == second


def test_a_short_reference_never_reveals_a_record_beyond_what_the_user_may_read(
    ctx: ServiceContext, force: Force
) -> None:
    theirs = record(ctx, force.other_officer).reference  # team B's only record
    with pytest.raises(NotFound) as beyond:
        records.view(ctx, force.officer, number_of(theirs))
    with pytest.raises(NotFound) as nothing:
        records.view(ctx, force.officer, "0777")
    assert beyond.value.message.replace("0001", "0777") == nothing.value.message
    assert "No record you may read ends in '0777'" in nothing.value.message
    # The whole reference is the way to reach it, and is refused as any record of another team is.
    with pytest.raises(NotAllowed):
        records.view(ctx, force.officer, theirs)


def test_the_users_own_team_comes_first_and_others_readable_are_found_when_theirs_do_not_match(
    ctx: ServiceContext, force: Force
) -> None:
    team_b = record(ctx, force.other_officer).reference
    with pytest.raises(DomainError) as asked:  # the supervisor of team A may read team B's with a reason
        records.view(ctx, force.supervisor, number_of(team_b))
    assert team_b in asked.value.message  # asked why, not refused: it is within their reach
    team_a = record(ctx, force.officer, dvpn("2025-12-30 20:00")).reference
    assert number_of(team_a) == number_of(team_b)
    assert records.view(ctx, force.supervisor, number_of(team_a)).reference == team_a


def test_a_reference_not_there_names_the_forces_own_example(ctx: ServiceContext, force: Force) -> None:
    with pytest.raises(NotFound) as missing:
        records.view(ctx, force.officer, "XX-DVPN-2026-0042")
    assert "References look like WM-DVPN-2026-0042" in missing.value.message
