"""Recording breaches: the 24-hour court clock, every refusal, and the crime reference."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from models import metadata
from rules.order_types import OrderType
from rules.ranks import Rank
from services.context import ServiceContext
from services.errors import Conflict, NotAllowed, ValidationFailed
from services.records import breaches
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


def dvpo(made: str = "2026-04-01 11:00", days: int = 28) -> NewRecord:
    return NewRecord(
        order_type=OrderType.DVPO, made_at=london(made), duration_days=days, perpetrator=PersonInput("Alex Example")
    )


def table_rows(ctx: ServiceContext, name: str) -> list[dict[str, object]]:
    table = metadata.tables[name]
    with ctx.engine.connect() as connection:
        return [dict(r._mapping) for r in connection.execute(sa.select(table).order_by(table.c.id))]


def test_a_breach_without_a_crime_reference_is_recorded_with_a_warning(ctx: ServiceContext, force: Force) -> None:
    notice = records.record(ctx, force.officer, dvpn())
    view = breaches.record_breach(
        ctx, force.officer, notice.reference, london("2026-04-02 20:30"), details="called her"
    )

    assert len(view.breaches) == 1 and "no crime reference yet" in view.breaches[0]
    assert any("No crime reference yet" in w and notice.reference in w for w in view.warnings)
    assert any(w.startswith("A DVPN breach is not itself a criminal offence (CSA 2010 s26)") for w in view.warnings)
    [row] = table_rows(ctx, "breach")
    assert row["crime_reference"] is None and row["arrested_at"] is None and row["court_deadline_at"] is None
    [audit] = audit_rows(ctx.engine, entity_type="breach", action="create")
    assert audit["actor"] == f"slack:{force.officer}" and audit["entity_id"] == row["id"]


def test_a_breach_with_a_crime_reference_gets_no_crime_warning(ctx: ServiceContext, force: Force) -> None:
    notice = records.record(ctx, force.officer, dvpn())
    view = breaches.record_breach(
        ctx, force.officer, notice.reference, london("2026-04-02 20:30"), crime_reference=" 22/123456/26 "
    )
    assert not any("crime reference" in w for w in view.warnings)
    [row] = table_rows(ctx, "breach")
    assert row["crime_reference"] == "22/123456/26"


@pytest.mark.parametrize("kind", ["DVPN", "DVPO"])
def test_an_arrest_gets_the_24_hour_court_deadline_skipping_excluded_days(
    ctx: ServiceContext,
    force: Force,
    clock,
    kind: str,  # type: ignore[no-untyped-def]
) -> None:
    record = records.record(ctx, force.officer, dvpn() if kind == "DVPN" else dvpo())
    clock.set(london("2026-04-04 12:00"))
    view = breaches.record_breach(
        ctx,
        force.officer,
        record.reference,
        london("2026-04-04 09:00"),
        arrested_at=london("2026-04-04 10:00"),
        crime_reference="22/1/26",
    )
    [row] = table_rows(ctx, "breach")
    # Sat 4 Apr 10:00: 14 h on Saturday, Sunday 5 and Easter Monday 6 skipped, 10 h on Tuesday.
    assert row["court_deadline_at"] == london("2026-04-07 10:00")
    court = next(d for d in view.deadlines if d.label.startswith("Court appearance"))
    assert court.at.isoformat() == "2026-04-07T10:00:00+01:00"
    text = " ".join(court.explanation)
    assert "Skipped Sun 05 Apr 2026" in text and "Skipped Mon 06 Apr 2026" in text
    assert ("CSA 2010 s26" if kind == "DVPN" else "CSA 2010 s29") in court.citation


def test_a_breach_before_service_is_refused(ctx: ServiceContext, force: Force) -> None:
    notice = records.record(ctx, force.officer, dvpn())
    before = row_counts(ctx.engine)
    with pytest.raises(ValidationFailed) as refused:
        breaches.record_breach(ctx, force.officer, notice.reference, london("2026-04-02 19:30"))
    assert "before the DVPN was served" in refused.value.field_errors["occurred_at"]
    assert row_counts(ctx.engine) == before


def test_a_breach_after_the_order_expired_is_refused(ctx: ServiceContext, force: Force) -> None:
    order = records.record(ctx, force.officer, dvpo(made="2026-03-01 11:00", days=14))  # ends with 14 March
    before = row_counts(ctx.engine)
    with pytest.raises(ValidationFailed) as refused:
        breaches.record_breach(ctx, force.officer, order.reference, london("2026-03-20 12:00"))
    assert "after the DVPO ended" in refused.value.field_errors["occurred_at"]
    assert row_counts(ctx.engine) == before
    # The last minute of its last day still counts.
    breaches.record_breach(ctx, force.officer, order.reference, london("2026-03-14 23:59"))
    assert row_counts(ctx.engine)["breach"] == 1


def test_a_breach_in_the_future_is_refused(ctx: ServiceContext, force: Force) -> None:
    notice = records.record(ctx, force.officer, dvpn())
    before = row_counts(ctx.engine)
    with pytest.raises(ValidationFailed) as refused:
        breaches.record_breach(ctx, force.officer, notice.reference, london("2026-04-02 22:00"))
    assert "in the future" in refused.value.field_errors["occurred_at"]
    assert row_counts(ctx.engine) == before


def test_an_arrest_before_the_breach_is_refused(ctx: ServiceContext, force: Force) -> None:
    notice = records.record(ctx, force.officer, dvpn())
    before = row_counts(ctx.engine)
    with pytest.raises(ValidationFailed) as refused:
        breaches.record_breach(
            ctx, force.officer, notice.reference, london("2026-04-02 20:40"), arrested_at=london("2026-04-02 20:30")
        )
    assert "before the breach" in refused.value.field_errors["arrested_at"]
    assert row_counts(ctx.engine) == before


def test_another_team_cannot_record_a_breach(ctx: ServiceContext, force: Force) -> None:
    notice = records.record(ctx, force.officer, dvpn())
    before = row_counts(ctx.engine)
    with pytest.raises(NotAllowed, match="another team"):
        breaches.record_breach(ctx, force.other_officer, notice.reference, london("2026-04-02 20:30"))
    assert row_counts(ctx.engine) == before


def _reminders(ctx: ServiceContext, prefix: str) -> list[dict[str, object]]:
    return [r for r in table_rows(ctx, "reminder") if str(r["kind"]).startswith(prefix)]


def test_adding_the_crime_reference_fills_the_latest_missing_one_and_cancels_its_reminders(
    ctx: ServiceContext, force: Force
) -> None:
    notice = records.record(ctx, force.officer, dvpn())
    breaches.record_breach(ctx, force.officer, notice.reference, london("2026-04-02 20:30"))
    breaches.record_breach(ctx, force.officer, notice.reference, london("2026-04-02 20:45"))
    first, second = table_rows(ctx, "breach")
    missing = _reminders(ctx, "crime_reference_missing:")
    # Officer and supervisor, for each breach, due 24 hours after it was recorded.
    assert len(missing) == 4
    assert {r["state"] for r in missing} == {"pending"}
    assert {r["due_at"] for r in missing} == {london("2026-04-03 21:00")}

    view = breaches.add_crime_reference(ctx, force.colleague, notice.reference, "22/654321/26")

    first, second = table_rows(ctx, "breach")
    assert second["crime_reference"] == "22/654321/26"
    assert second["crime_reference_added_at"] == london("2026-04-02 21:00")
    assert first["crime_reference"] is None
    assert "22/654321/26" in view.breaches[1]
    [audit] = audit_rows(ctx.engine, entity_type="breach", action="update")
    assert audit["entity_id"] == second["id"]
    assert audit["actor"] == f"slack:{force.colleague}"
    assert audit["before"] == {"crime_reference": None, "crime_reference_added_at": None}
    assert audit["after"]["crime_reference"] == "[free text]"  # the trail says it changed, not to what

    states = {r["kind"]: r["state"] for r in _reminders(ctx, "crime_reference_missing:")}
    assert {k: s for k, s in states.items() if k.startswith(f"crime_reference_missing:{second['id']}:")} == {
        k: "cancelled" for k in states if k.startswith(f"crime_reference_missing:{second['id']}:")
    }
    assert sorted(states.values()) == ["cancelled", "cancelled", "pending", "pending"]
    assert all(s == "pending" for k, s in states.items() if k.startswith(f"crime_reference_missing:{first['id']}:"))

    breaches.add_crime_reference(ctx, force.officer, notice.reference, "22/111111/26")
    assert {r["state"] for r in _reminders(ctx, "crime_reference_missing:")} == {"cancelled"}
    with pytest.raises(Conflict, match="already has a crime reference"):
        breaches.add_crime_reference(ctx, force.officer, notice.reference, "22/222222/26")


def test_a_breach_after_a_notice_lapsed_is_refused_before_the_rollover_runs(
    ctx: ServiceContext, force: Force, clock
) -> None:  # type: ignore[no-untyped-def]
    notice = records.record(ctx, force.officer, dvpn())  # served Thu 2 Apr 20:00, deadline Tue 7 Apr 20:00
    clock.set(london("2026-04-08 09:00"))  # no hearing was listed; the rollover has not marked it lapsed
    before = row_counts(ctx.engine)
    with pytest.raises(ValidationFailed, match="no longer in force"):
        breaches.record_breach(ctx, force.officer, notice.reference, london("2026-04-07 21:00"))
    assert row_counts(ctx.engine) == before
    inside = breaches.record_breach(ctx, force.officer, notice.reference, london("2026-04-07 19:00"))
    assert len(inside.breaches) == 1
