"""Recording a notice or order, and viewing one."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, select

from models import AppUser, Incident, Perpetrator, ProtectedPerson, ProtectionOrder, Role
from rules import validation
from rules.names import pnc_id_problem
from rules.order_types import MadeBy, OrderTypeRule, rule_for
from rules.validation import Violation
from services import stored_text
from services.context import ServiceContext
from services.errors import DomainError, NotAllowed, raise_if_any
from services.governance.access import (
    can_read,
    can_write,
    require_team,
    require_write,
    supervised_team_ids,
)
from services.governance.audit import snapshot
from services.governance.justification import access
from services.incidents.scope import find_incident, replan
from services.records.card import Known
from services.records.crime_references import crime_reference_violation
from services.records.duties import check_exemption
from services.records.lookup import find_order
from services.records.order_writer import (
    PNC_MISMATCH_WARNING,
    OrderTerms,
    PersonInput,
    flag_identity_mismatch,
    insert_order,
    new_people,
    validate_length,
)
from services.records.state import lapse_time
from services.records.where_law import commencement_violation, commencement_warning
from services.unit_of_work import Acting, acting, reading
from services.views import RecordView
from services.wording import Text


@dataclass(frozen=True)
class NewRecord(OrderTerms):
    """A record as an officer enters it: the order's terms and the people it concerns."""

    perpetrator: PersonInput = field(default_factory=lambda: PersonInput(full_name=""))  # validated as missing
    protected: tuple[PersonInput, ...] = ()
    officer_slack_id: str | None = None  # officer in charge; the recording officer if not given
    parent_reference: str | None = None
    # Recorded from an incident: its victim and suspect are the record's people (the same rows),
    # and the notice is the incident's "DVPN/DAPN considered" decision.
    incident_reference: str | None = None


def record(ctx: ServiceContext, actor_slack_id: str, new: NewRecord) -> RecordView:
    """Record a notice or order: authorise, validate, write, audit, plan reminders; one transaction."""
    with acting(ctx, actor_slack_id, Role.OFFICER, Role.SUPERVISOR, doing="record notices and orders") as work:
        session, user, now = work.session, work.user, work.now
        officer = officer_in_charge(session, user, new.officer_slack_id)
        rule = rule_for(new.order_type)
        parent = _parent(session, user, new, ctx.settings.force_code)
        incident = _incident(work, new.incident_reference)
        raise_if_any(_validate(ctx, rule, new, parent, now, from_incident=incident is not None))

        if incident is not None:
            perpetrator, protected = incident_people(session, incident)
        else:
            perpetrator, protected = new_people(new.perpetrator, new.protected, now)
        order, replanned = insert_order(
            session,
            ctx,
            user,
            officer,
            rule,
            new,
            perpetrator=perpetrator,
            protected=protected,
            parent=parent,
            now=now,
            incident_id=incident.id if incident is not None else None,
        )
        if incident is not None:
            notice_considered(work, incident)
        warnings: tuple[Text, ...] = _warnings(order, now)
        event = new.event(rule)
        assert event is not None
        if unchecked := commencement_warning(ctx.settings, rule.code, event):
            warnings += (unchecked,)
        if flag_identity_mismatch(session, ctx, user, perpetrator, order, now):
            warnings += (PNC_MISMATCH_WARNING,)
        return work.view(order, warnings=warnings, known=Known(replanned, created_with=protected))


def view(ctx: ServiceContext, actor_slack_id: str, reference: str, justification: str | None = None) -> RecordView:
    """A record's card. Looking at personal details is a consultation, so it is audited (DPA 2018 s62).
    Beyond the viewer's own team the audit row must carry a justification: without one (given now,
    or moments ago for the same record) JustificationRequired is raised and nothing is written."""
    with reading(ctx, actor_slack_id) as read:
        session, user, now = read.session, read.user, read.now
        order = find_order(session, reference, force_code=ctx.settings.force_code, user=user)
        allowed = access(session, user, order, now, justification).require()
        read.audit(
            "view",
            "protection_order",
            order.id,
            order_id=order.id,
            after=allowed.relied_on,
            justification=allowed.justification,
        )
        return read.view(order, writable=can_write(session, user, order))


