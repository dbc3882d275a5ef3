"""Recording notices and orders: happy paths, every refusal, and the audit trail."""

from __future__ import annotations

import threading
from datetime import date
from typing import Any

import pytest

from models import Role
from rules.order_types import OrderType
from rules.ranks import Rank
from services.context import ServiceContext
from services.errors import NotAllowed, ValidationFailed
from services.governance import staff
from services.records import order_writer
from services.records import recording as records
from services.records.order_writer import PersonInput
from services.records.recording import NewRecord
from tests.support.database import audit_rows, row_counts
from tests.support.force import Force, london


def dvpn(**changes: object) -> NewRecord:
    values: dict[str, object] = dict(
        order_type=OrderType.DVPN,
        served_at=london("2026-04-02 20:00"),
        authoriser_name="Supt Example",
        authoriser_rank=Rank.SUPERINTENDENT,
        perpetrator=PersonInput("Alex Example", date(1990, 1, 1), "1 Test Street"),
        protected=(PersonInput("Sam Sample"),),
    )
    values.update(changes)
    return NewRecord(**values)  # type: ignore[arg-type]


def test_a_dvpn_gets_a_reference_and_the_48_hour_deadline(ctx: ServiceContext, force: Force) -> None:
    view = records.record(ctx, force.officer, dvpn())

    assert view.reference == "WM-DVPN-2026-0001"
    assert view.status == "active"
    hearing = view.deadlines[0]
    assert hearing.at.isoformat() == "2026-04-07T20:00:00+01:00"
    assert "Skipped Fri 03 Apr 2026: Good Friday." in hearing.explanation
    assert view.perpetrator_initials == "AE"


def test_references_count_up_per_type_and_year(ctx: ServiceContext, force: Force) -> None:
    first = records.record(ctx, force.officer, dvpn())
    second = records.record(ctx, force.officer, dvpn())
    assert (first.reference, second.reference) == ("WM-DVPN-2026-0001", "WM-DVPN-2026-0002")


@pytest.mark.parametrize(
    "changes, field, fragment",
    [
        ({"authoriser_rank": Rank.INSPECTOR}, "authoriser_rank", "CSA 2010 s24(1)"),
        ({"authoriser_rank": None}, "authoriser_rank", "give the authoriser's rank"),
        ({"served_at": london("2026-04-03 09:00")}, "served_at", "in the future"),
        ({"perpetrator": PersonInput("Young Person", date(2010, 1, 1))}, "perpetrator_dob", "aged 18"),
        ({"perpetrator": PersonInput("  ")}, "perpetrator_name", "Give the name"),
        ({"authoriser_name": ""}, "authoriser_name", "who authorised"),
    ],
    ids=["rank-too-junior", "rank-missing", "future-service", "under-18", "no-name", "no-authoriser"],
)
def test_a_bad_dvpn_is_refused_with_the_reason_and_nothing_written(
    ctx: ServiceContext, force: Force, changes: dict[str, object], field: str, fragment: str
) -> None:
    before = row_counts(ctx.engine)
    with pytest.raises(ValidationFailed) as refused:
        records.record(ctx, force.officer, dvpn(**changes))
    assert fragment in refused.value.field_errors[field]
    assert row_counts(ctx.engine) == before


def test_every_problem_is_reported_at_once(ctx: ServiceContext, force: Force) -> None:
    with pytest.raises(ValidationFailed) as refused:
        records.record(ctx, force.officer, dvpn(authoriser_rank=Rank.SERGEANT, perpetrator=PersonInput("")))
    assert set(refused.value.field_errors) == {"authoriser_rank", "perpetrator_name"}


@pytest.mark.parametrize("days, ok", [(13, False), (14, True), (28, True), (29, False)])
def test_a_dvpo_lasts_14_to_28_days(ctx: ServiceContext, force: Force, days: int, ok: bool) -> None:
    new = NewRecord(
        order_type=OrderType.DVPO,
        made_at=london("2026-04-01 11:00"),
        duration_days=days,
        perpetrator=PersonInput("Alex Example"),
    )
    if ok:
        view = records.record(ctx, force.officer, new)
        assert view.deadlines[0].label == "DVPO expiry"
    else:
        with pytest.raises(ValidationFailed) as refused:
            records.record(ctx, force.officer, new)
        assert "CSA 2010 s28(10)" in refused.value.message


def test_a_dapn_needs_an_inspector_and_a_protected_person_of_16(ctx: ServiceContext, force: Force) -> None:
    new = dvpn(
        order_type=OrderType.DAPN,
        authoriser_rank=Rank.SERGEANT,
        protected=(PersonInput("Kid Sample", date(2012, 5, 5)),),
    )
    with pytest.raises(ValidationFailed) as refused:
        records.record(ctx, force.officer, new)
    errors = refused.value.field_errors
    assert "DAA 2021 s22(8)" in errors["authoriser_rank"]
    assert "aged 16" in errors["protected_dob"]


