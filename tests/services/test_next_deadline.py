"""Each record's stored next deadline (protection_order.next_deadline_at) stays what the definition
says after every kind of write, and after time passes a breach court deadline.

The definition checked against is migration 0005's backfill: plain SQL over the hearings, checks,
notifications and breaches, written apart from services.records.planning.next_deadline, which stores the
value. Both must agree on every record, on SQLite and PostgreSQL."""

from __future__ import annotations

import importlib
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from models import Breach, BreachCheck, Hearing, HearingOutcome, OrderStatus, ProtectionOrder
from services.clock import ManualClock
from services.context import ServiceContext
from services.records import breaches, calendar, checks, hearings, lifecycle
from services.records.hearings import GrantTerms
from services.records.lifecycle import Variation
from services.records.planning import OrderFacts, next_deadline
from services.reporting import listing
from services.reporting.caseload import caseload
from services.reporting.list_results import CaseloadQuery, ListScope, NextDeadline
from tests.support.casework import Seeded
from tests.support.force import Force, london

backfill = importlib.import_module("migrations.versions.0005_next_deadline").backfill
ORDERS = ProtectionOrder.__table__  # type: ignore[attr-defined]


def stored(connection: sa.Connection) -> dict[str, datetime | None]:
    rows = connection.execute(sa.select(ORDERS.c.reference, ORDERS.c.next_deadline_at)).all()
    return dict(rows)  # type: ignore[arg-type]


def as_stored(engine: Engine) -> dict[str, datetime | None]:
    with engine.connect() as connection:
        return stored(connection)


def as_defined(engine: Engine, now: datetime | None) -> dict[str, datetime | None]:
    """Every record's next deadline by the migration's SQL, in a transaction rolled back after;
    `now` None is the database's clock, as when the migration runs."""
    with engine.connect() as connection, connection.begin() as transaction:
        connection.execute(sa.text("UPDATE protection_order SET next_deadline_at = NULL"))
        backfill(connection, now)
        found = stored(connection)
        transaction.rollback()
    return found


def assert_kept(ctx: ServiceContext, clock: ManualClock) -> dict[str, datetime | None]:
    now_stored = as_stored(ctx.engine)
    assert now_stored == as_defined(ctx.engine, clock.now())
    return now_stored


def test_the_seeded_records_store_their_next_deadline(
    ctx: ServiceContext, clock: ManualClock, casework: Seeded
) -> None:
    kept = assert_kept(ctx, clock)
    # The deadlines in tests/support/casework.py's table.
    assert kept == {
        casework.smith_dvpn: london("2026-04-03 20:00"),
        casework.smith_dvpo: london("2026-03-21 11:00"),
        casework.smith_dapo: london("2026-01-13 00:00"),
        casework.obrien_dvpn: london("2026-03-31 10:00"),
        casework.obrien_dvpo: london("2026-04-09 09:00"),
        casework.khan_dvpn: None,  # withdrawn
    }
    assert as_defined(ctx.engine, None) == kept  # no court deadline in the seed: the clock does not matter


def test_hearings_booked_adjourned_and_decided(
    ctx: ServiceContext, clock: ManualClock, force: Force, casework: Seeded
) -> None:
    checks.complete_check(ctx, force.officer, casework.smith_dvpn, london("2026-04-02 20:30"))
    hearings.book_hearing(ctx, force.officer, casework.smith_dvpn, london("2026-04-03 10:00"), "Kidderminster")
    assert assert_kept(ctx, clock)[casework.smith_dvpn] == london("2026-04-03 10:00")

    clock.set(london("2026-04-03 11:00"))  # the hearing has sat
    hearings.adjourn_hearing(ctx, force.officer, casework.smith_dvpn, london("2026-04-04 10:00"))
    assert assert_kept(ctx, clock)[casework.smith_dvpn] == london("2026-04-04 10:00")

    clock.set(london("2026-04-04 12:00"))
    view = hearings.record_outcome(
        ctx, force.officer, casework.smith_dvpn, HearingOutcome.GRANTED, london("2026-04-04 11:00"), GrantTerms(28)
    )
    kept = assert_kept(ctx, clock)
    assert kept[casework.smith_dvpn] is None  # superseded by the order
    assert kept[view.reference] is not None  # the order's own first check or expiry


