"""What happens to an incident after it is recorded: the DASH, attendance, the crime reference,
the protective-notice decision, each school told, and the MARAC referral, meeting and actions.
Each is one unit of work (services/incidents/scope.py): authorised, checked against the incident
lifecycle, written, audited and replanned, so a clock met withdraws its reminders."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from domain.enums import RiskLevel
from models import AppUser, IncidentChild, MaracAction, MaracReferral
from models.types import pk
from rules.incident_lifecycle import IncidentEvent
from rules.incidents import DashError, dash_level
from services import stored_text
from services.context import ServiceContext
from services.errors import Conflict, DomainError, raise_if_any
from services.governance.access import acting_user
from services.governance.audit import snapshot
from services.incidents.scope import changing_incident
from services.records.crime_references import crime_reference_violation
from services.wording import Command

REASON_LIMIT = 2000


def record_dash(
    ctx: ServiceContext, actor: str, reference: str, yes_answers: int, judgement: RiskLevel | None = None
) -> RiskLevel:
    try:
        ruling = dash_level(yes_answers, judgement)
    except DashError as error:
        raise DomainError(str(error), "dash") from error
    with changing_incident(ctx, actor, reference) as change:
        change.require(IncidentEvent.DASH)
        incident, before = change.incident, snapshot(change.incident)
        if (incident.dash_yes, incident.dash_judgement) == (yes_answers, ruling.judgement):
            raise Conflict(f"That DASH ({ruling.working}) is already recorded on {incident.reference}.", "dash")
        incident.dash_yes, incident.dash_judgement, incident.risk_level = yes_answers, ruling.judgement, ruling.level
        incident.dash_at = change.now
        change.changed(incident, before)
        return ruling.level


def record_attended(ctx: ServiceContext, actor: str, reference: str, at: datetime | None = None) -> datetime:
    with changing_incident(ctx, actor, reference) as change:
        change.require(IncidentEvent.ATTENDED)
        incident, before = change.incident, snapshot(change.incident)
        if incident.attended_at is not None:
            raise Conflict(f"Attendance at {incident.reference} is already recorded.", "attended")
        when = at or change.now
        if when < incident.reported_at or when > change.now:
            raise DomainError("Attendance must be between the report and now. Give the time you attended.", "attended")
        incident.attended_at = when
        change.changed(incident, before)
        return when


def record_crime(ctx: ServiceContext, actor: str, reference: str, crime_reference: str) -> None:
    crime = crime_reference.strip()
    if not crime:
        raise DomainError(f"Give the crime reference, e.g. {ctx.settings.crime_reference_example}.", "crime_reference")
    raise_if_any([crime_reference_violation(ctx.settings, "crime_reference", crime)])
    with changing_incident(ctx, actor, reference) as change:
        change.require(IncidentEvent.CRIME)
        incident, before = change.incident, snapshot(change.incident)
        if incident.crime_reference is not None:
            raise Conflict(f"{incident.reference} already has its crime reference.", "crime_reference")
        incident.crime_disclosed, incident.crime_reference, incident.crime_recorded_at = True, crime, change.now
        change.changed(incident, before)


def record_considered(ctx: ServiceContext, actor: str, reference: str, considered: bool, why: str = "") -> None:
    """Whether a DVPN/DAPN was considered: yes, or no with why not (kept on the record, never posted)."""
    reason = why.strip()
    if not considered and not reason:
        raise DomainError(
            ("Say why a notice was not considered, in quotes: ", Command("incident", 'REF considered no "why"'), "."),
            "considered",
        )
    if len(reason) > REASON_LIMIT:
        raise DomainError(f"Keep the reason to {REASON_LIMIT} characters.", "considered")
    with changing_incident(ctx, actor, reference) as change:
        change.require(IncidentEvent.CONSIDERED)
        incident, before = change.incident, snapshot(change.incident)
        incident.notice_considered = considered
        incident.notice_considered_reason = reason or None
        incident.notice_considered_at = change.now
        change.changed(incident, before)


def record_school_told(ctx: ServiceContext, actor: str, reference: str, child_number: int) -> datetime:
    with changing_incident(ctx, actor, reference) as change:
        change.require(IncidentEvent.ENCOMPASS)
        child = change.session.exec(
            select(IncidentChild).where(
                IncidentChild.incident_id == change.incident.id, IncidentChild.number == child_number
            )
        ).first()
        if child is None:
            count = len(
                change.session.exec(
                    select(IncidentChild.id).where(IncidentChild.incident_id == change.incident.id)
                ).all()
            )
            raise DomainError(
                f"{change.incident.reference} has {count} child(ren) recorded; give a number from 1 to {count}."
                if count
                else f"{change.incident.reference} has no children recorded.",
                "child",
            )
        if child.told_at is not None:
            raise Conflict(f"Child {child_number}'s school was already told about {change.incident.reference}.")
        before = snapshot(child)
        child.told_at, child.told_by_id = change.now, pk(change.user)
        change.changed(child, before)
        return change.now


def record_referral(ctx: ServiceContext, actor: str, reference: str) -> datetime:
    with changing_incident(ctx, actor, reference) as change:
        change.require(IncidentEvent.MARAC_REFERRED)
        change.created(
            MaracReferral(
                incident_id=pk(change.incident),
                referred_at=change.now,
                referred_by_id=pk(change.user),
                created_at=change.now,
            )
        )
        return change.now


def _referral(session: Session, incident_id: int) -> MaracReferral:
    referral = session.exec(select(MaracReferral).where(MaracReferral.incident_id == incident_id)).first()
    assert referral is not None  # the lifecycle refused the event otherwise
    return referral


def record_meeting(ctx: ServiceContext, actor: str, reference: str, meeting_at: datetime) -> None:
    with changing_incident(ctx, actor, reference) as change:
        change.require(IncidentEvent.MARAC_MEETING)
        referral = _referral(change.session, pk(change.incident))
        before = snapshot(referral)
        referral.meeting_at = meeting_at
        change.changed(referral, before)


def add_action(
    ctx: ServiceContext, actor: str, reference: str, description: str, owner_slack_id: str, due_at: datetime
) -> int:
    text = description.strip()
    if not text:
        raise DomainError("Say what the action is, in quotes.", "action")
    raise_if_any([stored_text.violation(MaracAction, "description", text)])
    with changing_incident(ctx, actor, reference) as change:
        change.require(IncidentEvent.MARAC_ACTION)
        if due_at <= change.now:
            raise DomainError("An action's due date must be in the future.", "due")
        referral = _referral(change.session, pk(change.incident))
        owner: AppUser = acting_user(change.session, ctx, owner_slack_id)
        numbers = change.session.exec(select(MaracAction.number).where(MaracAction.referral_id == referral.id)).all()
        number = max(numbers, default=0) + 1
        change.created(
            MaracAction(
                referral_id=pk(referral),
                number=number,
                description=text,
                owner_id=pk(owner),
                due_at=due_at,
                created_by_id=pk(change.user),
                created_at=change.now,
            )
        )
        return number


def action_done(ctx: ServiceContext, actor: str, reference: str, number: int) -> None:
    with changing_incident(ctx, actor, reference) as change:
        change.require(IncidentEvent.MARAC_DONE)
        referral = _referral(change.session, pk(change.incident))
        actions = change.session.exec(
            select(MaracAction).where(MaracAction.referral_id == referral.id).order_by(col(MaracAction.number))
        ).all()
        action = next((a for a in actions if a.number == number), None)
        if action is None:
            raise DomainError(
                f"{change.incident.reference} has {len(actions)} MARAC action(s); give a number from 1.", "action"
            )
        if action.done_at is not None:
            raise Conflict(f"Action {number} of {change.incident.reference} is already done.")
        before = snapshot(action)
        action.done_at, action.done_by_id = change.now, pk(change.user)
        change.changed(action, before)