def test_a_dapo_has_a_three_day_notification_window(ctx: ServiceContext, force: Force) -> None:
    view = records.record(
        ctx,
        force.officer,
        NewRecord(
            order_type=OrderType.DAPO,
            made_at=london("2026-04-01 11:00"),
            until_further_order=True,
            perpetrator=PersonInput("Alex Example"),
        ),
    )
    notification = next(d for d in view.deadlines if d.label.startswith("Notification"))
    assert notification.at.isoformat() == "2026-04-04T00:00:00+01:00"  # end of Fri 3 April


def test_champions_and_admins_cannot_record(ctx: ServiceContext, force: Force) -> None:
    for who in (force.champion, force.admin):
        with pytest.raises(NotAllowed, match="Only officers or supervisors"):
            records.record(ctx, who, dvpn())


def test_an_officer_with_no_team_is_told_to_ask_an_admin(ctx: ServiceContext, force: Force) -> None:
    before = row_counts(ctx.engine)
    with pytest.raises(NotAllowed, match="not in a team"):
        records.record(ctx, force.newcomer, dvpn())
    after = row_counts(ctx.engine)
    # Only the first-contact user row and its audit row: no record, no person.
    assert after["protection_order"] == before["protection_order"] == 0
    assert after["perpetrator"] == 0


def test_a_force_that_does_not_use_a_type_refuses_it(engine, clock, force: Force) -> None:  # type: ignore[no-untyped-def]
    from config import Settings

    ctx = ServiceContext(
        engine=engine, settings=Settings(admins=("UADMIN",), order_types=(OrderType.DAPN,)), clock=clock
    )
    with pytest.raises(ValidationFailed, match="does not use DVPN"):
        records.record(ctx, force.officer, dvpn())


def test_creating_a_record_is_audited_without_personal_data(ctx: ServiceContext, force: Force) -> None:
    view = records.record(ctx, force.officer, dvpn())
    rows = audit_rows(ctx.engine, action="create")
    kinds = [r["entity_type"] for r in rows]
    assert {"perpetrator", "protected_person", "protection_order"} <= set(kinds)
    text = repr(rows)
    for secret in ("Alex Example", "Sam Sample", "1 Test Street", "1990-01-01"):
        assert secret not in text
    order_row = next(r for r in rows if r["entity_type"] == "protection_order")
    assert order_row["after"]["reference"] == view.reference
    assert order_row["actor"] == f"slack:{force.officer}"


def test_viewing_a_record_is_audited_and_other_teams_are_refused(ctx: ServiceContext, force: Force) -> None:
    view = records.record(ctx, force.officer, dvpn())
    seen = records.view(ctx, force.colleague, view.reference)
    assert {p.full_name for p in seen.people} == {"Alex Example", "Sam Sample"}
    assert audit_rows(ctx.engine, action="view")[0]["actor"] == f"slack:{force.colleague}"
    with pytest.raises(NotAllowed, match="another team"):
        records.view(ctx, force.other_officer, view.reference)
    champion_view = records.view(ctx, force.champion, view.reference, justification="quality review")
    assert champion_view.people
    assert audit_rows(ctx.engine, action="view")[-1]["justification"] == "quality review"


def test_a_supervisor_can_record_for_an_officer_in_their_team(ctx: ServiceContext, force: Force) -> None:
    view = records.record(ctx, force.supervisor, dvpn(officer_slack_id=force.officer))
    assert view.officer_slack_id == force.officer
    with pytest.raises(NotAllowed):
        records.record(ctx, force.supervisor, dvpn(officer_slack_id=force.other_officer))


def test_an_admin_cannot_remove_the_last_admin(ctx: ServiceContext, force: Force) -> None:
    from services.errors import Conflict

    with pytest.raises(Conflict, match="no admin"):
        staff.set_role(ctx, force.admin, force.admin, Role.OFFICER)


def test_a_record_being_planned_holds_up_no_other_record_of_its_type(
    ctx: ServiceContext, force: Force, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Counting a reference locks the year's counter row until the commit, so it is counted once
    the record is planned, just before its rows go in: a save still planning holds up no other
    save of the same type and year, and the numbers stay gapless, in the order they were counted.
    (PostgreSQL: SQLite has one writer at a time.)"""
    if ctx.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer at a time")
    planning, release = threading.Event(), threading.Event()
    plan = order_writer.replan_from

    def slow_first_plan(*args: Any, **kwargs: Any) -> Any:
        if not planning.is_set():
            planning.set()
            release.wait(30)
        return plan(*args, **kwargs)

    monkeypatch.setattr(order_writer, "replan_from", slow_first_plan)
    saved: dict[str, str] = {}

    def save(name: str, slack_id: str) -> None:
        saved[name] = records.record(ctx, slack_id, dvpn()).reference

    first = threading.Thread(target=save, args=("first", force.officer))
    second = threading.Thread(target=save, args=("second", force.colleague))
    first.start()
    try:
        assert planning.wait(30)
        second.start()
        second.join(10)
        finished_while_the_first_planned = not second.is_alive()
    finally:
        release.set()
        first.join(30)
        second.join(30)
    assert finished_while_the_first_planned
    assert saved == {"second": "WM-DVPN-2026-0001", "first": "WM-DVPN-2026-0002"}
