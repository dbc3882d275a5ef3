"""On both databases: pre-charge bail counted from the day after the arrest (PACE 1984 s47ZB(4)(a)),
a breach arrest's court deadline moving to the application hearing when one is listed earlier
(DAA 2021 s26(2)(b); CSA 2010 s26), and the occupation order clock (FLA 1996 s47(6)-(7))."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from models import metadata
from rules.order_types import OrderType
from rules.ranks import Rank
from services.context import ServiceContext
from services.errors import ValidationFailed
from services.records import breaches, hearings
from services.records import recording as records
from services.records.order_writer import PersonInput
from services.records.recording import NewRecord
from tests.support.database import audit_rows, row_counts
from tests.support.force import Force, london


def rows(ctx: ServiceContext, name: str) -> list[dict[str, object]]:
    table = metadata.tables[name]
    with ctx.engine.connect() as connection:
        return [dict(r._mapping) for r in connection.execute(sa.select(table).order_by(table.c.id))]


def bail(arrested: str, bailed: str, **changes: object) -> NewRecord:
    values: dict[str, object] = dict(
        order_type=OrderType.BAIL,
        served_at=london(bailed),
        arrested_at=london(arrested),
        perpetrator=PersonInput("Alex Example", date(1990, 1, 1)),
    )
    values.update(changes)
    return NewRecord(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize("bailed", ["2026-01-01 18:00", "2026-01-03 09:00"])
def test_bail_ends_3_months_from_the_day_after_the_arrest(
    ctx: ServiceContext, force: Force, clock, bailed: str
) -> None:  # type: ignore[no-untyped-def]
    # Arrested Thu 1 Jan 2026 10:00 -> bail start date Fri 2 Jan (s47ZB(4)(a)) -> 3 months beginning
    # with 2 Jan (s47ZB(1)(b)) -> last day Wed 1 Apr -> ends 2 Apr 00:00 BST, whether bail was given
    # on 1 Jan (old count: 31 Mar) or on 3 Jan (old count: 2 Apr, a day late).
    clock.set(london("2026-01-05 12:00"))
    view = records.record(ctx, force.officer, bail("2026-01-01 10:00", bailed))
    [row] = [r for r in rows(ctx, "protection_order") if r["reference"] == view.reference]
    assert row["arrested_at"] == london("2026-01-01 10:00")
    assert row["expires_at"] == london("2026-04-02 00:00")
    expiry = next(d for d in view.deadlines if "expiry" in d.label)
    assert "beginning with Fri 02 Jan 2026" in " ".join(expiry.explanation)


def test_an_inspectors_extension_runs_from_the_same_start(ctx: ServiceContext, force: Force, clock) -> None:  # type: ignore[no-untyped-def]
    # s47ZD(2): 6 months beginning with the bail start date (2 Jan) -> last day 1 Jul -> 2 Jul 00:00.
    clock.set(london("2026-01-05 12:00"))
    view = records.record(
        ctx,
        force.officer,
        bail("2026-01-01 10:00", "2026-01-01 18:00", duration_months=6, authoriser_rank=Rank.INSPECTOR),
    )
    [row] = [r for r in rows(ctx, "protection_order") if r["reference"] == view.reference]
    assert row["expires_at"] == london("2026-07-02 00:00")


def test_an_arrest_after_bail_was_given_is_refused_and_nothing_is_written(
    ctx: ServiceContext,
    force: Force,
    clock,  # type: ignore[no-untyped-def]
) -> None:
    clock.set(london("2026-01-05 12:00"))
    before = row_counts(ctx.engine)
    with pytest.raises(ValidationFailed, match="before the arrest"):
        records.record(ctx, force.officer, bail("2026-01-02 10:00", "2026-01-01 18:00"))
    assert row_counts(ctx.engine) == before


def dvpn(served: str) -> NewRecord:
    return NewRecord(
        order_type=OrderType.DVPN,
        served_at=london(served),
        authoriser_name="Supt Example",
        authoriser_rank=Rank.SUPERINTENDENT,
        perpetrator=PersonInput("Alex Example", date(1990, 1, 1)),
    )


def test_a_hearing_listed_before_the_24_hours_becomes_the_court_deadline(
    ctx: ServiceContext,
    force: Force,
    clock,  # type: ignore[no-untyped-def]
) -> None:
    clock.set(london("2026-04-02 21:00"))
    notice = records.record(ctx, force.officer, dvpn("2026-04-02 10:00"))
    # Arrested Thu 2 Apr 20:00: 4 h Thu, Good Friday skipped, 20 h Sat -> Sat 4 Apr 20:00.
    breaches.record_breach(
        ctx, force.officer, notice.reference, london("2026-04-02 19:30"), arrested_at=london("2026-04-02 20:00")
    )
    [breach] = rows(ctx, "breach")
    assert breach["court_deadline_at"] == london("2026-04-04 20:00") and breach["court_deadline_at_hearing"] is False

    # A hearing listed Tue 7 Apr 09:00 is later than Sat 20:00: the 24 hours still apply.
    hearings.book_hearing(ctx, force.officer, notice.reference, london("2026-04-07 09:00"))
    [breach] = rows(ctx, "breach")
    assert breach["court_deadline_at"] == london("2026-04-04 20:00") and breach["court_deadline_at_hearing"] is False

    # A second notice, its hearing listed Sat 4 Apr 10:00, before Sat 20:00: the hearing applies.
    clock.set(london("2026-04-02 21:30"))
    other = records.record(ctx, force.officer, dvpn("2026-04-02 11:00"))
    breaches.record_breach(
        ctx, force.officer, other.reference, london("2026-04-02 19:30"), arrested_at=london("2026-04-02 20:00")
    )
    view = hearings.book_hearing(ctx, force.officer, other.reference, london("2026-04-04 10:00"))
    moved = rows(ctx, "breach")[1]
    assert moved["court_deadline_at"] == london("2026-04-04 10:00") and moved["court_deadline_at_hearing"] is True
    [audit] = [
        a for a in audit_rows(ctx.engine, entity_type="breach", action="update") if a["entity_id"] == moved["id"]
    ]
    assert audit["actor"] == f"slack:{force.officer}"
    court = next(d for d in view.deadlines if d.label.startswith("Court appearance"))
    assert court.at == london("2026-04-04 10:00")
    assert any("The hearing is earlier" in line for line in court.explanation)
    # The countdown reminders follow the new deadline (24-hour countdown hours below 24: 8 and 2).
    due = sorted(
        r["due_at"]
        for r in rows(ctx, "reminder")
        if str(r["kind"]).startswith("breach_court_in_")
        and str(r["kind"]).endswith(f":{moved['id']}")
        and r["state"] == "pending"
    )
    assert due == [london("2026-04-04 08:00"), london("2026-04-04 02:00")][::-1]


def test_an_adjourned_hearing_moves_the_court_deadline_to_the_new_listing(
    ctx: ServiceContext,
    force: Force,
    clock,  # type: ignore[no-untyped-def]
) -> None:
    # Served Thu 2 Apr 10:00; hearing Thu 2 Apr 16:00 held and adjourned to Sat 4 Apr 10:00.
    clock.set(london("2026-04-02 12:00"))
    notice = records.record(ctx, force.officer, dvpn("2026-04-02 10:00"))
    hearings.book_hearing(ctx, force.officer, notice.reference, london("2026-04-02 16:00"))
    # Arrested Thu 17:00 for a breach: 24 h -> 7 h Thu, Good Friday skipped, 17 h Sat -> Sat 17:00.
    clock.set(london("2026-04-02 17:30"))
    breaches.record_breach(
        ctx, force.officer, notice.reference, london("2026-04-02 16:45"), arrested_at=london("2026-04-02 17:00")
    )
    [breach] = rows(ctx, "breach")
    assert breach["court_deadline_at"] == london("2026-04-04 17:00")
    hearings.adjourn_hearing(ctx, force.officer, notice.reference, london("2026-04-04 10:00"))
    [breach] = rows(ctx, "breach")
    assert breach["court_deadline_at"] == london("2026-04-04 10:00") and breach["court_deadline_at_hearing"] is True


def oo(power_of_arrest: bool) -> NewRecord:
    return NewRecord(
        order_type=OrderType.OCCUPATION,
        made_at=london("2026-05-01 11:00"),
        duration_days=180,
        power_of_arrest=power_of_arrest,
        perpetrator=PersonInput("Alex Example", date(1990, 1, 1)),
    )


def test_an_arrest_under_an_occupation_orders_power_of_arrest_counts_bank_holidays(
    ctx: ServiceContext,
    force: Force,
    clock,  # type: ignore[no-untyped-def]
) -> None:
    clock.set(london("2026-05-23 16:00"))
    order = records.record(ctx, force.officer, oo(True))
    # Arrested Sat 23 May 15:00: 9 h Sat, Sun skipped, Mon 25 May (bank holiday) counted: 15 h.
    view = breaches.record_breach(
        ctx, force.officer, order.reference, london("2026-05-23 14:00"), arrested_at=london("2026-05-23 15:00")
    )
    [breach] = rows(ctx, "breach")
    assert breach["court_deadline_at"] == london("2026-05-25 15:00")
    assert any("FLA 1996 s47(6)-(7)" in w for w in view.warnings)


def test_an_occupation_order_without_a_power_of_arrest_starts_no_clock(
    ctx: ServiceContext,
    force: Force,
    clock,  # type: ignore[no-untyped-def]
) -> None:
    clock.set(london("2026-05-23 16:00"))
    order = records.record(ctx, force.officer, oo(False))
    view = breaches.record_breach(
        ctx, force.officer, order.reference, london("2026-05-23 14:00"), arrested_at=london("2026-05-23 15:00")
    )
    [breach] = rows(ctx, "breach")
    assert breach["court_deadline_at"] is None
    assert any("No power of arrest is recorded" in w for w in view.warnings)
