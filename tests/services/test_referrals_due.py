"""MARAC referrals due, found set-based (services.incidents.referrals_due) by `marac due` and the
digest's section, give what asking the planner one incident at a time gives (planning.marac_due on
each incident's facts), on hand-built cases: a DASH count of 14+, a level raised on judgement, a
medium level, escalation by the victim's third incident in 12 months (the same victim by name key,
a date of birth missing or equal, not one that disagrees; an incident exactly 365 days earlier is
outside the window), a referral recorded, and incidents of another team. The digest's attendance
and crime sections, now read only the incidents already late, are checked against every open one."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlmodel import Session, col, select

from domain.enums import RiskLevel
from models import AppUser, Incident, IncidentChild, MaracReferral, ProtectedPerson, Team
from rules.incidents import CRIME_RECORDED, MaracReason, attendance_due, clock_due
from services.clock import ManualClock
from services.context import ServiceContext
from services.governance.access import supervised_team_ids
from services.incidents import card, changes
from services.incidents.planning import load_facts, marac_due
from services.incidents.recording import ChildInput, NewIncident, record_incident
from services.records.order_writer import PersonInput
from services.reminders import digest_sections
from services.reminders.digest_items import TeamRows
from services.reporting import incident_caseload
from tests.support.force import Force, london

NOW = london("2026-04-02 21:00")  # the clock fixture's


def add(
    ctx: ServiceContext,
    actor: str,
    victim: str,
    days_ago: float,
    *,
    born: date | None = None,
    dash: int | None = None,
    judgement: RiskLevel | None = None,
    crime: bool = False,
) -> str:
    reported = NOW - timedelta(days=days_ago)
    return record_incident(
        ctx,
        actor,
        NewIncident(
            reported_at=reported,
            victim=PersonInput(victim, born),
            suspect=PersonInput("Alex Example"),
            dash_yes=dash,
            judgement=judgement,
            dash_at=min(reported + timedelta(hours=2), NOW) if dash is not None else None,
            crime_disclosed=crime,
        ),
    )


@pytest.fixture
def cases(ctx: ServiceContext, force: Force, clock: ManualClock) -> dict[str, str]:
    born = date(1990, 5, 1)
    made = {
        "count": add(ctx, force.officer, "Dana High", 3, dash=15),
        "judgement": add(ctx, force.officer, "Eli Judged", 2, dash=6, judgement=RiskLevel.HIGH),
        "medium": add(ctx, force.officer, "Flo Medium", 1, dash=11),
        "unassessed": add(ctx, force.colleague, "Gus Unassessed", 0.5),
        "referred": add(ctx, force.officer, "Hal Referred", 4, dash=16),
        "other team": add(ctx, force.other_officer, "Ira Elsewhere", 5, dash=20),
    }
    # Escalation: the third against Pat Person (born 1990-05-01, or with no date) in 12 months.
    add(ctx, force.officer, "Pat Person", 300, born=born)
    add(ctx, force.colleague, "pat  PERSON", 120)  # the same name key, no date of birth: the same victim
    add(ctx, force.officer, "Pat Person", 90, born=date(1971, 1, 1))  # a date that disagrees: someone else
    made["escalated"] = add(ctx, force.officer, "Pat Person", 10, born=born, dash=3)
    # One exactly 365 days before: outside the window, so two in it and no escalation.
    add(ctx, force.officer, "Quinn Window", 365 + 20)
    add(ctx, force.officer, "Quinn Window", 200)
    made["boundary"] = add(ctx, force.officer, "Quinn Window", 20)
    # A day later the one 365 days before is further out still, but three are within 12 months.
    made["quinn third"] = add(ctx, force.officer, "Quinn Window", 19)
    changes.record_referral(ctx, force.officer, made["referred"])
    return made


def one_at_a_time(ctx: ServiceContext, team_ids: set[int] | None) -> list[tuple[str, str, datetime]]:
    """The answer as the planner rules on each unreferred incident in scope."""
    with Session(ctx.engine) as session:
        referred = set(session.exec(select(MaracReferral.incident_id)).all())
        found = []
        for incident in session.exec(select(Incident).order_by(col(Incident.reported_at))).all():
            if incident.id in referred or (team_ids is not None and incident.team_id not in team_ids):
                continue
            due = marac_due(load_facts(session, incident), ctx.settings.incidents)
            if due is not None:
                found.append((incident.reference, due[0].reason, due[1].at))
        return sorted(found, key=lambda f: (f[2], f[0]))


def listed(ctx: ServiceContext, actor: str) -> list[tuple[str, str, datetime]]:
    return sorted(
        ((d.reference, d.reason, d.due_at) for d in card.marac_due_list(ctx, actor)), key=lambda f: (f[2], f[0])
    )


def teams_of(ctx: ServiceContext, slack_id: str) -> set[int]:
    with Session(ctx.engine) as session:
        user = session.exec(select(AppUser).where(AppUser.slack_user_id == slack_id)).one()
        if user.team_id is not None and user.role.value == "officer":
            return {user.team_id}
        return supervised_team_ids(session, user)


def test_the_list_is_the_planners_ruling_for_each_role(
    ctx: ServiceContext, force: Force, cases: dict[str, str]
) -> None:
    force_wide = listed(ctx, force.champion)
    assert force_wide == one_at_a_time(ctx, None)
    reasons = {ref: reason for ref, reason, _ in force_wide}
    assert reasons == {
        cases["count"]: MaracReason.HIGH_RISK,
        cases["judgement"]: MaracReason.JUDGEMENT,
        cases["escalated"]: MaracReason.ESCALATION,
        cases["quinn third"]: MaracReason.ESCALATION,
        cases["other team"]: MaracReason.HIGH_RISK,
    }
    assert listed(ctx, force.supervisor) == one_at_a_time(ctx, teams_of(ctx, force.supervisor))
    assert cases["other team"] not in {ref for ref, _, _ in listed(ctx, force.supervisor)}
    assert listed(ctx, force.officer) == one_at_a_time(ctx, teams_of(ctx, force.officer))
    assert [ref for ref, _, _ in listed(ctx, force.other_officer)] == [cases["other team"]]


def test_the_list_shows_initials_and_the_officer_and_is_capped(
    ctx: ServiceContext, force: Force, cases: dict[str, str]
) -> None:
    shown = {d.reference: d for d in card.marac_due_list(ctx, force.champion)}
    assert shown[cases["count"]].victim_initials == "DH"
    assert shown[cases["other team"]].officer_slack_id == force.other_officer
    assert len(card.marac_due_list(ctx, force.champion, limit=2)) == 2
    assert [d.reference for d in card.marac_due_list(ctx, force.champion, limit=2)] == [
        ref for ref, _, _ in listed(ctx, force.champion)[:2]
    ]


def team_a(ctx: ServiceContext) -> int:
    with Session(ctx.engine) as session:
        return int(session.exec(select(Team.id).where(Team.name == "Team A")).one() or 0)


def section(
    ctx: ServiceContext, build: digest_sections.SectionBuilder, now: datetime
) -> list[tuple[str, datetime | None]]:
    with Session(ctx.engine) as session:
        rows = TeamRows(session, team_a(ctx), ctx.settings)
        return [(i.reference, i.due) for i in build(rows, digest_sections.When.at(now, rows)).items]


def test_the_digest_section_is_the_planners_ruling_on_the_reminded_incidents(
    ctx: ServiceContext, force: Force, cases: dict[str, str]
) -> None:
    expected = [(ref, due) for ref, _, due in one_at_a_time(ctx, {team_a(ctx)})]
    assert sorted(section(ctx, digest_sections.marac_referrals, NOW)) == sorted(expected)
    assert {cases["count"], cases["judgement"], cases["escalated"]} <= {ref for ref, _ in expected}


@pytest.mark.parametrize("hours_later", [0, 1, 30, 49, 24 * 7])
def test_attendance_and_crime_sections_list_every_late_one(ctx: ServiceContext, force: Force, hours_later: int) -> None:
    for days, dash in ((0.01, 15), (0.5, 11), (1.5, None), (2.5, 3), (4, None)):
        add(ctx, force.officer, f"Vic Tim{int(days * 100)}", days, dash=dash, crime=True)
    now = NOW + timedelta(hours=hours_later)
    hours = ctx.settings.incidents.hours()
    with Session(ctx.engine) as session:
        open_ = session.exec(select(Incident).where(Incident.team_id == team_a(ctx))).all()
        attend = [
            (i.reference, due)
            for i in open_
            if i.attended_at is None and (due := attendance_due(i.reported_at, i.risk_level, hours).at) <= now
        ]
        crime = [
            (i.reference, due)
            for i in open_
            if i.crime_disclosed
            and i.crime_reference is None
            and (due := clock_due(CRIME_RECORDED, i.reported_at, hours).at) <= now
        ]
        victims = session.exec(select(ProtectedPerson)).all()
    assert victims
    assert sorted(section(ctx, digest_sections.attendance, now)) == sorted(attend)
    assert sorted(section(ctx, digest_sections.crime_unrecorded, now)) == sorted(crime)
    if hours_later >= 49:
        assert len(attend) == 5 and len(crime) == 5


def test_encompass_untold_lists_the_incidents_with_a_school_still_to_tell(ctx: ServiceContext, force: Force) -> None:
    """`caseload incidents encompass untold` (now an EXISTS) lists what counting untold children did."""
    made = []
    for n, children in enumerate((0, 1, 2, 2)):
        made.append(
            record_incident(
                ctx,
                force.officer,
                NewIncident(
                    reported_at=NOW - timedelta(hours=n + 1),
                    victim=PersonInput(f"Val Child{n}"),
                    suspect=PersonInput("Alex Example"),
                    children=tuple(ChildInput(f"Kid {n}-{k}", "Oak Primary", "cumbria") for k in range(children)),
                ),
            )
        )
    changes.record_school_told(ctx, force.officer, made[1], 1)  # its only child: nothing left to tell
    changes.record_school_told(ctx, force.officer, made[2], 1)  # one of two: one left
    with Session(ctx.engine) as session:
        untold = {
            i.reference
            for i in session.exec(select(Incident)).all()
            if any(
                c.told_at is None for c in session.exec(select(IncidentChild).where(IncidentChild.incident_id == i.id))
            )
        }
    assert untold == {made[2], made[3]}
    for actor in (force.champion, force.supervisor, force.officer):
        found = incident_caseload.incident_caseload(ctx, actor, incident_caseload.incident_query("encompass untold"))
        assert {line.reference for line in found.lines} == untold and found.total == len(untold)
        assert {line.reference: line.schools_untold for line in found.lines} == {made[2]: 1, made[3]: 2}
    other = incident_caseload.incident_caseload(
        ctx, force.other_officer, incident_caseload.incident_query("encompass untold")
    )
    assert other.lines == () and other.total == 0
