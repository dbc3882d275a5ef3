"""/dvpn export incidents|clare|plans on both databases: the rows a supervisor and an admin get for
a month, worked by hand; children counted, never named; no names, schools or free text; one audit
row for the export and one per record exported; refusals that export and log nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from domain.enums import RiskLevel
from rules.disclosure import Decision, Route
from rules.plans import ActionKind
from services.clock import ManualClock
from services.context import ServiceContext
from services.disclosures import requests
from services.disclosures.requests import NewRequest
from services.errors import NotAllowed, NotFound
from services.incidents import changes
from services.incidents.recording import ChildInput, NewIncident, record_incident
from services.people import plans
from services.records.order_writer import PersonInput
from services.reporting import export
from services.reporting.period import parse_period
from services.reporting.report_results import ExportKind
from tests.services.test_export import REASON, lines
from tests.support.database import audit_rows, row_counts
from tests.support.force import Force, london
from tests.support.records import record

APRIL = parse_period("2026-04", date(2026, 4, 30))
# What was typed about the people: none of it may reach a file.
TYPED = (
    "Sam Sample",
    "Alex Example",
    "Kit Sample",
    "Lee Sample",
    "Oak Primary",
    "Ash High",
    "Dana Whitlock",
    "Gareth Pellow",
    "Morag Whitlock",
    "Whitlock",
    "11/987654D",
    "safety plan for the family",
    "suspect in custody",
    "history of violence",
    "in person at the station",
    "withdrawn by the applicant",
    "programme referral",
    "Perpetrator-Example",
)


@dataclass(frozen=True)
class Casework:
    incident_a: str
    incident_b: str
    disclosed: str
    open_b: str
    record_a: str


@pytest.fixture
def work(ctx: ServiceContext, clock: ManualClock, force: Force) -> Casework:
    """Made through the services; the clock ends at Sat 4 Apr 2026 09:00 BST."""
    clock.set(london("2026-03-20 10:00"))  # a request completed in March: outside April
    early = requests.new_request(
        ctx,
        force.officer,
        NewRequest(Route.ASK, PersonInput("Dana Whitlock"), PersonInput("Gareth Pellow"), london("2026-03-01 10:00")),
    ).reference
    requests.close(ctx, force.officer, early, "withdrawn by the applicant")
    clock.set(london("2026-04-02 21:00"))
    before_april = record_incident(
        ctx,
        force.officer,
        NewIncident(london("2026-03-31 22:00"), PersonInput("Sam Sample"), PersonInput("Alex Example")),
    )
    incident_a = record_incident(
        ctx,
        force.officer,
        NewIncident(
            reported_at=london("2026-04-02 20:00"),
            victim=PersonInput("Sam Sample"),
            suspect=PersonInput("Alex Example"),
            children=(
                ChildInput("Kit Sample", "Oak Primary", "Worcestershire"),
                ChildInput("Lee Sample", "Ash High", "cumbria", present=False),
            ),
            dash_yes=16,
            crime_disclosed=True,
        ),
    )
    assert (before_april, incident_a) == ("WM-INC-2026-0001", "WM-INC-2026-0002")
    changes.record_school_told(ctx, force.officer, incident_a, 1)
    changes.record_considered(ctx, force.officer, incident_a, False, "suspect in custody")
    changes.record_referral(ctx, force.officer, incident_a)
    changes.add_action(
        ctx, force.supervisor, incident_a, "safety plan for the family", force.colleague, london("2026-04-03 12:00")
    )
    incident_b = record_incident(
        ctx,
        force.other_officer,
        NewIncident(london("2026-04-01 10:00"), PersonInput("Sam Sample"), PersonInput("Alex Example")),
    )
    asked = NewRequest(
        Route.ASK,
        PersonInput("Dana Whitlock"),
        PersonInput("Gareth Pellow", pnc_id="11/987654D"),
        london("2026-03-10 14:00"),
        applicant_name="Morag Whitlock",
    )
    disclosed = requests.new_request(ctx, force.officer, asked).reference
    requests.record_checks(ctx, force.officer, disclosed, london("2026-03-12 10:00"))
    requests.record_forum(ctx, force.officer, disclosed, london("2026-03-20 10:00"))
    requests.decide(ctx, force.supervisor, disclosed, Decision.DISCLOSE, "history of violence")
    requests.record_disclosure(ctx, force.officer, disclosed, "in person at the station")
    known = NewRequest(
        Route.KNOW, PersonInput("Dana Whitlock"), PersonInput("Gareth Pellow"), london("2026-04-01 09:00")
    )
    open_b = requests.new_request(ctx, force.other_officer, known).reference
    record_a = record(ctx, force.officer).reference
    plans.adopt(ctx, force.supervisor, record_a, london("2026-05-01 09:00"))
    plans.add_action(
        ctx,
        force.officer,
        record_a,
        ActionKind.SUPPORT,
        force.colleague,
        london("2026-04-20 17:00"),
        "programme referral",
    )
    plans.add_action(
        ctx, force.officer, record_a, ActionKind.ENFORCE, force.officer, london("2026-04-03 17:00"), "bail"
    )
    clock.set(london("2026-04-04 09:00"))
    return Casework(incident_a, incident_b, disclosed, open_b, record_a)


INCIDENT_HEADER = (
    "reference,team,officer_slack_id,reported,risk_level,dash_yes_answers,dash_completed,attended,crime_disclosed,"
    "crime_reference,crime_recorded,notice_considered,records_from_incident,children,children_present,schools_told,"
    "schools_told_in_time,schools_untold,marac_referred,marac_meeting,marac_actions,marac_actions_done,"
    "marac_actions_overdue,suspect_initials"
)
# Two children, one present; the first school told the evening of the report (due Tue 7 Apr 08:30),
# the second not yet; the MARAC action fell due on Friday noon and is not done.
INCIDENT_A = (
    "WM-INC-2026-0002,Team A,UOFFA1,2026-04-02 20:00,high,16,2026-04-02 21:00,,yes,,,no,0,2,1,1,1,1,"
    "2026-04-02 21:00,,1,0,1,AE"
)
INCIDENT_B = "WM-INC-2026-0003,Team B,UOFFB1,2026-04-01 10:00,,,,,no,,,,0,0,0,0,0,0,,,0,0,0,AE"
DISCLOSURE_HEADER = (
    "reference,route,team,officer_slack_id,received,target,checks_done,forum,decided,decision,disclosed,closed,"
    "completed_within_target,days_taken,third_party_applicant,subject_initials"
)
# Received Tue 10 Mar (day 1), disclosed Thu 2 Apr (day 24), the target midnight ending day 28.
DISCLOSED = (
    "WM-DVDS-2026-0002,ask,Team A,UOFFA1,2026-03-10 14:00,2026-04-07 00:00,2026-03-12 10:00,2026-03-20 10:00,"
    "2026-04-02 21:00,disclose,2026-04-02 21:00,,yes,24,yes,GP"
)
OPEN_B = "WM-DVDS-2026-0003,know,Team B,UOFFB1,2026-04-01 09:00,2026-04-29 00:00,,,,,,,,,no,GP"
PLAN_HEADER = (
    "plan_id,team,perpetrator_initials,adopted,review,closed,actions,actions_done,actions_overdue,disrupt_actions,"
    "divert_actions,enforce_actions,support_actions"
)
PLAN_A = "1,Team A,APE,2026-04-02 21:00,2026-05-01 09:00,,2,0,1,0,0,1,1"


def test_a_supervisor_exports_their_teams_incidents_requests_and_plans(ctx: ServiceContext, work: Casework) -> None:
    supervisor = Force().supervisor
    incidents = export.export_records(ctx, supervisor, APRIL, None, REASON, ExportKind.INCIDENTS)
    assert incidents.filename == "dvpn-export-incidents-team-a-2026-04-01-to-2026-04-30.csv"
    assert lines(incidents.content) == [INCIDENT_HEADER, INCIDENT_A]
    clare = export.export_records(ctx, supervisor, APRIL, None, REASON, ExportKind.CLARE)
    assert lines(clare.content) == [DISCLOSURE_HEADER, DISCLOSED]
    plan = export.export_records(ctx, supervisor, APRIL, None, REASON, ExportKind.PLANS)
    assert lines(plan.content) == [PLAN_HEADER, PLAN_A]


def test_an_admin_exports_the_forces_and_no_names_schools_or_free_text(ctx: ServiceContext, work: Casework) -> None:
    admin = Force().admin
    made = {kind: export.export_records(ctx, admin, APRIL, None, REASON, kind) for kind in ExportKind}
    assert lines(made[ExportKind.INCIDENTS].content)[1:] == [INCIDENT_B, INCIDENT_A]  # in the order reported
    assert lines(made[ExportKind.CLARE].content)[1:] == [DISCLOSED, OPEN_B]
    assert lines(made[ExportKind.PLANS].content)[1:] == [PLAN_A]
    for kind, file in made.items():
        text = file.content.decode()
        assert [typed for typed in TYPED if typed in text] == [], kind


def test_one_audit_row_for_the_export_and_one_per_record_exported(ctx: ServiceContext, work: Casework) -> None:
    admin = Force().admin
    for kind, entity, count in (
        (ExportKind.INCIDENTS, "incident", 2),
        (ExportKind.CLARE, "disclosure_request", 2),
        (ExportKind.PLANS, "management_plan", 1),
    ):
        made = export.export_records(ctx, admin, APRIL, None, REASON, kind)
        [summary] = [
            row
            for row in audit_rows(ctx.engine, action="export", entity_type="export")
            if row["id"] == made.audit_event_id
        ]
        assert summary["justification"] == REASON
        assert isinstance(summary["after"], dict)
        assert (summary["after"]["kind"], summary["after"]["rows"]) == (kind.value, count)
        each = [r for r in audit_rows(ctx.engine, action="export", entity_type=entity)]
        assert len(each) == count
        assert all(r["after"] == {"export_event": made.audit_event_id} and r["justification"] == REASON for r in each)
    trail = str(audit_rows(ctx.engine))
    assert [typed for typed in TYPED if typed in trail] == []


@pytest.mark.parametrize("kind", [ExportKind.INCIDENTS, ExportKind.CLARE, ExportKind.PLANS])
def test_officers_and_champions_are_refused_and_nothing_is_logged(
    ctx: ServiceContext, work: Casework, kind: ExportKind
) -> None:
    before = row_counts(ctx.engine)
    for who in (Force().officer, Force().champion):
        with pytest.raises(NotAllowed, match="Only supervisors"):
            export.export_records(ctx, who, APRIL, None, REASON, kind)
    assert row_counts(ctx.engine) == before


def test_a_risk_recorded_later_and_a_month_with_nothing_export_as_they_stand(
    ctx: ServiceContext, work: Casework
) -> None:
    changes.record_dash(ctx, Force().other_officer, work.incident_b, 3, RiskLevel.MEDIUM)
    made = export.export_records(ctx, Force().admin, APRIL, "Team B", REASON, ExportKind.INCIDENTS)
    [row] = lines(made.content)[1:]
    assert row.startswith("WM-INC-2026-0003,Team B,UOFFB1,2026-04-01 10:00,medium,3,2026-04-04 09:00,")
    march = parse_period("2026-02", date(2026, 4, 4))
    empty = export.export_records(ctx, Force().admin, march, None, REASON, ExportKind.CLARE)
    assert (lines(empty.content), empty.rows) == ([DISCLOSURE_HEADER], 0)


def test_the_audit_trail_of_an_incident_and_a_request_holds_what_hangs_from_them_and_each_export(
    ctx: ServiceContext, work: Casework
) -> None:
    from services.governance.audit_trail import trail

    force = Force()
    for kind in (ExportKind.INCIDENTS, ExportKind.CLARE):
        export.export_records(ctx, force.supervisor, APRIL, None, REASON, kind)
    page = trail(ctx, force.supervisor, work.incident_a.removeprefix("WM-"))  # as typed without the prefix
    child = "a child linked to the incident (whose school is told)"
    assert [(e.actor_slack_id, e.what) for e in page.entries] == [
        (force.officer, "created the incident"),
        (force.officer, f"created {child}"),
        (force.officer, f"created {child}"),
        (force.officer, f"changed {child}: told at, told by"),
        (force.officer, "changed the incident: notice considered, notice considered reason, notice considered at"),
        (force.officer, "created the MARAC referral"),
        (force.supervisor, "created a MARAC action"),
        (force.supervisor, "exported the incident"),
        (force.supervisor, "read the audit trail of the incident"),
    ]
    assert page.entries[-2].justification == REASON
    request = trail(ctx, force.admin, work.disclosed)
    assert [(e.actor_slack_id, e.what) for e in request.entries] == [
        (force.officer, "created the applicant's details"),
        (force.officer, "created the Clare's Law request"),
        (force.officer, "changed the Clare's Law request: checks at"),
        (force.officer, "changed the Clare's Law request: forum at"),
        (force.supervisor, "changed the Clare's Law request: decided at, decision, decision reason"),
        (force.officer, "changed the Clare's Law request: disclosed at, disclosed to"),
        (force.supervisor, "exported the Clare's Law request"),
        (force.admin, "read the audit trail of the Clare's Law request"),
    ]
    before = row_counts(ctx.engine)
    with pytest.raises(NotAllowed, match="a team you do not supervise"):
        trail(ctx, force.supervisor, work.open_b)
    with pytest.raises(NotAllowed, match="a team you do not supervise"):
        trail(ctx, force.supervisor, work.incident_b)
    with pytest.raises(NotFound, match="No Clare's Law request has the reference 'WM-DVDS-2026-0099'"):
        trail(ctx, force.admin, "WM-DVDS-2026-0099")
    assert row_counts(ctx.engine) == before


def test_stats_count_the_casework_of_the_scope_worked_by_hand(ctx: ServiceContext, work: Casework) -> None:
    """April to Saturday 4 Apr 09:00. Team A: one incident reported (WM-INC-2026-0002, DASH 16 at
    21:00, referred at 21:00: within 24 hours), two children, one school told by its deadline; the
    request received 10 Mar was disclosed on day 24; the plan's enforcement action fell due Friday."""
    from services.reporting.report_results import CaseworkFigures
    from services.reporting.stats import stats

    force = Force()
    team_a = stats(ctx, force.supervisor, APRIL).casework
    assert isinstance(team_a, CaseworkFigures)
    assert (team_a.incidents, team_a.incidents_high, team_a.incidents_unassessed) == (1, 1, 0)
    assert (team_a.high_risk, team_a.marac_referred_in_time, team_a.marac_referral_hours) == (1, 1, 24)
    assert (team_a.children, team_a.schools_told_in_time) == (2, 1)
    d = team_a.disclosures
    assert (d.received_ask, d.received_know, d.disclosures, d.completed, d.within_target, d.median_days) == (
        0,
        0,
        1,
        1,
        1,
        24.0,
    )
    assert (team_a.plans_open, team_a.plans_overdue, team_a.plan_actions_overdue) == (1, 1, 1)

    force_wide = stats(ctx, force.champion, APRIL).casework
    assert force_wide is not None
    assert (force_wide.incidents, force_wide.incidents_high, force_wide.incidents_unassessed) == (2, 1, 1)
    assert (force_wide.disclosures.received_know, force_wide.disclosures.open_past_target) == (1, 0)
    team_b = stats(ctx, force.champion, APRIL, "Team B").casework
    assert team_b is not None
    assert (team_b.incidents, team_b.high_risk, team_b.children, team_b.plans_open) == (1, 0, 0, 0)
    with pytest.raises(NotAllowed, match="You do not supervise Team B"):
        stats(ctx, force.supervisor, APRIL, "Team B")
