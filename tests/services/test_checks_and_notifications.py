"""Breach checks (first one a day after service, then weekly) and perpetrators' notifications."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from models import metadata
from rules.order_types import OrderType
from rules.ranks import Rank
from services.context import ServiceContext
from services.errors import Conflict, ValidationFailed
from services.records import checks
from services.records import recording as records
from services.records.order_writer import PersonInput
from services.records.recording import NewRecord
from tests.support.database import audit_rows, row_counts
from tests.support.force import Force, london


def dvpn() -> NewRecord:
    return NewRecord(
        order_type=OrderType.DVPN,
        served_at=london("2026-04-02 20:00"),
        authoriser_name="Supt Example",
        authoriser_rank=Rank.SUPERINTENDENT,
        perpetrator=PersonInput("Alex Example", date(1990, 1, 1)),
        protected=(PersonInput("Sam Sample"),),
    )


def court_order(order_type: OrderType, made: str, **length: object) -> NewRecord:
    return NewRecord(order_type=order_type, made_at=london(made), perpetrator=PersonInput("Alex Example"), **length)  # type: ignore[arg-type]


def table_rows(ctx: ServiceContext, name: str) -> list[dict[str, object]]:
    table = metadata.tables[name]
    with ctx.engine.connect() as connection:
        return [dict(r._mapping) for r in connection.execute(sa.select(table).order_by(table.c.id))]


def test_the_first_breach_check_is_due_a_day_after_service(ctx: ServiceContext, force: Force) -> None:
    view = records.record(ctx, force.officer, dvpn())
    [check] = table_rows(ctx, "breach_check")
    assert check["due_at"] == london("2026-04-03 20:00")
    assert check["done_at"] is None
    assert view.checks == ("due Fri 03 Apr 2026 20:00 BST",)
    officer_id = next(u["id"] for u in table_rows(ctx, "app_user") if u["slack_user_id"] == force.officer)
    assert check["assigned_to_id"] == officer_id


def test_completing_a_check_marks_it_done_and_plans_the_next_a_week_later(
    ctx: ServiceContext,
    force: Force,
    clock,  # type: ignore[no-untyped-def]
) -> None:
    notice = records.record(ctx, force.officer, dvpn())
    clock.set(london("2026-04-03 21:00"))
    view = checks.complete_check(ctx, force.colleague, notice.reference, london("2026-04-03 20:30"), " spoke to Sam ")

    first, second = table_rows(ctx, "breach_check")
    assert first["done_at"] == london("2026-04-03 20:30")
    assert first["outcome"] == "spoke to Sam"
    colleague_id = next(u["id"] for u in table_rows(ctx, "app_user") if u["slack_user_id"] == force.colleague)
    assert first["done_by_id"] == colleague_id
    assert second["due_at"] == london("2026-04-10 20:30")
    assert second["done_at"] is None
    assert second["assigned_to_id"] == first["assigned_to_id"]
    assert len(view.checks) == 2 and view.checks[0].startswith("done ")

    [done] = audit_rows(ctx.engine, entity_type="breach_check", action="update")
    assert done["actor"] == f"slack:{force.colleague}" and done["entity_id"] == first["id"]
    assert done["after"]["outcome"] == "[free text]"  # it may name people: the trail says it was written
    [recorded, planned] = audit_rows(ctx.engine, entity_type="breach_check", action="create")
    assert recorded["actor"] == f"slack:{force.officer}" and recorded["entity_id"] == first["id"]  # with the record
    assert planned["actor"] == "system:check-planner" and planned["entity_id"] == second["id"]
    # The done check's reminders are cancelled; the next one's are pending.
    due = {r["kind"]: r["state"] for r in table_rows(ctx, "reminder") if r["kind"].startswith("breach_check_due:")}
    assert due == {f"breach_check_due:{first['id']}": "cancelled", f"breach_check_due:{second['id']}": "pending"}


def test_completing_with_no_check_waiting_is_a_conflict(ctx: ServiceContext, force: Force) -> None:
    # 14 days beginning with 20 March: in force to the end of 2 April. The next check would fall after it.
    order = records.record(ctx, force.officer, court_order(OrderType.DVPO, "2026-03-20 11:00", duration_days=14))
    checks.complete_check(ctx, force.officer, order.reference, london("2026-03-28 10:00"))
    assert len(table_rows(ctx, "breach_check")) == 1  # no next check after the order's end
    before = row_counts(ctx.engine)
    with pytest.raises(Conflict, match="no breach check waiting"):
        checks.complete_check(ctx, force.officer, order.reference, london("2026-04-01 10:00"))
    assert row_counts(ctx.engine) == before


def test_a_check_done_in_the_future_is_refused(ctx: ServiceContext, force: Force) -> None:
    notice = records.record(ctx, force.officer, dvpn())
    before = row_counts(ctx.engine)
    with pytest.raises(ValidationFailed) as refused:
        checks.complete_check(ctx, force.officer, notice.reference, london("2026-04-02 22:00"))
    assert "in the future" in refused.value.field_errors["done_at"]
    assert row_counts(ctx.engine) == before
    assert table_rows(ctx, "breach_check")[0]["done_at"] is None


def test_a_dapo_notification_inside_the_window_is_recorded_without_warning(ctx: ServiceContext, force: Force) -> None:
    order = records.record(
        ctx, force.officer, court_order(OrderType.DAPO, "2026-04-01 11:00", until_further_order=True)
    )
    [waiting] = table_rows(ctx, "notification")
    assert waiting["kind"] == "initial" and waiting["due_at"] == london("2026-04-04 00:00")
    missing = [r for r in table_rows(ctx, "reminder") if r["kind"].startswith("notification_missing:")]
    assert len(missing) == 2 and {r["state"] for r in missing} == {"pending"}  # officer and supervisor

    view = checks.record_notification(ctx, force.colleague, order.reference, london("2026-04-02 10:00"))

    assert view.warnings == ()
    [row] = table_rows(ctx, "notification")
    assert row["received_at"] == london("2026-04-02 10:00")
    # The awaited notification was audited when the order made it, and again when it came.
    created, audit = audit_rows(ctx.engine, entity_type="notification")
    assert created["action"] == "create" and created["actor"] == f"slack:{force.officer}"
    assert audit["action"] == "update" and audit["actor"] == f"slack:{force.colleague}"
    missing = [r for r in table_rows(ctx, "reminder") if r["kind"].startswith("notification_missing:")]
    assert {r["state"] for r in missing} == {"cancelled"}


def test_a_late_notification_is_recorded_with_a_warning(ctx: ServiceContext, force: Force) -> None:
    order = records.record(
        ctx, force.officer, court_order(OrderType.DAPO, "2026-03-20 11:00", until_further_order=True)
    )
    view = checks.record_notification(ctx, force.officer, order.reference, london("2026-03-25 09:00"))
    [warning] = view.warnings
    assert "after its 3-day window" in warning
    assert table_rows(ctx, "notification")[0]["received_at"] == london("2026-03-25 09:00")


def test_a_notification_in_the_future_is_refused(ctx: ServiceContext, force: Force) -> None:
    order = records.record(
        ctx, force.officer, court_order(OrderType.DAPO, "2026-04-01 11:00", until_further_order=True)
    )
    before = row_counts(ctx.engine)
    with pytest.raises(ValidationFailed) as refused:
        checks.record_notification(ctx, force.officer, order.reference, london("2026-04-03 10:00"))
    assert "in the future" in refused.value.field_errors["received_at"]
    assert row_counts(ctx.engine) == before


def test_a_dvpo_carries_no_duty_to_notify(ctx: ServiceContext, force: Force) -> None:
    order = records.record(ctx, force.officer, court_order(OrderType.DVPO, "2026-04-01 11:00", duration_days=28))
    before = row_counts(ctx.engine)
    with pytest.raises(Conflict, match="DVPO carries no duty to notify"):
        checks.record_notification(ctx, force.officer, order.reference, london("2026-04-02 10:00"))
    assert row_counts(ctx.engine) == before
