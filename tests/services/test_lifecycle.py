"""The end of a record: closing, varying, and the daily rollover that lapses and expires."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa

from models import metadata
from rules.order_types import OrderType
from rules.ranks import Rank
from services.context import ServiceContext
from services.errors import Conflict, DomainError, NotAllowed, ValidationFailed
from services.records import hearings, lifecycle
from services.records import recording as records
from services.records.lifecycle import Variation
from services.records.order_writer import PersonInput
from services.records.recording import NewRecord
from tests.support.database import audit_rows, row_counts
from tests.support.force import Force, london


def dvpn(served: str = "2026-04-02 20:00") -> NewRecord:
    return NewRecord(
        order_type=OrderType.DVPN,
        served_at=london(served),
        authoriser_name="Supt Example",
        authoriser_rank=Rank.SUPERINTENDENT,
        perpetrator=PersonInput("Alex Example", date(1990, 1, 1)),
        protected=(PersonInput("Sam Sample"),),
    )


def dvpo(made: str = "2026-04-01 11:00", days: int = 14) -> NewRecord:
    return NewRecord(
        order_type=OrderType.DVPO, made_at=london(made), duration_days=days, perpetrator=PersonInput("Alex Example")
    )


def order_row(ctx: ServiceContext, reference: str) -> dict[str, object]:
    table = metadata.tables["protection_order"]
    with ctx.engine.connect() as connection:
        return dict(connection.execute(sa.select(table).where(table.c.reference == reference)).one()._mapping)


def reminders(ctx: ServiceContext, order_id: object) -> list[dict[str, object]]:
    table = metadata.tables["reminder"]
    with ctx.engine.connect() as connection:
        query = sa.select(table).where(table.c.order_id == order_id).order_by(table.c.id)
        return [dict(r._mapping) for r in connection.execute(query)]


# --- close ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("reason", ["", "   "])
def test_closing_needs_a_reason(ctx: ServiceContext, force: Force, reason: str) -> None:
    notice = records.record(ctx, force.officer, dvpn())
    before = row_counts(ctx.engine)
    with pytest.raises(DomainError, match="Say why") as refused:
        lifecycle.close(ctx, force.officer, notice.reference, reason)
    assert refused.value.field == "reason"
    assert row_counts(ctx.engine) == before


def test_closing_ends_the_record_audits_it_and_cancels_its_reminders(ctx: ServiceContext, force: Force) -> None:
    notice = records.record(ctx, force.officer, dvpn())
    view = lifecycle.close(ctx, force.officer, notice.reference, "  entered in error ")

    assert view.status == "closed"
    row = order_row(ctx, notice.reference)
    assert row["close_reason"] == "entered in error"
    assert row["closed_at"] == london("2026-04-02 21:00")
    [audit] = audit_rows(ctx.engine, entity_type="protection_order", action="update")
    assert audit["actor"] == f"slack:{force.officer}"
    assert audit["before"]["status"] == "active" and audit["after"]["status"] == "closed"
    assert {r["state"] for r in reminders(ctx, row["id"])} == {"cancelled"}


def test_closing_twice_is_a_conflict(ctx: ServiceContext, force: Force) -> None:
    notice = records.record(ctx, force.officer, dvpn())
    lifecycle.close(ctx, force.officer, notice.reference, "entered in error")
    before = row_counts(ctx.engine)
    with pytest.raises(Conflict, match="already closed"):
        lifecycle.close(ctx, force.officer, notice.reference, "again")
    assert row_counts(ctx.engine) == before


def test_a_champion_cannot_close(ctx: ServiceContext, force: Force) -> None:
    notice = records.record(ctx, force.officer, dvpn())
    before = row_counts(ctx.engine)
    with pytest.raises(NotAllowed, match="can read records but not change them"):
        lifecycle.close(ctx, force.champion, notice.reference, "quality review")
    assert row_counts(ctx.engine) == before
    assert order_row(ctx, notice.reference)["status"] == "active"


def test_closing_at_a_future_time_is_refused(ctx: ServiceContext, force: Force) -> None:
    notice = records.record(ctx, force.officer, dvpn())
    with pytest.raises(ValidationFailed, match="in the future"):
        lifecycle.close(
            ctx, force.officer, notice.reference, "discharged", status="discharged", at=london("2026-04-03 09:00")
        )
    assert order_row(ctx, notice.reference)["status"] == "active"


# --- vary -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("last_day", [date(2026, 4, 14), date(2026, 4, 28)], ids=["14-days", "28-days"])
def test_a_dvpo_can_be_varied_within_14_to_28_days(ctx: ServiceContext, force: Force, last_day: date) -> None:
    order = records.record(ctx, force.officer, dvpo(days=20))
    view = lifecycle.vary(ctx, force.officer, order.reference, Variation(last_day=last_day))

    end = london(f"{last_day + timedelta(days=1)} 00:00")
    assert order_row(ctx, order.reference)["expires_at"] == end
    assert next(d for d in view.deadlines if d.label == "DVPO expiry").at == end
    [audit] = audit_rows(ctx.engine, entity_type="protection_order", action="update")
    assert audit["actor"] == f"slack:{force.officer}"
    assert datetime.fromisoformat(audit["after"]["expires_at"]) == end


@pytest.mark.parametrize("last_day", [date(2026, 4, 13), date(2026, 4, 29)], ids=["13-days", "29-days"])
def test_varying_a_dvpo_outside_14_to_28_days_is_refused(ctx: ServiceContext, force: Force, last_day: date) -> None:
    order = records.record(ctx, force.officer, dvpo(days=20))
    before = row_counts(ctx.engine)
    with pytest.raises(ValidationFailed) as refused:
        lifecycle.vary(ctx, force.officer, order.reference, Variation(last_day=last_day))
    assert "CSA 2010 s28(10)" in refused.value.message
    assert row_counts(ctx.engine) == before
    assert order_row(ctx, order.reference)["expires_at"] == london("2026-04-21 00:00")


def test_a_notice_cannot_be_varied(ctx: ServiceContext, force: Force) -> None:
    notice = records.record(ctx, force.officer, dvpn())
    with pytest.raises(Conflict, match="only an order a court made can be varied, not a notice"):
        lifecycle.vary(ctx, force.officer, notice.reference, Variation(conditions="no contact"))


# --- apply_time -----------------------------------------------------------------------------------


def test_a_dvpn_with_no_hearing_lapses_once_its_deadline_passes(ctx: ServiceContext, force: Force, clock) -> None:  # type: ignore[no-untyped-def]
    notice = records.record(ctx, force.officer, dvpn())  # deadline Tue 7 Apr 2026 20:00
    order_id = order_row(ctx, notice.reference)["id"]
    # The sweep has already sent the "no hearing booked" alert: that history must survive.
    table = metadata.tables["reminder"]
    with ctx.engine.begin() as connection:
        connection.execute(
            sa.update(table)
            .where(table.c.order_id == order_id, table.c.kind == "no_hearing_booked")
            .values(state="sent", sent_at=london("2026-04-02 22:00"))
        )
    sent_before = [r for r in reminders(ctx, order_id) if r["state"] == "sent"]
    assert len(sent_before) == 1

    clock.set(london("2026-04-07 19:59"))
    assert lifecycle.apply_time(ctx).lapsed == ()
    assert order_row(ctx, notice.reference)["status"] == "active"

    clock.advance(timedelta(minutes=2))
    applied = lifecycle.apply_time(ctx)

    assert applied.lapsed == (notice.reference,)
    assert applied.expired == ()
    row = order_row(ctx, notice.reference)
    assert row["status"] == "lapsed"
    assert row["closed_at"] == london("2026-04-07 20:00")
    assert "remove it from the PNC" in str(row["close_reason"])
    after = reminders(ctx, order_id)
    assert [r for r in after if r["state"] == "sent"] == sent_before
    assert {r["state"] for r in after} == {"sent", "cancelled", "pending"}
    # The lapse alerts survive the lapse: they tell the officer and supervisor to remove it from the PNC.
    assert {str(r["kind"]).split(":")[0] for r in after if r["state"] == "pending"} == {"notice_lapsed"}
    [audit] = audit_rows(ctx.engine, entity_type="protection_order", action="update")
    assert audit["actor"] == "system:rollover"
    assert audit["actor_user_id"] is None
    assert audit["after"]["status"] == "lapsed"
    # Running again changes nothing.
    assert lifecycle.apply_time(ctx) == lifecycle.TimeApplied((), ())


def test_a_dvpn_with_a_hearing_listed_in_time_stays_active(ctx: ServiceContext, force: Force, clock) -> None:  # type: ignore[no-untyped-def]
    heard = records.record(ctx, force.officer, dvpn())
    unheard = records.record(ctx, force.officer, dvpn())
    hearings.book_hearing(ctx, force.officer, heard.reference, london("2026-04-07 10:00"))
    clock.set(london("2026-04-08 09:00"))

    applied = lifecycle.apply_time(ctx)

    assert applied.lapsed == (unheard.reference,)
    assert order_row(ctx, heard.reference)["status"] == "active"
    assert order_row(ctx, unheard.reference)["status"] == "lapsed"


def test_a_dvpn_whose_only_hearing_is_after_the_deadline_lapses(ctx: ServiceContext, force: Force, clock) -> None:  # type: ignore[no-untyped-def]
    notice = records.record(ctx, force.officer, dvpn())
    hearings.book_hearing(ctx, force.officer, notice.reference, london("2026-04-08 10:00"))
    clock.set(london("2026-04-07 20:30"))
    assert lifecycle.apply_time(ctx).lapsed == (notice.reference,)


def test_a_dvpo_past_its_end_expires(ctx: ServiceContext, force: Force, clock) -> None:  # type: ignore[no-untyped-def]
    order = records.record(ctx, force.officer, dvpo())  # 14 days beginning with 1 April: ends 15 Apr 00:00
    order_id = order_row(ctx, order.reference)["id"]
    assert any(r["state"] == "pending" for r in reminders(ctx, order_id))
    clock.set(london("2026-04-14 23:59"))
    assert lifecycle.apply_time(ctx).expired == ()

    clock.set(london("2026-04-15 00:01"))
    applied = lifecycle.apply_time(ctx)

    assert applied == lifecycle.TimeApplied(lapsed=(), expired=(order.reference,))
    row = order_row(ctx, order.reference)
    assert row["status"] == "expired"
    assert row["closed_at"] == london("2026-04-15 00:00")
    assert {r["state"] for r in reminders(ctx, order_id)} == {"cancelled"}
    [audit] = audit_rows(ctx.engine, entity_type="protection_order", action="update")
    assert audit["actor"] == "system:rollover" and audit["after"]["status"] == "expired"


def test_varying_nothing_is_refused_with_what_to_give(ctx: ServiceContext, force: Force) -> None:
    from services.errors import DomainError
    from services.records.lifecycle import Variation, vary

    before = row_counts(ctx.engine)
    with pytest.raises(DomainError, match="Nothing to vary: give a new end date"):
        vary(ctx, force.officer, "WM-DVPO-2026-0001", Variation())
    assert row_counts(ctx.engine) == before
