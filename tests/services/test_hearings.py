"""Booking, adjourning and deciding hearings: the 48-hour flag, the follow-on order, every refusal."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from models import HearingOutcome, metadata
from rules.order_types import OrderType
from rules.ranks import Rank
from services.context import ServiceContext
from services.errors import Conflict, NotAllowed, ValidationFailed
from services.records import hearings
from services.records import recording as records
from services.records.hearings import GrantTerms
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
        protected=(PersonInput("Sam Sample"), PersonInput("Jo Sample")),
    )
    values.update(changes)
    return NewRecord(**values)  # type: ignore[arg-type]


def hearing_rows(ctx: ServiceContext) -> list[dict[str, object]]:
    table = metadata.tables["hearing"]
    with ctx.engine.connect() as connection:
        return [dict(r._mapping) for r in connection.execute(sa.select(table).order_by(table.c.id))]


def order_row(ctx: ServiceContext, reference: str) -> dict[str, object]:
    table = metadata.tables["protection_order"]
    with ctx.engine.connect() as connection:
        return dict(connection.execute(sa.select(table).where(table.c.reference == reference)).one()._mapping)


def test_booking_a_hearing_in_time_records_it_unflagged_and_audits_it(ctx: ServiceContext, force: Force) -> None:
    notice = records.record(ctx, force.officer, dvpn())
    view = hearings.book_hearing(ctx, force.colleague, notice.reference, london("2026-04-07 10:00"), "Worcester MC")

    assert view.status == "active"
    assert view.warnings == ()
    assert len(view.hearings) == 1 and "Worcester MC" in view.hearings[0]
    [row] = hearing_rows(ctx)
    assert row["scheduled_at"] == london("2026-04-07 10:00")
    assert row["after_statutory_deadline"] is False
    assert row["outcome"] is None
    [audit] = audit_rows(ctx.engine, entity_type="hearing", action="create")
    assert audit["actor"] == f"slack:{force.colleague}"
    assert audit["entity_id"] == row["id"]
    assert audit["after"]["court"] == "[free text]"  # typed text: the trail says it was given, not what


def test_a_hearing_after_the_48_hour_deadline_is_recorded_but_flagged(ctx: ServiceContext, force: Force) -> None:
    notice = records.record(ctx, force.officer, dvpn())  # deadline Tue 7 Apr 2026 20:00
    view = hearings.book_hearing(ctx, force.officer, notice.reference, london("2026-04-08 10:00"))

    [warning] = view.warnings
    assert "after the statutory deadline" in warning
    assert "Tue 07 Apr 2026 20:00" in warning
    assert "(after the statutory deadline)" in view.hearings[0]
    [row] = hearing_rows(ctx)
    assert row["after_statutory_deadline"] is True


def test_a_second_booking_while_one_is_pending_is_a_conflict(ctx: ServiceContext, force: Force) -> None:
    notice = records.record(ctx, force.officer, dvpn())
    hearings.book_hearing(ctx, force.officer, notice.reference, london("2026-04-07 10:00"))
    before = row_counts(ctx.engine)
    with pytest.raises(Conflict, match="already has a hearing listed") as refused:
        hearings.book_hearing(ctx, force.officer, notice.reference, london("2026-04-07 14:00"))
    assert refused.value.field == "scheduled_at"
    assert row_counts(ctx.engine) == before


def test_a_hearing_before_service_is_refused_and_nothing_written(ctx: ServiceContext, force: Force) -> None:
    notice = records.record(ctx, force.officer, dvpn())
    before = row_counts(ctx.engine)
    with pytest.raises(ValidationFailed) as refused:
        hearings.book_hearing(ctx, force.officer, notice.reference, london("2026-04-02 19:00"))
    assert "before the service" in refused.value.field_errors["scheduled_at"]
    assert row_counts(ctx.engine) == before


def test_adjourning_keeps_the_notice_active_with_a_later_hearing(ctx: ServiceContext, force: Force, clock) -> None:  # type: ignore[no-untyped-def]
    notice = records.record(ctx, force.officer, dvpn())
    hearings.book_hearing(ctx, force.officer, notice.reference, london("2026-04-07 10:00"), "Worcester MC")
    clock.set(london("2026-04-07 11:00"))  # the hearing has sat
    view = hearings.adjourn_hearing(ctx, force.officer, notice.reference, london("2026-04-09 10:00"))

    assert view.status == "active"
    first, second = hearing_rows(ctx)
    assert first["outcome"] == "adjourned"
    assert first["adjourned_to_id"] == second["id"]
    assert second["scheduled_at"] == london("2026-04-09 10:00")
    assert second["outcome"] is None
    assert second["court"] == "Worcester MC"  # carried over when not given
    # The notice continues through adjournments: the adjourned-to hearing is not flagged as late.
    assert second["after_statutory_deadline"] is False
    update = audit_rows(ctx.engine, entity_type="hearing", action="update")
    assert [(r["entity_id"], r["after"]["outcome"]) for r in update] == [(first["id"], "adjourned")]
    assert len(audit_rows(ctx.engine, entity_type="hearing", action="create")) == 2


def test_adjourning_to_an_earlier_time_is_refused(ctx: ServiceContext, force: Force, clock) -> None:  # type: ignore[no-untyped-def]
    notice = records.record(ctx, force.officer, dvpn())
    hearings.book_hearing(ctx, force.officer, notice.reference, london("2026-04-07 10:00"))
    clock.set(london("2026-04-07 11:00"))
    before = row_counts(ctx.engine)
    with pytest.raises(ValidationFailed) as refused:
        hearings.adjourn_hearing(ctx, force.officer, notice.reference, london("2026-04-07 09:00"))
    assert "later than the one adjourned" in refused.value.field_errors["scheduled_at"]
    assert row_counts(ctx.engine) == before
    assert hearing_rows(ctx)[0]["outcome"] is None


def test_adjourning_with_no_hearing_booked_is_a_conflict(ctx: ServiceContext, force: Force) -> None:
    notice = records.record(ctx, force.officer, dvpn())
    with pytest.raises(Conflict, match=r"it has no hearing listed to adjourn\. Book the hearing first\."):
        hearings.adjourn_hearing(ctx, force.officer, notice.reference, london("2026-04-07 09:00"))


def test_an_adjournment_before_the_hearing_has_sat_is_refused_and_nothing_written(
    ctx: ServiceContext,
    force: Force,
    clock,  # type: ignore[no-untyped-def]
) -> None:
    notice = records.record(ctx, force.officer, dvpn())
    hearings.book_hearing(ctx, force.officer, notice.reference, london("2026-04-07 10:00"))
    clock.set(london("2026-04-07 09:59"))
    before = row_counts(ctx.engine)
    with pytest.raises(Conflict) as refused:
        hearings.adjourn_hearing(ctx, force.officer, notice.reference, london("2026-04-09 10:00"))
    assert refused.value.message == (
        f"You cannot record an adjournment of the hearing of {notice.reference} (hearing listed): its hearing has "
        "not taken place yet (CSA 2010 s27; DAA 2021 s29(7)). Record the adjournment or the outcome once the "
        "hearing has sat."
    )
    assert row_counts(ctx.engine) == before


def _heard(ctx: ServiceContext, force: Force, clock) -> str:  # type: ignore[no-untyped-def]
    notice = records.record(ctx, force.officer, dvpn())
    hearings.book_hearing(ctx, force.officer, notice.reference, london("2026-04-07 10:00"), "Worcester MC")
    clock.set(london("2026-04-07 12:00"))
    return notice.reference


def test_granting_a_dvpn_creates_the_linked_dvpo_and_supersedes_the_notice(
    ctx: ServiceContext, force: Force, clock
) -> None:  # type: ignore[no-untyped-def]
    reference = _heard(ctx, force, clock)
    order = hearings.record_outcome(
        ctx, force.officer, reference, HearingOutcome.GRANTED, london("2026-04-07 11:00"), GrantTerms(duration_days=28)
    )

    assert order.order_type == "DVPO"
    assert order.reference == "WM-DVPO-2026-0001"
    assert order.status == "active"
    assert order.parent_reference == reference
    assert order.perpetrator_initials == "AE"
    assert {p.full_name for p in order.people if p.role == "protected"} == {"Sam Sample", "Jo Sample"}
    assert order.made_at == london("2026-04-07 11:00")
    expiry = next(d for d in order.deadlines if d.label == "DVPO expiry")
    assert expiry.at == london("2026-05-05 00:00")  # 28 days beginning with 7 April: to the end of 4 May

    notice = records.view(ctx, force.officer, reference)
    assert notice.status == "superseded"
    assert notice.follow_on_reference == order.reference
    assert notice.hearings[0].endswith(": granted")
    notice_row, order_row_ = order_row(ctx, reference), order_row(ctx, order.reference)
    assert order_row_["parent_id"] == notice_row["id"]
    assert order_row_["perpetrator_id"] == notice_row["perpetrator_id"]
    assert order_row_["court"] == "Worcester MC"
    assert notice_row["closed_at"] == london("2026-04-07 11:00")

    # Audited: the hearing's outcome, the notice's end, and the new order.
    [hearing_update] = audit_rows(ctx.engine, entity_type="hearing", action="update")
    assert hearing_update["after"]["outcome"] == "granted"
    ended = audit_rows(ctx.engine, entity_type="protection_order", action="update", order_id=notice_row["id"])
    assert [r["after"]["status"] for r in ended] == ["superseded"]
    assert ended[0]["actor"] == f"slack:{force.officer}"
    created = audit_rows(ctx.engine, entity_type="protection_order", action="create", order_id=order_row_["id"])
    assert created[0]["after"]["parent_id"] == notice_row["id"]


def test_granting_for_29_days_is_refused_and_nothing_is_written(ctx: ServiceContext, force: Force, clock) -> None:  # type: ignore[no-untyped-def]
    reference = _heard(ctx, force, clock)
    before = row_counts(ctx.engine)
    with pytest.raises(ValidationFailed) as refused:
        hearings.record_outcome(
            ctx,
            force.officer,
            reference,
            HearingOutcome.GRANTED,
            london("2026-04-07 11:00"),
            GrantTerms(duration_days=29),
        )
    assert "CSA 2010 s28(10)" in refused.value.message
    assert row_counts(ctx.engine) == before
    [row] = hearing_rows(ctx)
    assert row["outcome"] is None and row["outcome_recorded_at"] is None
    assert order_row(ctx, reference)["status"] == "active"


def test_a_refused_application_ends_the_notice_as_refused(ctx: ServiceContext, force: Force, clock) -> None:  # type: ignore[no-untyped-def]
    reference = _heard(ctx, force, clock)
    view = hearings.record_outcome(ctx, force.officer, reference, HearingOutcome.REFUSED, london("2026-04-07 11:00"))

    assert view.reference == reference
    assert view.status == "refused"
    assert view.follow_on_reference is None
    assert row_counts(ctx.engine)["protection_order"] == 1
    assert hearing_rows(ctx)[0]["outcome"] == "refused"
    [ended] = audit_rows(ctx.engine, entity_type="protection_order", action="update")
    assert ended["after"]["status"] == "refused"
    assert ended["after"]["close_reason"] == "[free text]"  # close reasons may name people


def test_a_decision_in_the_future_is_refused(ctx: ServiceContext, force: Force, clock) -> None:  # type: ignore[no-untyped-def]
    reference = _heard(ctx, force, clock)  # now: 7 Apr 12:00
    before = row_counts(ctx.engine)
    with pytest.raises(ValidationFailed) as refused:
        hearings.record_outcome(
            ctx,
            force.officer,
            reference,
            HearingOutcome.GRANTED,
            london("2026-04-07 15:00"),
            GrantTerms(duration_days=28),
        )
    assert "in the future" in refused.value.field_errors["decided_at"]
    assert row_counts(ctx.engine) == before


def test_an_outcome_with_no_hearing_booked_is_a_conflict(ctx: ServiceContext, force: Force) -> None:
    notice = records.record(ctx, force.officer, dvpn())
    before = row_counts(ctx.engine)
    with pytest.raises(Conflict, match="it has no hearing listed"):
        hearings.record_outcome(
            ctx, force.officer, notice.reference, HearingOutcome.REFUSED, london("2026-04-02 20:30")
        )
    assert row_counts(ctx.engine) == before


def test_an_outcome_on_a_notice_already_decided_is_a_conflict(ctx: ServiceContext, force: Force, clock) -> None:  # type: ignore[no-untyped-def]
    reference = _heard(ctx, force, clock)
    hearings.record_outcome(ctx, force.officer, reference, HearingOutcome.REFUSED, london("2026-04-07 11:00"))
    with pytest.raises(Conflict, match=r"\(refused\): it is no longer in force"):
        hearings.book_hearing(ctx, force.officer, reference, london("2026-04-08 10:00"))


@pytest.mark.parametrize(
    "who, fragment", [("other_officer", "another team"), ("champion", "can read records but not change")]
)
def test_another_team_and_champions_cannot_book_adjourn_or_decide(
    ctx: ServiceContext,
    force: Force,
    clock,
    who: str,
    fragment: str,  # type: ignore[no-untyped-def]
) -> None:
    reference = _heard(ctx, force, clock)
    actor = getattr(force, who)
    before = row_counts(ctx.engine)
    attempts = [
        lambda: hearings.book_hearing(ctx, actor, reference, london("2026-04-07 11:00")),
        lambda: hearings.adjourn_hearing(ctx, actor, reference, london("2026-04-08 10:00")),
        lambda: hearings.record_outcome(
            ctx, actor, reference, HearingOutcome.GRANTED, london("2026-04-07 11:00"), GrantTerms(duration_days=28)
        ),
    ]
    for attempt in attempts:
        with pytest.raises(NotAllowed, match=fragment):
            attempt()
    assert row_counts(ctx.engine) == before