def officer_in_charge(session: Session, user: AppUser, slack_id: str | None) -> AppUser:
    """The recording user, or the officer they name: placed in a team they may record for."""
    if slack_id is None or slack_id == user.slack_user_id:
        require_team(user)
        return user
    officer = session.exec(select(AppUser).where(AppUser.slack_user_id == slack_id)).first()
    if officer is not None and not officer.active:  # left: the record's clocks would remind nobody
        raise NotAllowed("That officer's dvpn-bot access has been withdrawn. Name another officer in charge.")
    if officer is None or officer.team_id is None:
        raise NotAllowed(
            "The officer in charge must be a dvpn-bot user placed in a team. Ask an admin to add them.",
        )
    allowed = {user.team_id} if user.role is Role.OFFICER else supervised_team_ids(session, user)
    if officer.team_id not in allowed:
        raise NotAllowed(
            "You can only make an officer in your own team (or a team you supervise) the officer in charge."
        )
    return officer


def _parent(session: Session, user: AppUser, new: NewRecord, force_code: str) -> ProtectionOrder | None:
    if not new.parent_reference:
        return None
    parent = find_order(session, new.parent_reference, force_code=force_code, user=user)
    if not can_read(session, user, parent):
        raise NotAllowed(f"{parent.reference} belongs to another team; you cannot link to it.")
    return parent


def _incident(work: Acting, reference: str | None) -> Incident | None:
    """The incident a record is recorded from, locked: the user must be able to change it, as its
    "DVPN/DAPN considered" clock is met by the record."""
    if not reference:
        return None
    incident = find_incident(work.session, reference, force_code=work.ctx.settings.force_code, for_update=True)
    require_write(work.session, work.user, incident)
    return incident


def incident_people(session: Session, incident: Incident) -> tuple[Perpetrator, list[ProtectedPerson]]:
    """The incident's suspect and victim: the very rows, so the record and the incident are one family."""
    suspect = session.get(Perpetrator, incident.suspect_id)
    victim = session.get(ProtectedPerson, incident.victim_id)
    assert suspect is not None and victim is not None
    return suspect, [victim]


def notice_considered(work: Acting, incident: Incident) -> None:
    """A notice recorded from the incident answers "DVPN/DAPN considered": yes. The incident is
    replanned, so the clock's reminders are withdrawn."""
    if incident.notice_considered is not True:
        before = snapshot(incident)
        incident.notice_considered, incident.notice_considered_reason = True, None
        incident.notice_considered_at = work.now
        work.changed(incident, before)
    replan(work, incident)


