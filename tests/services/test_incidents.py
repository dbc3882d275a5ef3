"""Incidents: recording with the same people records, each clock planned as reminders and
withdrawn when met, the lifecycle's refusals, bad input writing nothing, and the audit."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, col, select

from domain.enums import RiskLevel
from models import Incident, Reminder
from services.clock import ManualClock
from services.context import ServiceContext
from services.errors import Conflict, DomainError, NotAllowed, ValidationFailed
from services.incidents import changes
from services.incidents.planning import load_facts, open_clocks
from services.incidents.recording import ChildInput, NewIncident, record_incident
from services.records.order_writer import PersonInput
from services.reminders.batch import loaded
from tests.support.database import audit_rows, row_counts
from tests.support.force import Force, london
from tests.support.sweeps import rows, user_ids

REPORTED = london("2026-04-02 20:00")  # Thursday before Good Friday


def incident(**changes_: object) -> NewIncident:
    values: dict[str, object] = dict(
        reported_at=REPORTED,
        victim=PersonInput("Sam Sample"),
        suspect=PersonInput("Alex Example"),
        children=(
            ChildInput("Kit Sample", "Oak Primary", "Worcestershire"),
            ChildInput("Lee Sample", "Ash High", "cumbria"),
        ),
        crime_disclosed=True,
    )
    values.update(changes_)
    return NewIncident(**values)  # type: ignore[arg-type]


def pending(ctx: ServiceContext) -> set[str]:
    return {str(r["kind"]) for r in rows(ctx, "reminder") if r["state"] == "pending"}


def test_recording_plans_every_clock_and_each_school_by_its_calendar(ctx: ServiceContext, force: Force) -> None:
    ref = record_incident(ctx, force.officer, incident())
    assert ref == "WM-INC-2026-0001"
    [row] = rows(ctx, "incident")
    assert row["risk_level"] is None and row["crime_disclosed"] is True
    children = rows(ctx, "incident_child")
    # Worcestershire has no school holidays configured: Good Friday and Easter Monday are passed
    # over, so Tuesday 7 April 08:30 BST. Cumbria is on its Easter holiday until Sunday 12 April.
    assert [c["due_at"] for c in children] == [london("2026-04-07 08:30"), london("2026-04-13 08:30")]
    ids = user_ids(ctx)
    officer, supervisor = ids[force.officer], ids[force.supervisor]
    kinds = pending(ctx)
    for clock in ("attend", "dash", "crime", "considered"):
        assert f"inc_due:{clock}" in kinds
        assert {f"inc_overdue:{clock}:{officer}", f"inc_overdue:{clock}:{supervisor}"} <= kinds
    assert {"encompass_soon:1", "encompass_soon:2", f"encompass_untold:1:{supervisor}"} <= kinds
    assert not any(k.startswith("inc_due:marac") for k in kinds)  # no DASH yet, one incident: no referral due
    standard = next(r for r in rows(ctx, "reminder") if r["kind"] == f"inc_overdue:attend:{officer}")
    assert standard["due_at"] == REPORTED + timedelta(hours=48)
    [created] = audit_rows(ctx.engine, entity_type="incident", action="create")
    assert created["actor"] == f"slack:{force.officer}"
    assert all("Sample" not in str(a) and "Oak Primary" not in str(a) for a in audit_rows(ctx.engine))


def test_each_clock_met_withdraws_its_reminders(ctx: ServiceContext, force: Force, clock: ManualClock) -> None:
    ref = record_incident(ctx, force.officer, incident())
    changes.record_attended(ctx, force.officer, ref)
    changes.record_crime(ctx, force.officer, ref, "22/123456/26")
    changes.record_considered(ctx, force.officer, ref, False, "no power: suspect in custody")
    changes.record_school_told(ctx, force.officer, ref, 1)
    kinds = pending(ctx)
    assert not any(
        k.startswith(("inc_due:attend", "inc_overdue:attend", "inc_due:crime", "inc_due:considered")) for k in kinds
    )
    assert not any(k.startswith(("encompass_soon:1", "encompass_untold:1:")) for k in kinds)
    assert "encompass_soon:2" in kinds and "inc_due:dash" in kinds
    [row] = rows(ctx, "incident")
    assert row["notice_considered"] is False and row["crime_reference"] == "22/123456/26"


def test_high_risk_makes_a_referral_due_until_referred_and_then_the_actions(
    ctx: ServiceContext, force: Force, clock: ManualClock
) -> None:
    ref = record_incident(ctx, force.officer, incident(children=()))
    assert changes.record_dash(ctx, force.officer, ref, 15) is RiskLevel.HIGH
    kinds = pending(ctx)
    assert "inc_due:marac" in kinds and "inc_due:dash" not in kinds
    # Attendance now runs to the high-risk clock from the report.
    officer = user_ids(ctx)[force.officer]
    attend = next(
        r for r in rows(ctx, "reminder") if r["kind"] == f"inc_overdue:attend:{officer}" and r["state"] == "pending"
    )
    assert attend["due_at"] == REPORTED + timedelta(hours=1)
    with pytest.raises(Conflict, match="no MARAC referral is recorded"):
        changes.record_meeting(ctx, force.officer, ref, london("2026-04-20 10:00"))
    changes.record_referral(ctx, force.officer, ref)
    assert not any(k.startswith(("inc_due:marac", "inc_overdue:marac")) for k in pending(ctx))
    with pytest.raises(Conflict, match="already recorded"):
        changes.record_referral(ctx, force.officer, ref)
    changes.record_meeting(ctx, force.officer, ref, london("2026-04-20 10:00"))
    number = changes.add_action(
        ctx, force.officer, ref, "safety plan review", force.colleague, london("2026-04-27 12:00")
    )
    assert number == 1
    colleague = user_ids(ctx)[force.colleague]
    assert {"marac_action_due:1", f"marac_action_overdue:1:{colleague}"} <= pending(ctx)
    changes.action_done(ctx, force.colleague, ref, 1)
    assert not any(k.startswith("marac_action") for k in pending(ctx))


def test_a_third_incident_against_the_victim_in_a_year_is_escalation(ctx: ServiceContext, force: Force) -> None:
    for days in (200, 100):
        record_incident(ctx, force.officer, incident(reported_at=REPORTED - timedelta(days=days), children=()))
    third = record_incident(ctx, force.officer, incident(children=()))
    due = [r for r in rows(ctx, "reminder") if r["kind"] == "inc_due:marac"]
    # References count by the year of the report: the earlier two are 2025 incidents.
    assert len(due) == 1 and due[0]["incident_id"] == 3 and third == "WM-INC-2026-0001"


def test_bad_input_writes_nothing_and_says_what_to_do(ctx: ServiceContext, force: Force) -> None:
    before = row_counts(ctx.engine)
    with pytest.raises(ValidationFailed) as failed:
        record_incident(
            ctx,
            force.officer,
            incident(
                victim=PersonInput(" "),
                dash_yes=28,
                crime_reference="Sam's house",
                children=(ChildInput("Kit", "", ""),),
            ),
        )
    fields = set(failed.value.field_errors)
    assert {"victim", "dash", "crime_reference", "children"} <= fields
    ref = record_incident(ctx, force.officer, incident(children=()))
    middle = row_counts(ctx.engine)
    with pytest.raises(DomainError, match="why"):
        changes.record_considered(ctx, force.officer, ref, False, "")
    with pytest.raises(DomainError, match="27 questions"):
        changes.record_dash(ctx, force.officer, ref, 30)
    with pytest.raises(DomainError, match="no children"):
        changes.record_school_told(ctx, force.officer, ref, 1)
    assert row_counts(ctx.engine) == middle != before


def test_only_the_team_changes_an_incident_and_champions_cannot_record(ctx: ServiceContext, force: Force) -> None:
    ref = record_incident(ctx, force.officer, incident(children=()))
    with pytest.raises(NotAllowed, match="another team"):
        changes.record_attended(ctx, force.other_officer, ref)
    with pytest.raises(NotAllowed):
        record_incident(ctx, force.champion, incident(children=()))
    changes.record_attended(ctx, force.supervisor, ref)


def test_a_batch_rules_on_escalation_from_the_kept_count_as_the_planner_counts(
    ctx: ServiceContext, force: Force
) -> None:
    """The sweep and the App Home load an incident's facts set by set (services.reminders.batch),
    taking the victim's incidents in the year from the kept escalation count: the clocks they see
    open, the MARAC referral's by escalation among them, are those the planner counts."""
    for days in (300, 200, 100):
        record_incident(ctx, force.officer, incident(reported_at=REPORTED - timedelta(days=days), children=()))
    record_incident(ctx, force.officer, incident(children=()))
    with Session(ctx.engine) as session:
        incidents = list(session.exec(select(Incident).order_by(col(Incident.id))).all())
        reminders = list(session.exec(select(Reminder).where(col(Reminder.incident_id).is_not(None))).all())
        planned = {i.id: open_clocks(load_facts(session, i), ctx.settings.incidents) for i in incidents}
        with loaded(session, reminders) as batch:
            batched = {i: open_clocks(facts, ctx.settings.incidents) for i, facts in batch.incidents.items()}
    assert batched == planned
    escalated = [i for i, clocks in planned.items() if "marac" in clocks]
    assert escalated == [incidents[2].id, incidents[3].id]  # the third and fourth in a year
