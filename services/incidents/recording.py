"""Recording an incident: its victim and suspect as the person records orders use, its children
and their schools, and its DASH where known; every clock planned in the same unit of work."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from domain.enums import RiskLevel
from models import AppUser, Incident, IncidentChild, Perpetrator, ProtectedPerson, Role
from models.types import pk
from rules.incidents import DashError, dash_level
from rules.names import pnc_id_problem
from rules.school_days import encompass_deadline
from rules.validation import Violation
from services import stored_text
from services.context import ServiceContext
from services.errors import raise_if_any
from services.governance.access import require_team
from services.incidents.calendar import school_calendar_now
from services.incidents.escalation_counts import recount_and_replan
from services.incidents.scope import replan
from services.records.crime_references import crime_reference_violation
from services.records.order_writer import PersonInput, add_perpetrator, add_protected_person
from services.records.recording import officer_in_charge
from services.records.references import next_reference
from services.unit_of_work import Acting, acting


@dataclass(frozen=True)
class ChildInput:
    full_name: str
    school: str
    school_area: str
    present: bool = True


@dataclass(frozen=True)
class NewIncident:
    reported_at: datetime
    victim: PersonInput
    suspect: PersonInput
    children: tuple[ChildInput, ...] = ()
    dash_yes: int | None = None
    judgement: RiskLevel | None = None
    crime_disclosed: bool = False
    crime_reference: str | None = None
    dash_at: datetime | None = None  # when the DASH was completed; now, when one is given without it
    officer_slack_id: str | None = None  # officer in charge; the recording officer if not given
    problems: tuple[Violation, ...] = field(default=())  # what the front end could not read


def record_incident(ctx: ServiceContext, actor_slack_id: str, new: NewIncident) -> str:
    """Record an incident; returns its reference. Nothing is written if anything is wrong."""
    with acting(ctx, actor_slack_id, Role.OFFICER, Role.SUPERVISOR, doing="record incidents") as work:
        require_team(work.user)
        officer = officer_in_charge(work.session, work.user, new.officer_slack_id)
        raise_if_any([*new.problems, *_violations(ctx, new, work.now)])
        victim = add_protected_person(work.session, ctx, work.user, new.victim, work.now)
        suspect = add_perpetrator(work.session, ctx, work.user, new.suspect, work.now)
        ruling = dash_level(new.dash_yes, new.judgement) if new.dash_yes is not None else None
        local = new.reported_at.astimezone(ctx.settings.timezone)
        incident = Incident(
            reference=next_reference(work.session, ctx.settings.force_code, "INC", local.year),
            reported_at=new.reported_at,
            victim_id=pk(victim),
            suspect_id=pk(suspect),
            officer_id=pk(officer),
            team_id=pk_team(officer),
            dash_yes=new.dash_yes,
            dash_judgement=ruling.judgement if ruling else None,
            risk_level=ruling.level if ruling else None,
            dash_at=(new.dash_at or work.now) if ruling else None,
            crime_disclosed=new.crime_disclosed or bool(new.crime_reference),
            crime_reference=new.crime_reference,
            crime_recorded_at=work.now if new.crime_reference else None,
            created_by_id=pk(work.user),
            created_at=work.now,
            updated_at=work.now,
        )
        work.created(incident)
        recount_and_replan(work, [(victim.name_key, incident.reported_at)], replanned={pk(incident)})
        add_children(work, incident, new.children)
        replan(work, incident)
        return incident.reference


def add_children(work: Acting, incident: Incident, children: tuple[ChildInput, ...]) -> None:
    calendar = school_calendar_now(work.session, work.ctx.settings)
    start, tz = work.ctx.settings.incidents.school_day_start, work.ctx.settings.timezone
    for number, child in enumerate(children, start=1):
        area = child.school_area.strip().lower()
        due = encompass_deadline(incident.reported_at, area, calendar, start, tz)
        work.created(
            IncidentChild(
                incident_id=pk(incident),
                number=number,
                full_name=child.full_name.strip(),
                present=child.present,
                school=child.school.strip(),
                school_area=area,
                due_at=due.at,
                created_at=work.now,
            )
        )


def pk_team(officer: AppUser) -> int:
    assert officer.team_id is not None  # officer_in_charge refuses an officer in no team
    return officer.team_id


def _violations(ctx: ServiceContext, new: NewIncident, now: datetime) -> list[Violation | None]:
    found: list[Violation | None] = [
        stored_text.violation(ProtectedPerson, "full_name", new.victim.full_name.strip()),
        stored_text.violation(ProtectedPerson, "address", new.victim.address),
        stored_text.violation(Perpetrator, "full_name", new.suspect.full_name.strip()),
        stored_text.violation(Perpetrator, "address", new.suspect.address),
        stored_text.violation(Perpetrator, "pnc_id", new.suspect.pnc_id),
    ]
    if (new.suspect.pnc_id or "").strip() and (wrong := pnc_id_problem(new.suspect.pnc_id or "")):
        found.append(Violation("suspect_pnc", wrong))
    if new.reported_at > now:
        found.append(Violation("reported_at", "The report cannot be in the future. Give when it was reported."))
    if new.dash_at is not None and new.dash_yes is None:
        found.append(Violation("dash", "Give the DASH's number of yes answers with the time it was completed."))
    if new.dash_at is not None and not new.reported_at <= new.dash_at <= now:
        found.append(Violation("dash_at", "The DASH is completed between the report and now. Give when it was."))
    if not new.victim.full_name.strip():
        found.append(Violation("victim", "Give the victim's name."))
    if not new.suspect.full_name.strip():
        found.append(Violation("suspect", "Give the suspect's name."))
    if new.dash_yes is not None:
        try:
            dash_level(new.dash_yes)
        except DashError as error:
            found.append(Violation("dash", str(error)))
    for number, child in enumerate(new.children, start=1):
        if not child.full_name.strip() or not child.school.strip() or not child.school_area.strip():
            found.append(
                Violation(
                    "children", f"Child {number}: give the child's name, school and the school's local authority."
                )
            )
        found.append(stored_text.violation(IncidentChild, "school", child.school.strip()))
    if new.crime_reference is not None:
        found.append(crime_reference_violation(ctx.settings, "crime_reference", new.crime_reference))
    return found
