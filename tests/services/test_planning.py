"""Reminder planning: the plan for a fresh notice, how it changes, quiet hours, and reconciliation
that cancels but never deletes."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from config import ReminderPolicy
from models import BreachCheck, HearingOutcome, OrderStatus, ProtectionOrder, Reminder, ReminderState, metadata
from models.db import session_scope
from rules.order_types import OrderType
from rules.ranks import Rank
from services.context import ServiceContext
from services.records import breaches, checks, hearings
from services.records import recording as records
from services.records.hearings import GrantTerms
from services.records.order_writer import PersonInput
from services.records.planning import OrderFacts, PlannedReminder, plan_reminders, reconcile
from services.records.recording import NewRecord
from tests.support.force import Force, london

LONDON = ZoneInfo("Europe/London")


def dvpn() -> NewRecord:
    return NewRecord(
        order_type=OrderType.DVPN,
        served_at=london("2026-04-02 20:00"),
        authoriser_name="Supt Example",
        authoriser_rank=Rank.SUPERINTENDENT,
        perpetrator=PersonInput("Alex Example", date(1990, 1, 1)),
        protected=(PersonInput("Sam Sample"),),
    )


def table_rows(ctx: ServiceContext, name: str) -> list[dict[str, object]]:
    table = metadata.tables[name]
    with ctx.engine.connect() as connection:
        return [dict(r._mapping) for r in connection.execute(sa.select(table).order_by(table.c.id))]


def user_id(ctx: ServiceContext, slack_id: str) -> int:
    return next(int(u["id"]) for u in table_rows(ctx, "app_user") if u["slack_user_id"] == slack_id)  # type: ignore[call-overload]


def by_state(ctx: ServiceContext, state: str) -> set[tuple[str, datetime, int, bool]]:
    return {
        (str(r["kind"]), r["due_at"], r["recipient_id"], r["critical"])  # type: ignore[misc]
        for r in table_rows(ctx, "reminder")
        if r["state"] == state
    }


def test_the_plan_for_a_fresh_dvpn(ctx: ServiceContext, force: Force) -> None:
    records.record(ctx, force.officer, dvpn())  # deadline Tue 7 Apr 2026 20:00 BST
    officer, supervisor = user_id(ctx, force.officer), user_id(ctx, force.supervisor)
    [check] = table_rows(ctx, "breach_check")

    assert by_state(ctx, "pending") == {
        ("no_hearing_booked", london("2026-04-02 22:00"), officer, True),  # served + 2 h, quiet hours or not
        ("hearing_deadline_in_24h", london("2026-04-06 20:00"), officer, True),
        ("hearing_deadline_in_8h", london("2026-04-07 12:00"), officer, True),
        ("hearing_deadline_in_2h", london("2026-04-07 18:00"), officer, True),
        (f"hearing_unbooked_supervisor:{supervisor}", london("2026-04-07 18:00"), supervisor, True),
        (f"notice_lapsed:{officer}", london("2026-04-07 20:00"), officer, True),
        (f"notice_lapsed:{supervisor}", london("2026-04-07 20:00"), supervisor, True),
        (f"breach_check_due:{check['id']}", london("2026-04-03 20:00"), officer, False),
        # due + 4 h grace falls at midnight: a breach check is no statutory countdown, so it waits for 08:00
        (f"breach_check_overdue:{check['id']}:{supervisor}", london("2026-04-04 08:00"), supervisor, True),
    }
    assert by_state(ctx, "cancelled") == set()


def test_booking_a_hearing_cancels_the_unbooked_alerts_and_adds_hearing_reminders(
    ctx: ServiceContext, force: Force
) -> None:
    notice = records.record(ctx, force.officer, dvpn())
    officer, supervisor = user_id(ctx, force.officer), user_id(ctx, force.supervisor)
    hearings.book_hearing(ctx, force.officer, notice.reference, london("2026-04-07 10:00"))

    cancelled = {(kind, due) for kind, due, _, _ in by_state(ctx, "cancelled")}
    assert cancelled == {
        ("no_hearing_booked", london("2026-04-02 22:00")),
        (f"hearing_unbooked_supervisor:{supervisor}", london("2026-04-07 18:00")),
        ("hearing_deadline_in_24h", london("2026-04-06 20:00")),
        ("hearing_deadline_in_8h", london("2026-04-07 12:00")),
        ("hearing_deadline_in_2h", london("2026-04-07 18:00")),
    }
    pending = by_state(ctx, "pending")
    assert ("hearing_tomorrow", london("2026-04-06 16:00"), officer, False) in pending  # 16:00 the day before
    assert ("hearing_in_2h", london("2026-04-07 08:00"), officer, False) in pending
    # Listed before the deadline: the countdowns are moot and withdrawn; until an outcome is
    # recorded the lapse alarm stays.
    assert {k for k, *_ in pending} >= {f"notice_lapsed:{officer}", f"notice_lapsed:{supervisor}"}
    assert {k for k, *_ in pending if k.startswith("hearing_deadline_in_")} == set()


def test_a_hearing_listed_after_the_deadline_keeps_the_countdowns(ctx: ServiceContext, force: Force) -> None:
    notice = records.record(ctx, force.officer, dvpn())
    hearings.book_hearing(ctx, force.officer, notice.reference, london("2026-04-08 10:00"))
    pending = {k for k, *_ in by_state(ctx, "pending")}
    assert pending >= {"hearing_deadline_in_24h", "hearing_deadline_in_8h", "hearing_deadline_in_2h"}


def _facts(*checks_due: datetime) -> OrderFacts:
    order = ProtectionOrder(
        id=1,
        reference="WM-DVPO-2026-0001",
        order_type=OrderType.DVPO,
        status=OrderStatus.ACTIVE,
        perpetrator_id=1,
        officer_id=10,
        team_id=1,
        made_at=london("2026-04-01 11:00"),
        created_by_id=10,
        created_at=london("2026-04-01 12:00"),
        updated_at=london("2026-04-01 12:00"),
    )
    found = [
        BreachCheck(id=i, order_id=1, due_at=due, assigned_to_id=10, created_at=london("2026-04-01 12:00"))
        for i, due in enumerate(checks_due, start=1)
    ]
    return OrderFacts(order=order, hearings=[], breaches=[], checks=found, notifications=[], supervisor_ids=[20])


@pytest.mark.parametrize(
    "due, expected",
    [
        ("2026-04-10 23:00", "2026-04-11 08:00"),  # late evening: the next morning
        ("2026-04-10 22:00", "2026-04-11 08:00"),  # quiet hours start at 22:00
        ("2026-04-11 03:00", "2026-04-11 08:00"),  # small hours: the same morning
        ("2026-04-11 07:59", "2026-04-11 08:00"),
        ("2026-04-10 21:59", "2026-04-10 21:59"),  # outside: unchanged
        ("2026-04-11 08:00", "2026-04-11 08:00"),
    ],
)
def test_a_non_critical_reminder_in_quiet_hours_waits_for_the_morning(due: str, expected: str) -> None:
    plan = plan_reminders(_facts(london(due)), ReminderPolicy(), LONDON, now=london("2026-04-02 12:00"))
    by_kind = {p.kind: p for p in plan}
    assert by_kind["breach_check_due:1"].due_at == london(expected)
    assert by_kind["breach_check_due:1"].critical is False


def test_an_urgent_alert_that_is_no_statutory_countdown_waits_for_the_morning_too() -> None:
    plan = plan_reminders(_facts(london("2026-04-10 23:00")), ReminderPolicy(), LONDON, now=london("2026-04-02 12:00"))
    overdue = next(p for p in plan if p.kind == "breach_check_overdue:1:20")
    assert overdue.critical is True
    assert overdue.due_at == london("2026-04-11 08:00")  # due + 4 h grace is 03:00: a quiet hour


def test_statutory_countdowns_ignore_quiet_hours(ctx: ServiceContext, force: Force) -> None:
    records.record(ctx, force.officer, dvpn())  # served 20:00: no hearing booked alert at 22:00, a quiet hour
    pending = {k: due for k, due, _, _ in by_state(ctx, "pending")}
    assert pending["no_hearing_booked"] == london("2026-04-02 22:00")


def test_a_check_planned_for_late_evening_is_reminded_next_morning_through_the_service(
    ctx: ServiceContext, force: Force
) -> None:
    notice = records.record(ctx, force.officer, dvpn())
    checks.plan_check(ctx, force.officer, notice.reference, london("2026-04-05 23:00"))
    second = table_rows(ctx, "breach_check")[-1]
    pending = {k: due for k, due, _, _ in by_state(ctx, "pending")}
    assert pending[f"breach_check_due:{second['id']}"] == london("2026-04-06 08:00")
    supervisor = user_id(ctx, force.supervisor)
    assert pending[f"breach_check_overdue:{second['id']}:{supervisor}"] == london("2026-04-06 08:00")


def _reminder_count(ctx: ServiceContext) -> int:
    with ctx.engine.connect() as connection:
        return connection.execute(sa.select(sa.func.count()).select_from(metadata.tables["reminder"])).scalar_one()


def _duplicate_keys(ctx: ServiceContext) -> list[tuple[object, ...]]:
    table = metadata.tables["reminder"]
    query = (
        sa.select(table.c.order_id, table.c.kind, table.c.due_at)
        .group_by(table.c.order_id, table.c.kind, table.c.due_at)
        .having(sa.func.count() > 1)
    )
    with ctx.engine.connect() as connection:
        return [tuple(r) for r in connection.execute(query)]


def test_reconciling_never_deletes_and_keeps_one_row_per_key(ctx: ServiceContext, force: Force, clock) -> None:  # type: ignore[no-untyped-def]
    notice = records.record(ctx, force.officer, dvpn())
    ref = notice.reference
    steps = [
        lambda: hearings.book_hearing(ctx, force.officer, ref, london("2026-04-07 10:00")),
        lambda: clock.set(london("2026-04-07 11:00")),  # the hearing has sat
        lambda: hearings.adjourn_hearing(ctx, force.officer, ref, london("2026-04-07 14:00")),
        lambda: breaches.record_breach(ctx, force.officer, ref, london("2026-04-02 20:30")),
        lambda: breaches.add_crime_reference(ctx, force.officer, ref, "22/1/26"),
        lambda: clock.set(london("2026-04-07 15:00")),
        lambda: hearings.record_outcome(
            ctx, force.officer, ref, HearingOutcome.GRANTED, london("2026-04-07 14:30"), GrantTerms(duration_days=14)
        ),
    ]
    counts = [_reminder_count(ctx)]
    cancelled = [len(by_state(ctx, "cancelled"))]
    for step in steps:
        step()
        counts.append(_reminder_count(ctx))
        cancelled.append(len(by_state(ctx, "cancelled")))
        assert _duplicate_keys(ctx) == []
    assert counts == sorted(counts), counts
    assert cancelled == sorted(cancelled), cancelled
    # The superseded notice keeps its whole history, every row cancelled; the DVPO has its own plan.
    notice_id = next(r["id"] for r in table_rows(ctx, "protection_order") if r["reference"] == ref)
    notice_rows = [r for r in table_rows(ctx, "reminder") if r["order_id"] == notice_id]
    assert {r["state"] for r in notice_rows} == {"cancelled"}
    assert any(r["kind"] == "hearing_tomorrow" for r in notice_rows)
    assert any(r["state"] == "pending" and r["order_id"] != notice_id for r in table_rows(ctx, "reminder"))


def test_a_cancelled_reminder_planned_again_is_revived_not_duplicated(ctx: ServiceContext, force: Force) -> None:
    notice = records.record(ctx, force.officer, dvpn())
    hearings.book_hearing(ctx, force.officer, notice.reference, london("2026-04-07 10:00"))
    order_id = int(table_rows(ctx, "protection_order")[0]["id"])  # type: ignore[call-overload]
    officer = user_id(ctx, force.officer)
    before = _reminder_count(ctx)
    wanted = [PlannedReminder("no_hearing_booked", london("2026-04-02 22:00"), officer, critical=True)]

    with session_scope(ctx.engine) as session:
        added, cancelled = reconcile(session, order_id, wanted, london("2026-04-02 21:30"))

    assert added == 1
    assert cancelled > 0  # everything else pending was not in this plan
    assert _reminder_count(ctx) == before
    states = {(r["kind"], r["due_at"]): r["state"] for r in table_rows(ctx, "reminder")}
    assert states[("no_hearing_booked", london("2026-04-02 22:00"))] == "pending"
    assert _duplicate_keys(ctx) == []


def test_the_database_refuses_a_second_row_with_the_same_key(ctx: ServiceContext, force: Force) -> None:
    records.record(ctx, force.officer, dvpn())
    existing = table_rows(ctx, "reminder")[0]
    before = _reminder_count(ctx)
    with pytest.raises(IntegrityError), session_scope(ctx.engine) as session:
        session.add(
            Reminder(
                order_id=existing["order_id"],
                kind=existing["kind"],
                due_at=existing["due_at"],
                state=ReminderState.PENDING,
                created_at=london("2026-04-02 21:00"),
            )
        )
    assert _reminder_count(ctx) == before
