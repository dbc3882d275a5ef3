"""Retention review and erasure: which records qualify, that erased personal data is gone from
every column of every table (reflected from the database, not the models), that the audit trail
keeps the erasure and never held the data, and every refusal changes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from models import HearingOutcome, metadata
from rules.order_types import OrderType
from services.clock import ManualClock
from services.context import ServiceContext
from services.errors import Conflict, DomainError, NotAllowed, NotFound
from services.governance import retention
from services.people import priority_tallies
from services.records import breaches, checks, hearings, lifecycle
from services.records import recording as records
from services.records.hearings import GrantTerms
from services.records.lifecycle import Variation
from services.records.order_writer import PersonInput
from services.records.recording import NewRecord
from tests.support.database import audit_rows, row_counts
from tests.support.force import LONDON, Force, london
from tests.support.records import PERSONAL, dvpn

# Free text about R1's people, typed by officers: it must go with them.
CONDITIONS = "Not to contact Samantha or go to Safe Close"
BREACH_DETAILS = "Samantha says Alexander shouted at her door"
CHECK_OUTCOME = "Spoke to Samantha at Safe Close, all well"
STORED = tuple(t for t in PERSONAL if t not in ("15 Jan 1990", "30 Jun 1992"))  # dates as the database holds them
R1_TRACES = (*STORED, CONDITIONS, BREACH_DETAILS, CHECK_OUTCOME)

OTHER = PersonInput("Jordan Unrelated", date(1985, 3, 3), "9 Lark Rise, Worcester WR1 1AA", pnc_id="01/999999V")
OTHER_CONDITIONS = "Not to contact Casey Unrelated at Lark Rise"
OTHER_TRACES = (OTHER_CONDITIONS, "Jordan Unrelated", "Lark Rise", "WR1 1AA", "1985-03-03", "01/999999V")
REASON = "MoPI review: no policing purpose remains"


@dataclass(frozen=True)
class Records:
    r1: str  # a DVPN refused in April 2026: past retention in 2032
    r2: str  # a DVPN granted in April 2026 ...
    r3: str  # ... its DVPO, expired April 2026 ...
    r4: str  # ... and a DVPO against the same person (same PNC id) in 2029: keeps R2 and R3 until 2035
    r5: str  # a DAPO until further order: open, never reviewed


@pytest.fixture
def kept(ctx: ServiceContext, clock: ManualClock, force: Force) -> Records:
    a = force.officer
    clock.set(london("2026-04-02 21:00"))
    r1 = records.record(ctx, a, dvpn(conditions=CONDITIONS)).reference
    clock.set(london("2026-04-03 21:00"))
    checks.complete_check(ctx, a, r1, london("2026-04-03 20:30"), CHECK_OUTCOME)
    breaches.record_breach(ctx, a, r1, london("2026-04-03 20:45"), details=BREACH_DETAILS)
    hearings.book_hearing(ctx, a, r1, london("2026-04-07 10:00"), "Birmingham Magistrates")
    other = dvpn(served_at=london("2026-04-03 20:00"), perpetrator=OTHER, protected=(PersonInput("Casey Unrelated"),))
    r2 = records.record(ctx, a, other).reference
    hearings.book_hearing(ctx, a, r2, london("2026-04-05 10:00"))
    clock.set(london("2026-04-07 12:00"))
    hearings.record_outcome(ctx, a, r1, HearingOutcome.REFUSED, london("2026-04-07 11:00"))
    r3 = hearings.record_outcome(
        ctx, a, r2, HearingOutcome.GRANTED, london("2026-04-05 11:00"), GrantTerms(duration_days=14)
    ).reference
    lifecycle.vary(ctx, a, r3, Variation(conditions=OTHER_CONDITIONS))
    clock.set(london("2026-04-20 09:00"))
    r5 = records.record(
        ctx,
        a,
        NewRecord(
            order_type=OrderType.DAPO,
            made_at=london("2026-04-20 08:00"),
            until_further_order=True,
            perpetrator=PersonInput("Robin Current", date(1979, 9, 9)),
        ),
    ).reference
    clock.set(london("2029-06-01 12:00"))
    r4 = records.record(
        ctx,
        a,
        NewRecord(order_type=OrderType.DVPO, made_at=london("2029-06-01 11:00"), duration_days=14, perpetrator=OTHER),
    ).reference
    clock.set(london("2029-07-01 01:00"))
    lifecycle.apply_time(ctx)  # R3 (2026) and R4 (2029) expire
    clock.set(london("2032-05-01 09:00"))
    return Records(r1, r2, r3, r4, r5)


def every_value(engine: Engine) -> str:
    """Every value in every column of every table the database holds, as text."""
    reflected = sa.MetaData()
    reflected.reflect(engine)
    with engine.connect() as connection:
        return "\n".join(
            str(value)
            for table in reflected.sorted_tables
            for row in connection.execute(sa.select(table))
            for value in row
            if value is not None
        )


def test_the_review_lists_families_past_retention_by_reference(
    ctx: ServiceContext, kept: Records, force: Force
) -> None:
    due = retention.review(ctx, force.admin)

    assert [(d.reference, d.order_type) for d in due] == [(kept.r1, "DVPN")]
    assert due[0].ended_at == london("2026-04-07 11:00")
    assert due[0].review_due == datetime(2032, 4, 7, tzinfo=LONDON)
    [logged] = audit_rows(ctx.engine, action="retention_review")
    assert logged["actor"] == f"slack:{force.admin}" and logged["after"]["references"] == [kept.r1]


def test_a_family_is_due_when_its_last_record_ended_long_enough_ago(
    ctx: ServiceContext, clock: ManualClock, kept: Records, force: Force
) -> None:
    clock.set(london("2035-06-29 09:00"))  # R4 expired at the end of 14 June 2029... plus six years
    due = {d.reference: d.family for d in retention.review(ctx, force.admin)}
    assert due[kept.r2] == due[kept.r3] == due[kept.r4] == tuple(sorted((kept.r2, kept.r3, kept.r4)))
    assert kept.r5 not in due  # open: never


def test_erasure_removes_every_trace_of_the_people_and_keeps_the_audit_of_it(
    ctx: ServiceContext, kept: Records, force: Force
) -> None:
    priority_tallies.keep_current(ctx)  # the priority list's tallies key people by name or PNC id
    before_text = every_value(ctx.engine)
    assert [t for t in R1_TRACES if t in before_text] == list(R1_TRACES)  # the search would find them
    before = row_counts(ctx.engine)

    done = retention.erase(ctx, force.admin, kept.r1, REASON)

    after_text = every_value(ctx.engine)
    assert [t for t in R1_TRACES if t in after_text] == []
    words = ("alexander", "samantha", "hollybush", "b312aa")  # the words search finds them by
    assert [w for w in words if w in before_text] == list(words) and [w for w in words if w in after_text] == []
    assert [t for t in OTHER_TRACES if t in after_text] == list(OTHER_TRACES)  # other people's records stay
    after = row_counts(ctx.engine)
    assert {t: before[t] - after[t] for t in done.deleted} == done.deleted
    assert done.deleted["protection_order"] == 1 and done.deleted["perpetrator"] == 1
    assert done.deleted["protected_person"] == 1 and done.deleted["breach"] == 1 and done.deleted["hearing"] == 1
    assert after["audit_event"] == before["audit_event"] + 1
    tallies = {t for t in before if t.startswith("priority_")}  # made again without the erased people
    assert {t for t in before if before[t] != after[t]} - tallies == {*done.deleted, "audit_event"} - {
        t for t, n in done.deleted.items() if n == 0
    }
    [erased] = audit_rows(ctx.engine, action="erase")
    assert erased["id"] == done.audit_event_id
    assert erased["actor"] == f"slack:{force.admin}" and erased["source"] == "test"
    assert erased["justification"] == REASON
    assert erased["after"]["references"] == [kept.r1]
    assert erased["after"]["deleted_rows"] == done.deleted
    assert "full_name" in erased["after"]["personal_fields_erased"]["perpetrator"]
    # The trail of the record's life is still there, masked as it always was.
    history = audit_rows(ctx.engine, order_id=erased["order_id"])
    assert {"create", "update", "erase"} <= {row["action"] for row in history}


def test_a_family_inside_retention_is_refused_naming_the_records_that_keep_it(
    ctx: ServiceContext, kept: Records, force: Force
) -> None:
    before = row_counts(ctx.engine)
    with pytest.raises(Conflict) as refused:
        retention.erase(ctx, force.admin, kept.r2, REASON)
    message = refused.value.message
    assert kept.r4 in message and "kept until 15 Jun 2035" in message
    assert all(ref in message for ref in (kept.r2, kept.r3, kept.r4))
    assert row_counts(ctx.engine) == before


@pytest.mark.parametrize(
    "case, error, fragment",
    [
        ("open", Conflict, "still open"),
        ("unknown", NotFound, "No record, incident, Clare's Law request or plan has the reference 'WM-DVPN-2026-9999'"),
        ("no reason", DomainError, "Say why the record is erased"),
        ("not an admin", NotAllowed, "not an active dvpn-bot admin"),
        ("unknown operator", NotAllowed, "not an active dvpn-bot admin"),
    ],
)
def test_refusals_change_nothing(
    ctx: ServiceContext, kept: Records, force: Force, case: str, error: type[Exception], fragment: str
) -> None:
    reference, by, reason = kept.r1, force.admin, REASON
    if case == "open":
        reference = kept.r5
    elif case == "unknown":
        reference = "WM-DVPN-2026-9999"
    elif case == "no reason":
        reason = "  "
    elif case == "not an admin":
        by = force.supervisor
    elif case == "unknown operator":
        by = "UNOBODY"
    before = row_counts(ctx.engine)
    with pytest.raises(error) as refused:
        retention.erase(ctx, by, reference, reason)
    assert fragment in str(refused.value)
    assert row_counts(ctx.engine) == before


def test_erasing_twice_says_when_it_was_erased(ctx: ServiceContext, kept: Records, force: Force) -> None:
    retention.erase(ctx, force.admin, kept.r1, REASON)
    before = row_counts(ctx.engine)
    with pytest.raises(Conflict) as refused:
        retention.erase(ctx, force.admin, kept.r1.lower(), REASON)
    assert f"{kept.r1} was already erased on 01 May 2032 09:00 by slack:{force.admin}" in refused.value.message
    assert row_counts(ctx.engine) == before


def test_the_audit_trail_never_holds_free_text_or_identifiers(ctx: ServiceContext, kept: Records) -> None:
    table = metadata.tables["audit_event"]
    with ctx.engine.connect() as connection:
        trail = "\n".join(str(dict(row._mapping)) for row in connection.execute(sa.select(table)))
    assert [t for t in (*R1_TRACES, *OTHER_TRACES) if t in trail] == []
    [varied] = [r for r in audit_rows(ctx.engine, action="update") if "conditions" in (r["after"] or {})]
    assert varied["before"]["conditions"] is None and varied["after"]["conditions"] == "[free text]"


def test_every_table_that_points_at_a_record_or_a_person_is_erased() -> None:
    """A table added later that refers to records or people must join the erasure, or this fails."""
    erased = {str(model.__tablename__) for model in retention.ERASED_TABLES}
    referring = {
        table.name for table in metadata.sorted_tables for fk in table.foreign_keys if fk.column.table.name in erased
    }
    assert referring <= erased


@pytest.mark.parametrize(
    "ended, due",
    [
        ("2026-04-07 11:00", datetime(2032, 4, 7, tzinfo=LONDON)),
        ("2024-02-29 10:00", datetime(2030, 3, 1, tzinfo=LONDON)),
        ("2026-03-31 23:30", datetime(2032, 3, 31, tzinfo=LONDON)),  # the local date, not UTC's
    ],
)
def test_the_review_date_is_whole_years_after_the_local_day_it_ended(ended: str, due: datetime) -> None:
    assert retention.review_due(london(ended).astimezone(UTC), 6, LONDON) == due


def test_an_incident_a_record_was_recorded_from_is_erased_with_its_family(
    ctx: ServiceContext, kept: Records, force: Force, clock: ManualClock
) -> None:
    from services.incidents import changes
    from services.incidents.recording import ChildInput, NewIncident, record_incident

    clock.set(london("2026-04-02 21:30"))
    child = (ChildInput("Jody Traceable", "Traceable Primary", "cumbria"),)
    new = NewIncident(london("2026-04-02 19:00"), PersonInput("Vic Traceable"), PersonInput("Sus Traceable"), child, 16)
    ref = record_incident(ctx, force.officer, new)
    changes.record_referral(ctx, force.officer, ref)
    changes.add_action(ctx, force.officer, ref, "Traceable action", force.colleague, london("2026-04-20 10:00"))
    # The link a notice recorded from the incident carries (protection_order.incident_id).
    with ctx.engine.begin() as connection:
        incident_id = connection.execute(sa.text("SELECT id FROM incident")).scalar_one()
        connection.execute(
            sa.text("UPDATE protection_order SET incident_id = :i WHERE reference = :r"),
            {"i": incident_id, "r": kept.r1},
        )
    clock.set(london("2032-05-01 09:00"))
    with pytest.raises(Conflict, match=f"Not erased: {ref} \\(a MARAC action to do\\) is still open"):
        retention.erase(ctx, force.admin, kept.r1, REASON)
    # Done years late: the incident's last activity, and so its family's, is now.
    changes.action_done(ctx, force.officer, ref, 1)
    with pytest.raises(Conflict, match=f"Not erased: {ref} ended on 01 May 2032.* kept until 01 May 2038"):
        retention.erase(ctx, force.admin, kept.r1, REASON)
    clock.set(london("2038-05-01 00:00"))
    done = retention.erase(ctx, force.admin, kept.r1, REASON)
    assert done.deleted["incident"] == 1 and done.deleted["incident_child"] == 1
    assert done.deleted["marac_referral"] == 1 and done.deleted["marac_action"] == 1
    assert "Traceable" not in every_value(ctx.engine)


def test_a_clare_law_request_about_the_family_holds_erasure_while_open_then_goes_with_it(
    ctx: ServiceContext, kept: Records, force: Force, clock: ManualClock
) -> None:
    from rules.disclosure import Route
    from services.disclosures import requests as disclosures
    from services.disclosures.requests import NewRequest

    clock.set(london("2026-04-03 10:00"))
    new = NewRequest(Route.ASK, PersonInput("Ada Traceable"), PersonInput("Sub Traceable"), london("2026-04-03 09:00"))
    request = disclosures.new_request(ctx, force.officer, new).reference
    # The subject as the family's own perpetrator row (what matching a PNC id on record gives).
    with ctx.engine.begin() as connection:
        connection.execute(
            sa.text(
                "UPDATE disclosure_request SET perpetrator_id = "
                "(SELECT perpetrator_id FROM protection_order WHERE reference = :r) WHERE reference = :q"
            ),
            {"r": kept.r1, "q": request},
        )
    clock.set(london("2032-05-01 09:00"))
    before = row_counts(ctx.engine)
    with pytest.raises(Conflict) as refused:
        retention.erase(ctx, force.admin, kept.r1, REASON)
    assert request in str(refused.value) and "still open" in str(refused.value)
    assert {k: v for k, v in row_counts(ctx.engine).items() if k != "audit_event"} == {
        k: v for k, v in before.items() if k != "audit_event"
    }

    disclosures.close(ctx, force.officer, request, "withdrawn by the applicant")
    # Closed in 2032: the request's last activity, and so its family's, is then.
    with pytest.raises(Conflict, match=f"{request} ended on 01 May 2032.* kept until 01 May 2038"):
        retention.erase(ctx, force.admin, kept.r1, REASON)
    clock.set(london("2038-05-01 00:00"))
    done = retention.erase(ctx, force.admin, kept.r1, REASON)
    assert done.references == tuple(sorted((kept.r1, request)))
    assert done.deleted["disclosure_request"] == 1
    assert row_counts(ctx.engine)["disclosure_request"] == 0
    # The request's own row for the person at risk went with it (the subject's row it was made with
    # was left by the UPDATE above pointing the request at the family's).
    assert "Ada Traceable" not in every_value(ctx.engine)


def test_an_incident_no_record_came_from_is_kept_from_its_last_activity_then_erased_by_its_reference(
    ctx: ServiceContext, kept: Records, force: Force, clock: ManualClock
) -> None:
    """As the operator meets it: the review lists the incident by reference with the day of its last
    activity; erasing it early says until when it is kept; then it goes, with its people and children."""
    from services.incidents import changes
    from services.incidents.recording import ChildInput, NewIncident, record_incident

    clock.set(london("2026-04-02 21:30"))
    child = (ChildInput("Jody Loner", "Loner Primary", "cumbria"),)
    new = NewIncident(london("2026-04-02 19:00"), PersonInput("Vic Loner"), PersonInput("Sus Loner"), child, 3)
    ref = record_incident(ctx, force.officer, new)
    clock.set(london("2026-05-20 10:00"))
    changes.record_school_told(ctx, force.officer, ref, 1)  # its last activity: 20 May 2026
    clock.set(london("2032-05-01 09:00"))
    due = {d.reference: d for d in retention.review(ctx, force.admin)}
    assert ref not in due and kept.r1 in due
    before = row_counts(ctx.engine)
    with pytest.raises(Conflict, match=f"{ref} ended on 20 May 2026, .* kept until 20 May 2032"):
        retention.erase(ctx, force.admin, ref, REASON)
    assert {k: v for k, v in row_counts(ctx.engine).items() if k != "audit_event"} == {
        k: v for k, v in before.items() if k != "audit_event"
    }

    clock.set(london("2032-05-20 00:00"))
    listed = {d.reference: d for d in retention.review(ctx, force.admin)}[ref]
    assert (listed.order_type, listed.ended_at, listed.family) == ("INC", london("2026-05-20 10:00"), (ref,))
    with ctx.engine.connect() as connection:
        clocks = connection.execute(sa.text("SELECT count(*) FROM reminder WHERE incident_id IS NOT NULL")).scalar()
    assert clocks  # the clocks never met (attendance, crime, ...) still stand
    done = retention.erase(ctx, force.admin, ref, REASON)
    assert done.references == (ref,)
    assert (done.deleted["incident"], done.deleted["incident_child"], done.deleted["reminder"]) == (1, 1, clocks)
    assert (done.deleted["perpetrator"], done.deleted["protected_person"], done.deleted["protection_order"]) == (
        1,
        1,
        0,
    )
    assert "Loner" not in every_value(ctx.engine)
    [erased] = audit_rows(ctx.engine, action="erase")
    assert (erased["entity_type"], erased["justification"]) == ("incident", REASON)
    assert erased["after"]["references"] == [ref]
    with pytest.raises(Conflict, match=f"{ref} was already erased"):
        retention.erase(ctx, force.admin, ref, REASON)
    assert kept.r1 in {d.reference for d in retention.review(ctx, force.admin)}  # its own family untouched


def test_a_clare_law_request_about_people_with_nothing_else_on_record_is_reviewed_and_erased_alone(
    ctx: ServiceContext, kept: Records, force: Force, clock: ManualClock
) -> None:
    """Its own family, ending at its last activity; listed as DVDS by its reference; erased by it
    with its applicant, both its person rows and its reminders."""
    from rules.disclosure import Decision, Route
    from services.disclosures import requests as disclosures
    from services.disclosures.requests import NewRequest

    clock.set(london("2026-04-03 10:00"))
    at_risk = PersonInput("Ada Alone", date(1991, 1, 1), "3 Quiet Row, Dudley DY1 1AA")
    new = NewRequest(Route.ASK, at_risk, PersonInput("Sub Alone"), london("2026-04-03 09:00"), "App Alone")
    request = disclosures.new_request(ctx, force.officer, new).reference
    clock.set(london("2032-05-01 09:00"))
    assert request not in {d.reference for d in retention.review(ctx, force.admin)}  # open: never
    with pytest.raises(Conflict, match=f"{request} \\(a Clare's Law request\\) is still open"):
        retention.erase(ctx, force.admin, request, REASON)
    clock.set(london("2026-04-20 10:00"))
    disclosures.record_checks(ctx, force.officer, request)
    disclosures.decide(ctx, force.officer, request, Decision.DISCLOSE, "history of violence")
    disclosures.record_disclosure(ctx, force.officer, request, "the person at risk")  # completes it
    with ctx.engine.connect() as connection:
        reminders = connection.execute(
            sa.text("SELECT count(*) FROM reminder WHERE disclosure_id IS NOT NULL")
        ).scalar()
    clock.set(london("2032-04-19 23:00"))
    assert request not in {d.reference for d in retention.review(ctx, force.admin)}  # inside retention
    clock.set(london("2032-04-20 00:00"))
    [listed] = [d for d in retention.review(ctx, force.admin) if d.reference == request]
    assert (listed.order_type, listed.ended_at, listed.family) == ("DVDS", london("2026-04-20 10:00"), (request,))
    before_text = every_value(ctx.engine)
    assert "Alone" in before_text and "quiet" in before_text.lower()
    done = retention.erase(ctx, force.admin, request.lower(), REASON)
    assert done.references == (request,)
    assert (done.deleted["disclosure_request"], done.deleted["disclosure_applicant"]) == (1, 1)
    assert (done.deleted["perpetrator"], done.deleted["protected_person"], done.deleted["protection_order"]) == (
        1,
        1,
        0,
    )
    # Search words are kept per record: people on no record have none to delete.
    assert done.deleted["reminder"] == reminders and done.deleted["search_term"] == 0
    after_text = every_value(ctx.engine)
    assert "Alone" not in after_text and "quiet" not in after_text.lower()
    [erased] = audit_rows(ctx.engine, action="erase")
    assert (erased["entity_type"], erased["after"]["references"]) == ("disclosure_request", [request])
    with pytest.raises(Conflict, match=f"{request} was already erased"):
        retention.erase(ctx, force.admin, request, REASON)
    assert kept.r1 in {d.reference for d in retention.review(ctx, force.admin)}  # other families untouched


def test_a_request_joins_the_family_of_its_subjects_pnc_id(
    ctx: ServiceContext, kept: Records, force: Force, clock: ManualClock
) -> None:
    from rules.disclosure import Route
    from services.disclosures import requests as disclosures
    from services.disclosures.requests import NewRequest

    clock.set(london("2030-01-10 10:00"))
    subject = PersonInput("Jordan Asked-About", pnc_id=OTHER.pnc_id)
    new = NewRequest(Route.KNOW, PersonInput("Ada Pnc"), subject, london("2030-01-10 09:00"))
    request = disclosures.new_request(ctx, force.officer, new).reference
    disclosures.close(ctx, force.officer, request, "no relationship")
    clock.set(london("2035-06-29 09:00"))  # R2-R4's family would be due (R4 ended June 2029) ...
    assert {kept.r2, kept.r3, kept.r4, request}.isdisjoint({d.reference for d in retention.review(ctx, force.admin)})
    clock.set(london("2036-01-10 00:00"))  # ... but the request, closed January 2030, keeps it a while longer
    due = {d.reference: d for d in retention.review(ctx, force.admin)}
    assert due[request].family == due[kept.r2].family == tuple(sorted((kept.r2, kept.r3, kept.r4, request)))
    done = retention.erase(ctx, force.admin, request, REASON)
    assert done.deleted["disclosure_request"] == 1 and done.deleted["protection_order"] == 3
    assert "Jordan" not in every_value(ctx.engine)


def test_a_management_plan_holds_its_family_while_open_then_goes_with_it_by_its_own_reference(
    ctx: ServiceContext, kept: Records, force: Force, clock: ManualClock
) -> None:
    from rules.plans import ActionKind
    from services.people import plans

    clock.set(london("2026-04-04 10:00"))
    plans.adopt(ctx, force.officer, kept.r1)
    plans.add_action(
        ctx, force.officer, kept.r1, ActionKind.DIVERT, force.colleague, london("2026-05-01 10:00"), "Plan Traceable"
    )
    clock.set(london("2032-05-01 09:00"))
    assert kept.r1 not in {d.reference for d in retention.review(ctx, force.admin)}
    with pytest.raises(Conflict, match="\\(a management plan\\) is still open"):
        retention.erase(ctx, force.admin, kept.r1, REASON)
    clock.set(london("2026-04-10 10:00"))
    plans.action_done(ctx, force.officer, kept.r1, 1)
    plans.close_plan(ctx, force.officer, kept.r1, "risk reduced")  # its last activity: 10 April 2026
    clock.set(london("2032-05-01 09:00"))
    due = {d.reference: d for d in retention.review(ctx, force.admin)}
    [plan] = [ref for ref in due[kept.r1].family if ref != kept.r1]
    assert plan.startswith("WM-PLAN-") and (due[plan].order_type, due[plan].ended_at) == (
        "PLAN",
        london("2026-04-10 10:00"),
    )
    done = retention.erase(ctx, force.admin, plan, REASON)
    assert done.references == tuple(sorted((kept.r1, plan)))
    assert (done.deleted["management_plan"], done.deleted["plan_action"], done.deleted["protection_order"]) == (1, 1, 1)
    assert "Plan Traceable" not in every_value(ctx.engine)
    [erased] = audit_rows(ctx.engine, action="erase")
    assert erased["entity_type"] == "management_plan"