def test_breaches_checks_notifications_and_the_court_deadline_passing(
    ctx: ServiceContext, clock: ManualClock, force: Force, casework: Seeded
) -> None:
    checks.complete_check(ctx, force.officer, casework.smith_dvpn, london("2026-04-02 20:30"))
    assert_kept(ctx, clock)
    breaches.record_breach(
        ctx, force.officer, casework.smith_dvpn, london("2026-04-02 20:40"), arrested_at=london("2026-04-02 20:50")
    )
    court_by = assert_kept(ctx, clock)[casework.smith_dvpn]
    assert _label(ctx, force, casework.smith_dvpn) == ("Breach: before a court by", court_by)

    checks.complete_check(ctx, force.colleague, casework.smith_dvpo, london("2026-04-02 20:00"))
    checks.plan_check(ctx, force.colleague, casework.smith_dvpo, london("2026-04-03 12:00"))
    assert assert_kept(ctx, clock)[casework.smith_dvpo] == london("2026-04-03 12:00")
    checks.record_notification(ctx, force.other_officer, casework.smith_dapo, london("2026-01-12 18:00"))
    assert assert_kept(ctx, clock)[casework.smith_dapo] != london("2026-01-13 00:00")
    breaches.add_crime_reference(ctx, force.officer, casework.smith_dvpn, "22/123456/26")
    assert_kept(ctx, clock)

    # Passed, the court deadline stops counting: the rollover stores the next one.
    assert court_by is not None
    clock.set(court_by + timedelta(minutes=1))
    assert as_stored(ctx.engine)[casework.smith_dvpn] == court_by
    applied = lifecycle.apply_time(ctx)
    assert casework.smith_dvpn in applied.deadlines_passed
    after = assert_kept(ctx, clock)[casework.smith_dvpn]
    assert after is not None and after > court_by
    assert _label(ctx, force, casework.smith_dvpn)[1] == after
    assert lifecycle.apply_time(ctx).deadlines_passed == ()  # nothing left to refresh
    assert lifecycle.store_passed_deadlines(ctx) == ()


def test_a_passed_court_deadline_can_be_refreshed_between_rollovers(
    ctx: ServiceContext, clock: ManualClock, force: Force, casework: Seeded
) -> None:
    checks.complete_check(ctx, force.officer, casework.smith_dvpn, london("2026-04-02 20:30"))
    breaches.record_breach(
        ctx, force.officer, casework.smith_dvpn, london("2026-04-02 20:40"), arrested_at=london("2026-04-02 20:50")
    )
    court_by = as_stored(ctx.engine)[casework.smith_dvpn]
    assert court_by is not None
    clock.set(court_by + timedelta(seconds=1))
    assert lifecycle.store_passed_deadlines(ctx) == (casework.smith_dvpn,)
    assert assert_kept(ctx, clock)[casework.smith_dvpn] == london("2026-04-07 20:00")  # the hearing deadline


