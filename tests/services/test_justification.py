"""Opening a record outside one's own team needs a justification first (DPA 2018 s62(2)); it is
written into the view's audit row. Same-team viewers are never asked."""

from __future__ import annotations

from datetime import timedelta

import pytest

from services.clock import ManualClock
from services.context import ServiceContext
from services.errors import NotAllowed, ValidationFailed
from services.governance.justification_terms import JustificationRequired
from services.records import recording as records
from tests.support.database import audit_rows, row_counts
from tests.support.force import Force, london
from tests.support.records import dvpn

REASON = "MARAC review of repeat victim"


@pytest.fixture
def team_a(ctx: ServiceContext, force: Force) -> str:
    return records.record(ctx, force.officer, dvpn()).reference


@pytest.fixture
def team_b(ctx: ServiceContext, force: Force) -> str:
    return records.record(ctx, force.other_officer, dvpn()).reference


@pytest.mark.parametrize("who", ["officer", "colleague", "supervisor"])
def test_the_team_and_its_supervisor_are_not_asked(ctx: ServiceContext, force: Force, team_a: str, who: str) -> None:
    view = records.view(ctx, getattr(force, who), team_a)
    assert view.people
    [row] = audit_rows(ctx.engine, action="view")
    assert row["justification"] is None and row["actor"] == f"slack:{getattr(force, who)}"


@pytest.mark.parametrize("who, record", [("supervisor", "team_b"), ("champion", "team_a"), ("admin", "team_b")])
def test_beyond_their_team_supervisors_champions_and_admins_must_say_why(
    ctx: ServiceContext, force: Force, who: str, record: str, request: pytest.FixtureRequest
) -> None:
    reference = request.getfixturevalue(record)
    before = row_counts(ctx.engine)
    with pytest.raises(JustificationRequired) as asked:
        records.view(ctx, getattr(force, who), reference)
    assert asked.value.reference == reference
    assert "give a short justification" in asked.value.message
    assert row_counts(ctx.engine) == before

    view = records.view(ctx, getattr(force, who), reference, justification=f"  {REASON}  ")
    assert view.people and view.writable is False
    [row] = audit_rows(ctx.engine, action="view")
    assert (row["justification"], row["actor"], row["at"]) == (
        REASON,
        f"slack:{getattr(force, who)}",
        london("2026-04-02 21:00"),
    )


def test_an_officer_of_another_team_is_still_refused_whatever_the_reason(
    ctx: ServiceContext, force: Force, team_a: str
) -> None:
    before = row_counts(ctx.engine)
    with pytest.raises(NotAllowed, match="belongs to another team"):
        records.view(ctx, force.other_officer, team_a, justification=REASON)
    assert row_counts(ctx.engine) == before


@pytest.mark.parametrize(
    "given, fragment",
    [
        ("", "Give a short reason"),
        ("   ", "Give a short reason"),
        ("because", "at least 10 characters"),
        ("x" * 301, "Keep it to 300 characters; it has 301"),
    ],
)
def test_a_missing_short_or_long_justification_is_refused_and_nothing_written(
    ctx: ServiceContext, force: Force, team_b: str, given: str, fragment: str
) -> None:
    before = row_counts(ctx.engine)
    with pytest.raises(ValidationFailed) as refused:
        records.view(ctx, force.champion, team_b, justification=given)
    assert fragment in refused.value.field_errors["justification"]
    assert row_counts(ctx.engine) == before


def test_a_reason_just_given_covers_the_same_record_for_thirty_minutes(
    ctx: ServiceContext, force: Force, clock: ManualClock, team_b: str
) -> None:
    records.view(ctx, force.champion, team_b, justification=REASON)
    clock.advance(timedelta(minutes=29))
    records.view(ctx, force.champion, team_b)  # e.g. Post to channel from the card just opened
    first, again = audit_rows(ctx.engine, action="view")
    assert (first["justification"], first["after"]) == (REASON, None)
    assert again["justification"] == REASON
    assert again["after"] == {"justification_given_at": first["at"].isoformat()}
    clock.advance(timedelta(minutes=2))  # 31 minutes after the reason: viewing again did not extend it
    with pytest.raises(JustificationRequired):
        records.view(ctx, force.champion, team_b)
    with pytest.raises(JustificationRequired):
        records.view(ctx, force.admin, team_b)  # one user's reason is not another's
