"""/dvpn search against the casework force (tests/support/casework.py): references exact and by
their beginning, crime references of records and breaches, names only within what the user may read."""

from __future__ import annotations

import pytest

from services.context import ServiceContext
from services.errors import DomainError, NotAllowed
from services.people.search import search
from services.records import recording as records
from services.reporting.list_results import Matched, SearchResults
from tests.support.casework import Seeded
from tests.support.database import audit_rows, row_counts
from tests.support.force import Force


def found(results: SearchResults) -> list[tuple[str, Matched]]:
    return [(hit.reference, hit.matched) for hit in results.hits]


def test_a_reference_exactly_and_by_its_beginning(ctx: ServiceContext, force: Force, casework: Seeded) -> None:
    exact = search(ctx, force.champion, " wm-dvpn-2026-0001 ")
    assert found(exact) == [(casework.smith_dvpn, Matched.REFERENCE)]
    hit = exact.hits[0]
    assert (hit.order_type, hit.status, hit.perpetrator_initials) == ("DVPN", "active", "JS")

    beginning = search(ctx, force.champion, "WM-DVPN")
    assert [r for r, _ in found(beginning)] == [casework.smith_dvpn, casework.obrien_dvpn, casework.khan_dvpn]
    assert beginning.more is False


def test_officers_find_references_only_within_their_scope(ctx: ServiceContext, force: Force, casework: Seeded) -> None:
    assert [r for r, _ in found(search(ctx, force.officer, "WM-DVPO"))] == [casework.smith_dvpo]
    supervised = [casework.smith_dvpo, casework.obrien_dvpo]
    assert [r for r, _ in found(search(ctx, force.supervisor, "WM-DVPO"))] == supervised
    assert found(search(ctx, force.officer, "43/2002/26")) == []


def test_crime_references_of_records_and_of_breaches(ctx: ServiceContext, force: Force, casework: Seeded) -> None:
    assert found(search(ctx, force.champion, "43/1001/26")) == [(casework.smith_dvpn, Matched.CRIME_REFERENCE)]
    assert found(search(ctx, force.supervisor, "43/2002/26")) == [(casework.smith_dapo, Matched.BREACH_CRIME_REFERENCE)]
    assert found(search(ctx, force.champion, "43/")) == [
        (casework.smith_dvpn, Matched.CRIME_REFERENCE),
        (casework.smith_dapo, Matched.BREACH_CRIME_REFERENCE),
    ]


@pytest.mark.parametrize(
    "who, expected",
    [
        ("champion", []),  # beyond their team, a name is matched only on a reason given for the record
        ("admin", []),
        ("supervisor", ["smith_dvpn", "smith_dvpo"]),
        ("officer", ["smith_dvpn", "smith_dvpo"]),
        ("other_officer", ["smith_dapo"]),
    ],
)
def test_a_name_finds_only_records_the_user_may_read(
    ctx: ServiceContext, force: Force, casework: Seeded, who: str, expected: list[str]
) -> None:
    results = search(ctx, getattr(force, who), "Smith, Jon")
    assert found(results) == [(getattr(casework, name), Matched.PERPETRATOR) for name in expected]


def test_a_reason_given_for_a_record_lets_a_name_find_it_and_the_audit_carries_the_reason(
    ctx: ServiceContext, force: Force, casework: Seeded
) -> None:
    reason = "MARAC review of repeat victim"
    records.view(ctx, force.champion, casework.smith_dapo, justification=reason)
    before = len(audit_rows(ctx.engine))
    assert found(search(ctx, force.champion, "Kate Brown")) == [(casework.smith_dapo, Matched.PROTECTED)]
    summary, on_reason = audit_rows(ctx.engine)[before:]
    assert (summary["action"], summary["justification"], summary["after"]["records"]) == (
        "search",
        None,
        [casework.smith_dapo],
    )
    assert (on_reason["action"], on_reason["entity_type"], on_reason["justification"]) == (
        "search",
        "protection_order",
        reason,
    )
    assert on_reason["order_id"] == on_reason["entity_id"] is not None
    assert "Kate" not in repr([summary, on_reason])


def test_someone_in_no_team_is_refused_and_nothing_is_written(
    ctx: ServiceContext, force: Force, casework: Seeded
) -> None:
    before = row_counts(ctx.engine)
    with pytest.raises(NotAllowed, match="You are not in a team yet"):
        search(ctx, force.newcomer, "Smith, Jon")
    assert row_counts(ctx.engine) == before


def test_protected_people_are_found_by_name_too(ctx: ServiceContext, force: Force, casework: Seeded) -> None:
    assert found(search(ctx, force.officer, "mary JONES")) == [
        (casework.smith_dvpn, Matched.PROTECTED),
        (casework.smith_dvpo, Matched.PROTECTED),
    ]
    assert found(search(ctx, force.other_officer, "Mary Jones")) == []
    assert found(search(ctx, force.supervisor, "Steve O'Brien")) == [(casework.obrien_dvpn, Matched.PERPETRATOR)]
    assert found(search(ctx, force.other_officer, "Steve O'Brien")) == [(casework.obrien_dvpo, Matched.PERPETRATOR)]


def test_more_than_fit_says_so(ctx: ServiceContext, force: Force, casework: Seeded) -> None:
    results = search(ctx, force.champion, "WM-", limit=2)
    assert len(results.hits) == 2 and results.more is True


def test_a_search_is_audited_without_what_was_typed(ctx: ServiceContext, force: Force, casework: Seeded) -> None:
    before = len(audit_rows(ctx.engine))
    search(ctx, force.officer, "John Smith")
    [row] = audit_rows(ctx.engine)[before:]
    assert (row["action"], row["actor"]) == ("search", f"slack:{force.officer}")
    assert row["after"] == {"records": [casework.smith_dvpn, casework.smith_dvpo], "matched": ["perpetrator's name"]}
    assert "Smith" not in repr(row)


@pytest.mark.parametrize("typed", ["", "  ", "ab", "a b"])
def test_too_little_to_search_for_is_refused_with_what_to_type(
    ctx: ServiceContext, force: Force, casework: Seeded, typed: str
) -> None:
    before = row_counts(ctx.engine)
    with pytest.raises(DomainError, match="Give at least 3 characters"):
        search(ctx, force.champion, typed)
    assert row_counts(ctx.engine) == before


def test_wildcards_typed_are_taken_literally(ctx: ServiceContext, force: Force, casework: Seeded) -> None:
    before = row_counts(ctx.engine)
    assert found(search(ctx, force.champion, "%%%")) == []
    assert found(search(ctx, force.champion, "WM_DVPN")) == []
    assert row_counts(ctx.engine) == before  # nothing found: nothing to audit