def test_lapses_expiries_closures_variations_and_new_checks(
    ctx: ServiceContext, clock: ManualClock, force: Force, casework: Seeded
) -> None:
    checks.complete_check(ctx, force.other_officer, casework.obrien_dvpo, london("2026-04-02 20:00"))
    assert assert_kept(ctx, clock)[casework.obrien_dvpo] == london("2026-04-09 20:00")  # the next weekly check
    lifecycle.vary(ctx, force.other_officer, casework.obrien_dvpo, Variation(last_day=date(2026, 4, 15)))
    assert assert_kept(ctx, clock)[casework.obrien_dvpo] == london("2026-04-09 20:00")
    lifecycle.close(ctx, force.colleague, casework.smith_dvpo, "discharged by the court", status="discharged")
    assert assert_kept(ctx, clock)[casework.smith_dvpo] is None

    clock.set(london("2026-04-08 09:00"))
    applied = lifecycle.apply_time(ctx)
    assert set(applied.lapsed) == {casework.smith_dvpn, casework.obrien_dvpn}
    kept = assert_kept(ctx, clock)
    assert kept[casework.smith_dvpn] is kept[casework.obrien_dvpn] is None

    clock.set(london("2026-04-10 09:00"))
    checks.complete_check(ctx, force.other_officer, casework.obrien_dvpo, london("2026-04-10 08:00"))
    assert assert_kept(ctx, clock)[casework.obrien_dvpo] == london("2026-04-16 00:00")  # expiry: end of 15 April
    clock.set(london("2026-04-16 09:00"))
    assert lifecycle.apply_time(ctx).expired == (casework.obrien_dvpo,)
    assert assert_kept(ctx, clock)[casework.obrien_dvpo] is None

    checks.complete_check(ctx, force.other_officer, casework.smith_dapo, london("2026-04-16 08:00"))
    assert assert_kept(ctx, clock)[casework.smith_dapo] == london("2026-01-13 00:00")  # still awaited: overdue
    checks.record_notification(ctx, force.other_officer, casework.smith_dapo, london("2026-01-12 18:00"))
    assert assert_kept(ctx, clock)[casework.smith_dapo] == london("2026-04-23 08:00")  # the next weekly check


def test_an_added_bank_holiday_moves_a_running_clock(
    ctx: ServiceContext, clock: ManualClock, force: Force, casework: Seeded
) -> None:
    checks.complete_check(ctx, force.officer, casework.smith_dvpn, london("2026-04-02 20:30"))
    before = assert_kept(ctx, clock)[casework.smith_dvpn]
    assert before == london("2026-04-07 20:00")  # the hearing deadline (DOMAIN.md's worked example)
    calendar.add_excluded_day(ctx, force.admin, date(2026, 4, 4), "A proclaimed bank holiday")
    assert assert_kept(ctx, clock)[casework.smith_dvpn] == london("2026-04-08 20:00")


def test_the_choice_of_next_deadline_is_the_earliest_that_still_counts() -> None:
    now = london("2026-04-02 21:00")
    order = ProtectionOrder(status=OrderStatus.ACTIVE, hearing_deadline_at=london("2026-04-07 20:00"))
    late_check = BreachCheck(due_at=london("2026-04-06 10:00"))
    done_check = BreachCheck(due_at=london("2026-04-03 10:00"), done_at=london("2026-04-02 10:00"))
    passed_court = Breach(court_deadline_at=london("2026-04-02 20:59"))
    court_ahead = Breach(court_deadline_at=london("2026-04-05 09:00"))
    hearing = Hearing(scheduled_at=london("2026-04-05 10:00"))

    def chosen(**items: list[Any]) -> NextDeadline | None:
        found: dict[str, list[Any]] = {"hearings": [], "breaches": [], "checks": [], "notifications": []}
        return next_deadline(OrderFacts(order, supervisor_ids=[], **(found | items)), now)

    assert chosen() == NextDeadline("Hearing deadline", london("2026-04-07 20:00"))
    assert chosen(checks=[late_check, done_check]) == NextDeadline("Breach check", london("2026-04-06 10:00"))
    assert chosen(breaches=[passed_court], checks=[late_check]).label == "Breach check"  # type: ignore[union-attr]
    assert chosen(breaches=[passed_court, court_ahead], hearings=[hearing]) == NextDeadline(
        "Breach: before a court by", london("2026-04-05 09:00")
    )
    order.status = OrderStatus.LAPSED  # an ended record keeps only its open hearings and court deadlines
    assert chosen(checks=[late_check]) is None
    assert chosen(checks=[late_check], hearings=[hearing]) == NextDeadline("Hearing", london("2026-04-05 10:00"))


def _label(ctx: ServiceContext, force: Force, reference: str) -> tuple[str, datetime | None]:
    page = caseload(ctx, force.officer, CaseloadQuery(officer=force.officer))
    item = next(i for i in page.items if i.reference == reference)
    listed = next(i for i in listing.list_records(ctx, force.officer, ListScope.MINE).items if i.reference == reference)
    assert listed == item
    assert item.next_deadline is not None
    return item.next_deadline.label, item.next_deadline.at
