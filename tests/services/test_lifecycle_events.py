"""Events the lifecycle added or now guards: the court appearance after a breach arrest, a
hearing booked on an excluded day, what a breach is in law by type, and a notice whose only
hearing was listed after its deadline."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from models import ProtectionOrder, metadata
from services.clock import ManualClock
from services.context import ServiceContext
from services.errors import Conflict, ValidationFailed
from services.records import breaches, hearings, lifecycle
from services.records import recording as records
from services.records.planning import deadlines_ahead, load_facts
from tests.support.database import row_counts
from tests.support.force import Force, london
from tests.support.records import dapo, dvpn


def rows(ctx: ServiceContext, table: str) -> list[dict[str, object]]:
    t = metadata.tables[table]
    with ctx.engine.connect() as connection:
        return [dict(r._mapping) for r in connection.execute(sa.select(t).order_by(t.c.id))]


def live(ctx: ServiceContext, prefix: str) -> list[str]:
    return [
        str(r["kind"]) for r in rows(ctx, "reminder") if r["state"] == "pending" and str(r["kind"]).startswith(prefix)
    ]


def deadline_labels(ctx: ServiceContext) -> list[str]:
    with Session(ctx.engine) as session:
        order = session.exec(select(ProtectionOrder)).one()
        return [d.label for d in deadlines_ahead(load_facts(session, order), ctx.clock.now())]


def test_recording_the_court_appearance_ends_the_breach_court_countdown(ctx: ServiceContext, force: Force) -> None:
    notice = records.record(ctx, force.officer, dvpn())
    ref = notice.reference
    breaches.record_breach(ctx, force.officer, ref, london("2026-04-02 20:30"), arrested_at=london("2026-04-02 20:45"))
    assert live(ctx, "breach_court_in_") == ["breach_court_in_8h:1", "breach_court_in_2h:1"]
    assert "Breach: before a court by" in deadline_labels(ctx)

    view = breaches.record_court_appearance(ctx, force.officer, ref, london("2026-04-02 20:55"))

    assert live(ctx, "breach_court_in_") == []
    [breach] = rows(ctx, "breach")
    assert breach["before_court_at"] == london("2026-04-02 20:55")
    assert "Breach: before a court by" not in deadline_labels(ctx)
    assert view.reference == ref
    [audit] = [r for r in rows(ctx, "audit_event") if r["entity_type"] == "breach" and r["action"] == "update"]
    assert audit["after"]["before_court_at"] is not None  # type: ignore[index]


def test_a_court_appearance_with_no_arrest_waiting_or_before_the_arrest_is_refused(
    ctx: ServiceContext, force: Force
) -> None:
    ref = records.record(ctx, force.officer, dvpn()).reference
    before = row_counts(ctx.engine)
    with pytest.raises(Conflict) as refused:
        breaches.record_court_appearance(ctx, force.officer, ref, london("2026-04-02 20:55"))
    assert refused.value.message == f"No arrest on {ref} is waiting to go before the court."
    breaches.record_breach(ctx, force.officer, ref, london("2026-04-02 20:30"), arrested_at=london("2026-04-02 20:45"))
    before = row_counts(ctx.engine)
    with pytest.raises(ValidationFailed):
        breaches.record_court_appearance(ctx, force.officer, ref, london("2026-04-02 20:40"))
    assert row_counts(ctx.engine) == before


def test_a_hearing_booked_on_an_excluded_day_is_flagged(ctx: ServiceContext, force: Force) -> None:
    ref = records.record(ctx, force.officer, dvpn()).reference
    view = hearings.book_hearing(ctx, force.officer, ref, london("2026-04-03 10:00"))  # Good Friday
    assert view.warnings == (
        "The hearing is booked on Fri 03 Apr 2026 10:00 BST, an excluded day (Good Friday). Check the date with "
        "the court, and correct the record if it is wrong.",
    )


def test_what_a_breach_is_in_law_is_said_for_each_type(ctx: ServiceContext, force: Force) -> None:
    ref = records.record(ctx, force.officer, dapo()).reference
    view = breaches.record_breach(ctx, force.officer, ref, london("2026-04-02 20:30"))
    assert view.warnings[0] == (
        "A DAPO breach is a criminal offence (DAA 2021 s39; maximum 5 years' imprisonment, a fine, or both). No "
        f"crime reference yet: record it as a crime and add its reference to this breach on {ref} within 24 hours, "
        "or your supervisor is alerted."
    )
    assert not any("not itself" in str(w) for w in view.warnings)


def test_a_notice_listed_only_after_its_deadline_lapses_at_the_deadline(
    ctx: ServiceContext, force: Force, clock: ManualClock
) -> None:
    ref = records.record(ctx, force.officer, dvpn()).reference  # heard by Tue 7 Apr 20:00
    hearings.book_hearing(ctx, force.officer, ref, london("2026-04-08 10:00"))
    lapse_alerts = live(ctx, "notice_lapsed:")
    assert len(lapse_alerts) == 2  # the officer and the supervisor
    assert live(ctx, "hearing_deadline_in_") == [
        "hearing_deadline_in_24h",
        "hearing_deadline_in_8h",
        "hearing_deadline_in_2h",
    ]

    clock.set(london("2026-04-07 20:01"))
    lifecycle.store_passed_deadlines(ctx)

    [order] = rows(ctx, "protection_order")
    assert order["status"] == "lapsed" and order["closed_at"] == london("2026-04-07 20:00")
    assert live(ctx, "notice_lapsed:") == lapse_alerts  # still to go out: the sweep tells them
    assert live(ctx, "hearing_") == []  # the late hearing's reminders are withdrawn