def _validate(
    ctx: ServiceContext,
    rule: OrderTypeRule,
    new: NewRecord,
    parent: ProtectionOrder | None,
    now: datetime,
    *,
    from_incident: bool = False,
) -> list[Violation | None]:
    v = validation
    checks: list[Violation | None] = []
    if new.order_type not in ctx.settings.order_types:
        enabled = ", ".join(t.value for t in ctx.settings.order_types)
        checks.append(Violation("order_type", f"This force does not use {new.order_type} records. It uses: {enabled}."))
    checks += _storable(new)
    if (new.perpetrator.pnc_id or "").strip() and (wrong := pnc_id_problem(new.perpetrator.pnc_id or "")):
        checks.append(Violation("perpetrator_pnc", wrong))
    if from_incident and (new.perpetrator.full_name.strip() or new.protected):
        checks.append(
            Violation("perpetrator_name", "A record from an incident takes the incident's people: leave the names out.")
        )
    elif not from_incident and not new.perpetrator.full_name.strip():
        checks.append(Violation("perpetrator_name", "Give the name of the person the order is against."))
    event = new.served_at if rule.made_by is MadeBy.POLICE else new.made_at
    if event is None:
        word = "served (or given)" if rule.made_by is MadeBy.POLICE else "made by the court"
        checks.append(
            Violation(
                "served_at" if rule.made_by is MadeBy.POLICE else "made_at", f"Give when the {rule.code} was {word}."
            )
        )
        return checks
    checks.append(v.not_in_future("served_at", "service", new.served_at, now) if new.served_at else None)
    checks.append(v.not_in_future("made_at", "order", new.made_at, now) if new.made_at else None)
    if new.served_at and new.made_at:
        checks.append(v.not_before("served_at", "service", new.served_at, "order being made", new.made_at))
    if rule.is_notice:
        checks.append(v.authoriser_rank(rule, new.authoriser_rank))
        if not (new.authoriser_name or "").strip():
            checks.append(Violation("authoriser_name", f"Give the name of the officer who authorised the {rule.code}."))
    checks.append(v.minimum_age(rule, "perpetrator", new.perpetrator.date_of_birth, event))
    checks += [v.minimum_age(rule, "protected", p.date_of_birth, event) for p in new.protected]
    if new.arrested_at is not None:
        # PACE 1984 s47ZB(4)(a): the bail periods run from the day after the arrest.
        checks.append(v.not_in_future("arrested_at", "arrest", new.arrested_at, now))
        checks.append(v.not_before("served_at", "bail", event, "arrest", new.arrested_at))
    checks += validate_length(rule, new, event, ctx.settings.timezone)
    checks.append(commencement_violation(ctx.settings, rule.code, event))
    checks.append(_exemption(rule, new))
    checks.append(
        crime_reference_violation(ctx.settings, "crime_reference", (new.crime_reference or "").strip() or None)
    )
    if parent is not None and rule_for(parent.order_type).follow_on is not new.order_type:
        checks.append(Violation("parent_reference", f"A {new.order_type} cannot follow a {parent.order_type}."))
    return checks


def _exemption(rule: OrderTypeRule, new: NewRecord) -> Violation | None:
    """An exemption from notifying (DAA 2021 s41(8); SPA 2019 s9(1)(a), (5)) must be one the type has."""
    try:
        check_exemption(rule.code, new.notification_exempt)
    except DomainError as error:
        return Violation("notification_exempt", error.message)
    return None


def _storable(new: NewRecord) -> list[Violation | None]:
    """What was typed, as the database could keep it (services.stored_text), checked with the rest
    so every problem shows on its field at once."""
    person, order = new.perpetrator, ProtectionOrder
    checks = [
        stored_text.violation(Perpetrator, "full_name", person.full_name.strip()),
        stored_text.violation(Perpetrator, "address", person.address),
        stored_text.violation(Perpetrator, "pnc_id", person.pnc_id),
    ]
    for protected in new.protected:
        checks += [
            stored_text.violation(ProtectedPerson, "full_name", protected.full_name.strip()),
            stored_text.violation(ProtectedPerson, "address", protected.address),
        ]
    return checks + [
        stored_text.violation(order, column, getattr(new, column))
        for column in ("authoriser_name", "court", "conditions", "crime_reference")
    ]


def _warnings(order: ProtectionOrder, now: datetime) -> tuple[str, ...]:
    if order.hearing_deadline_at is not None and order.hearing_deadline_at <= now:
        return (
            "The 48-hour hearing deadline has already passed. Unless the application was heard in "
            "time, the notice has lapsed: record the hearing, or remove it from the PNC.",
        )
    return ()


def require_change_allowed(ctx: ServiceContext, actor_slack_id: str, reference: str) -> datetime | None:
    """Refuse before a form opens rather than after it is filled in. Reads only. Returns the
    statutory deadline by which an open notice's application must be heard (None for an order, or
    a record that has ended), so a hearing form can say it before a time is typed."""
    with reading(ctx, actor_slack_id) as read:
        order = find_order(read.session, reference, force_code=ctx.settings.force_code, user=read.user)
        require_write(read.session, read.user, order)
        return lapse_time(order) if order.status.is_open else None
