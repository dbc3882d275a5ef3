"""/dvpn audit REF: a record's whole history for its supervisors and admins, paged; refused for
everyone else; reading it is audited."""

from __future__ import annotations

from datetime import timedelta

import pytest

from services.clock import ManualClock
from services.context import ServiceContext
from services.errors import NotAllowed, NotFound
from services.governance.audit_results import AuditTrailPage
from services.governance.audit_trail import trail
from services.records import breaches, hearings
from services.records import recording as records
from tests.support.database import audit_rows, row_counts
from tests.support.force import Force, london
from tests.support.records import dvpn


def whats(page: AuditTrailPage) -> list[tuple[str | None, str]]:
    return [(e.actor_slack_id or e.system, e.what) for e in page.entries]


@pytest.fixture
def reference(ctx: ServiceContext, force: Force, clock: ManualClock) -> str:
    """A DVPN recorded at 21:00, then looked at, justified, booked and breached, ten minutes apart."""
    ref = records.record(ctx, force.officer, dvpn()).reference
    clock.advance(timedelta(minutes=10))
    records.view(ctx, force.colleague, ref)
    clock.advance(timedelta(minutes=10))
    records.view(ctx, force.champion, ref, justification="Quality review of DVPN service times")
    clock.advance(timedelta(minutes=10))
    hearings.book_hearing(ctx, force.supervisor, ref, london("2026-04-03 10:00"), "Birmingham Magistrates")
    clock.advance(timedelta(minutes=10))
    breaches.record_breach(ctx, force.officer, ref, london("2026-04-02 21:30"), crime_reference="43/1/26")
    clock.advance(timedelta(minutes=10))
    return ref


def test_a_supervisor_reads_the_whole_history_oldest_first(ctx: ServiceContext, force: Force, reference: str) -> None:
    page = trail(ctx, force.supervisor, reference)

    assert whats(page) == [
        (force.officer, "created the record"),
        (force.officer, "created a breach check"),  # the first check is planned with the record
        (force.colleague, "viewed the details of the record"),
        (force.champion, "viewed the details of the record"),
        (force.supervisor, "created a hearing"),
        (force.officer, "created a breach"),
        (force.supervisor, "read the audit trail of the record"),
    ]
    assert [e.at for e in page.entries] == [
        london(f"2026-04-02 {t}") for t in ("21:00", "21:00", "21:10", "21:20", "21:30", "21:40", "21:50")
    ]
    assert page.entries[3].justification == "Quality review of DVPN service times"
    assert all(e.justification is None for n, e in enumerate(page.entries) if n != 3)
    assert (page.total, page.remaining) == (7, 0)


def test_changes_name_the_fields_and_show_coded_values_only(ctx: ServiceContext, force: Force, reference: str) -> None:
    from services.records import lifecycle

    lifecycle.close(ctx, force.officer, reference, "Victim moved out of area: Jane at her sister's", status="withdrawn")
    page = trail(ctx, force.admin, reference)
    change = next(e for e in page.entries if e.what.startswith("changed the record"))
    assert change.what == "changed the record: status active → withdrawn, closed at, close reason"
    assert "Jane" not in repr(page)


def test_the_trail_is_paged_and_each_reading_is_audited(ctx: ServiceContext, force: Force, reference: str) -> None:
    first = trail(ctx, force.admin, reference, limit=4)
    assert (len(first.entries), first.total, first.remaining) == (4, 7, 3)
    second = trail(ctx, force.admin, reference, offset=4, limit=4)
    assert second.total == 8  # the first reading is now in the trail
    assert [w for _, w in whats(second)] == [
        "created a hearing",
        "created a breach",
        "read the audit trail of the record",
        "read the audit trail of the record",
    ]
    readings = audit_rows(ctx.engine, action="view_audit")
    assert [(r["actor"], r["after"]) for r in readings] == [
        (f"slack:{force.admin}", {"offset": 0}),
        (f"slack:{force.admin}", {"offset": 4}),
    ]


@pytest.mark.parametrize(
    "who, message",
    [
        ("officer", "Only supervisors or admins can see a record's audit trail. Your role is officer."),
        ("champion", "Only supervisors or admins can see a record's audit trail. Your role is champion."),
        ("other_officer", "Only supervisors or admins can see a record's audit trail. Your role is officer."),
    ],
)
def test_officers_and_champions_are_refused_and_nothing_is_written(
    ctx: ServiceContext, force: Force, reference: str, who: str, message: str
) -> None:
    before = row_counts(ctx.engine)
    with pytest.raises(NotAllowed) as refused:
        trail(ctx, getattr(force, who), reference)
    assert refused.value.message == message
    assert row_counts(ctx.engine) == before


def test_a_supervisor_of_another_team_is_refused(ctx: ServiceContext, force: Force, reference: str) -> None:
    other = records.record(ctx, force.other_officer, dvpn()).reference
    before = row_counts(ctx.engine)
    with pytest.raises(NotAllowed, match="belongs to a team you do not supervise"):
        trail(ctx, force.supervisor, other)
    with pytest.raises(NotFound, match="No record has the reference 'WM-DVPN-2026-0999'"):
        trail(ctx, force.admin, "WM-DVPN-2026-0999")
    assert row_counts(ctx.engine) == before
    assert trail(ctx, force.admin, other).total == 3  # created, its first check, and this reading
