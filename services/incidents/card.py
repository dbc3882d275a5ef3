"""Reading incidents: one incident's card, and the high-risk victims with no MARAC referral. The
card carries references, initials, times and the working of each clock; no name, school or typed
reason, so it may be shown wherever the reader may see the incident at all."""

from __future__ import annotations

from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, select

from config import Settings
from models import AppUser, Incident, Perpetrator, ProtectedPerson, ProtectionOrder, Role
from models.types import pk
from rules.incidents import dash_level
from rules.school_days import encompass_deadline
from services.context import ServiceContext
from services.errors import NotAllowed
from services.governance.access import can_read, can_write, require_write, supervised_team_ids
from services.incidents.calendar import school_calendar_now
from services.incidents.planning import IncidentFacts, load_facts, marac_due, open_clocks
from services.incidents.referrals_due import first_due
from services.incidents.results import ActionView, ChildView, ClockView, IncidentView, MaracDue, ReferralView
from services.incidents.scope import find_incident
from services.records.crime_references import shareable_crime_reference
from services.unit_of_work import reading
from services.views import initials


def view_incident(ctx: ServiceContext, actor_slack_id: str, reference: str) -> IncidentView:
    with reading(ctx, actor_slack_id) as read:
        incident = find_incident(read.session, reference, force_code=ctx.settings.force_code)
        if not can_read(read.session, read.user, incident):
            raise NotAllowed(
                f"{incident.reference} belongs to another team. Its officers, their supervisors, champions and "
                "admins can see it."
            )
        read.audit("view", "incident", incident.id)
        return build_view(read.session, ctx.settings, incident, can_write(read.session, read.user, incident))


def require_notice_allowed(ctx: ServiceContext, actor_slack_id: str, reference: str) -> str:
    """Refuse before the record form opens, not after it is filled in: a notice from an incident
    meets its "DVPN/DAPN considered" clock, so the user must be able to change the incident.
    Returns the incident's full reference. Reads only."""
    with reading(ctx, actor_slack_id) as read:
        incident = find_incident(read.session, reference, force_code=ctx.settings.force_code)
        require_write(read.session, read.user, incident)
        return incident.reference


def build_view(session: Session, settings: Settings, incident: Incident, writable: bool = False) -> IncidentView:
    facts = load_facts(session, incident)
    tz, users = settings.timezone, _users(session, facts)
    victim = session.get(ProtectedPerson, incident.victim_id)
    suspect = session.get(Perpetrator, incident.suspect_id)
    clocks = tuple(ClockView(d.clock.label, d.at, d.working) for d in open_clocks(facts, settings.incidents).values())
    calendar = school_calendar_now(session, settings)
    children = tuple(
        ChildView(
            c.number,
            c.present,
            c.due_at,
            c.told_at,
            encompass_deadline(
                incident.reported_at, c.school_area, calendar, settings.incidents.school_day_start, tz
            ).working,
            initials(c.full_name),
            None,
        )
        for c in facts.children
    )
    due = marac_due(facts, settings.incidents)
    referral = (
        ReferralView(
            facts.referral.referred_at,
            facts.referral.meeting_at,
            tuple(ActionView(a.number, users.get(a.owner_id, ""), a.due_at, a.done_at, None) for a in facts.actions),
        )
        if facts.referral
        else None
    )
    notices = session.exec(select(ProtectionOrder.reference).where(ProtectionOrder.incident_id == incident.id)).all()
    ruling = dash_level(incident.dash_yes, incident.dash_judgement) if incident.dash_yes is not None else None
    return IncidentView(
        reference=incident.reference,
        reported_at=incident.reported_at,
        victim_initials=initials(victim.full_name) if victim else "?",
        suspect_initials=initials(suspect.full_name) if suspect else "?",
        officer_slack_id=users.get(incident.officer_id, ""),
        risk_level=incident.risk_level.value if incident.risk_level else None,
        dash_working=ruling.working if ruling else None,
        crime_disclosed=incident.crime_disclosed,
        crime_reference=shareable_crime_reference(settings, incident.crime_reference),
        notice_considered=incident.notice_considered,
        considered_reason=None,
        clocks=clocks,
        children=children,
        marac_reason=f"{due[0].reason}: {due[0].working}" if due else None,
        referral=referral,
        next_deadline_at=incident.next_deadline_at,
        notices=tuple(notices),
        writable=writable,
    )


def _users(session: Session, facts: IncidentFacts) -> dict[int, str]:
    ids = {facts.incident.officer_id, *(a.owner_id for a in facts.actions)}
    return {
        u.id: u.slack_user_id
        for u in session.exec(select(AppUser).where(col(AppUser.id).in_(sorted(ids)))).all()
        if u.id is not None
    }


def marac_due_list(ctx: ServiceContext, actor_slack_id: str, limit: int = 50) -> tuple[MaracDue, ...]:
    """Incidents whose victim is high risk (or escalated) with no referral recorded, most overdue
    first: the force's for champions and admins, the supervised teams' for supervisors, the team's
    for officers."""
    with reading(ctx, actor_slack_id) as read:
        session, user = read.session, read.user
        where: list[ColumnElement[bool]] = []
        if user.role is Role.OFFICER:
            where.append(col(Incident.team_id) == user.team_id)
        elif user.role is Role.SUPERVISOR:
            where.append(col(Incident.team_id).in_(sorted(supervised_team_ids(session, user))))
        total, shown = first_due(session, ctx.settings.incidents, where, limit)
        read.audit("list", "incident", after={"marac_due": total})
        victim_ids, officer_ids = sorted({d.victim_id for d in shown}), sorted({d.officer_id for d in shown})
        victims: dict[int, str] = {
            pk(p): p.full_name
            for p in session.exec(select(ProtectedPerson).where(col(ProtectedPerson.id).in_(victim_ids))).all()
        }
        officers = {
            pk(u): u.slack_user_id for u in session.exec(select(AppUser).where(col(AppUser.id).in_(officer_ids))).all()
        }
        return tuple(
            MaracDue(
                d.reference,
                initials(victims[d.victim_id]) if d.victim_id in victims else "?",
                d.trigger.reason,
                d.due.at,
                officers.get(d.officer_id, ""),
            )
            for d in shown
        )
