"""Correcting a record's details: a mistyped time, a misspelt name, the wrong officer in charge.

A correction says the record was wrong from the start, so every deadline is recomputed from the
corrected facts as if they had been typed right, in the same transaction as the change (the unit
of work replans the reminders and the stored next deadline before it commits). It is not a court's
variation of an order (services.records.lifecycle.vary): that changes the order from a date on,
and is recorded as what the court did.

The people are corrected in place, on the rows this record holds: a record keeps its perpetrator
as its officer typed them and is joined to the same person elsewhere by PNC id or by name and
date of birth, so a correction never fetches another record's person, and a PNC id that another
record holds with other details takes the identity-mismatch path, as at recording.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import date, datetime, timedelta
from typing import Any

from sqlmodel import Session, col, select

from models import (
    AppUser,
    BreachCheck,
    IdentityMismatch,
    Incident,
    Notification,
    NotificationKind,
    OrderProtectedPerson,
    Perpetrator,
    ProtectedPerson,
    ProtectionOrder,
)
from models.types import pk
from rules.deadlines import hearing_deadline, lapse_deadline, notification_deadline, order_expiry
from rules.names import name_key
from rules.order_types import rule_for
from rules.validation import Violation
from services.context import ServiceContext
from services.errors import DomainError, ValidationFailed, raise_if_any
from services.governance.audit import snapshot
from services.governance.justification import naming_no_one
from services.governance.justification_terms import JUSTIFICATION_MAX, JUSTIFICATION_MIN
from services.incidents.escalation_counts import marks_of, recount_and_replan
from services.people.search_index import index_order, index_person, index_teams
from services.records.breach_court import refresh_court_deadlines
from services.records.calendar import force_calendar
from services.records.lookup import order_to_change
from services.records.order_writer import (
    PNC_MISMATCH_WARNING,
    PersonInput,
    add_protected_person,
    flag_identity_mismatch,
)
from services.records.recording import NewRecord, _validate, officer_in_charge
from services.records.reinstatement import reinstate_if_wrongly_ended
from services.unit_of_work import Change, changing, reading
from services.views import RecordView
from services.wording import Text

REINSTATED = "reinstated: the corrected facts do not end the record"
LENGTH_FIELDS = ("duration_days", "last_day", "duration_months", "until_further_order")
# What each correctable field is called on screen, in the form's order.
LABELS: dict[str, str] = {
    "served_at": "service time",
    "made_at": "time the order was made",
    "arrested_at": "arrest time",
    "power_of_arrest": "power of arrest",
    "authoriser_name": "authorising officer",
    "authoriser_rank": "authorising officer's rank",
    "court": "court",
    "conditions": "conditions",
    "length": "length",
    "risk_level": "risk level",
    "children_present": "children",
    "crime_reference": "crime reference",
    "perpetrator": "the person it is against",
    "protected": "the person it protects",
    "officer_slack_id": "officer in charge",
}
# Fields the form shows but a correction cannot change, with what to do instead.
FIXED = {
    "order_type": "The type cannot be corrected: the reference and every clock follow from it. Close the record "
    "as withdrawn, saying it was recorded as the wrong type, and record it again.",
    "parent_reference": "The notice an order follows cannot be corrected here.",
}


@dataclass(frozen=True)
class Corrected:
    """A correction saved: the record as it now stands, what changed, and whether it was brought back
    from a lapse or expiry that the wrong facts had caused."""

    view: RecordView
    changed: tuple[str, ...]  # labels from LABELS
    reinstated: bool = False


def current(ctx: ServiceContext, actor_slack_id: str, reference: str) -> NewRecord:
    """The record as its form would hold it, to open the correction form filled in. Only someone
    who may change the record may see it this way (the form shows the people)."""
    with reading(ctx, actor_slack_id) as read:
        order = order_to_change(read.session, read.user, reference, ctx.settings.force_code)
        read.audit("view", "protection_order", order.id, order_id=order.id, after={"for": "correction"})
        return _as_entered(read.session, ctx, order)


def correct(
    ctx: ServiceContext, actor_slack_id: str, reference: str, changes: dict[str, Any], reason: str
) -> Corrected:
    """Correct `reference`: `changes` maps NewRecord's field names to their right values (a form
    gives them all; the quick path one). Each changed row is audited before/after with the reason."""
    unknown = [name for name in changes if name not in {f.name for f in fields(NewRecord)}]
    if unknown:
        raise DomainError(f"There is no field {unknown[0]} to correct.", unknown[0])
    with changing(ctx, actor_slack_id, reference) as change:
        session, order, now = change.session, change.order, change.now
        why = _reason(session, order, reason)
        was = _as_entered(session, ctx, order)
        for name in (n for n in FIXED if n in changes and changes[n] != getattr(was, n)):
            raise DomainError(FIXED[name], name)
        if any(name in changes for name in LENGTH_FIELDS):
            changes = {**{name: None for name in LENGTH_FIELDS[:3]}, "until_further_order": False, **changes}
        new = replace(was, **{k: v for k, v in changes.items() if k not in FIXED})
        changed = _changed(was, new)
        if not changed:
            raise DomainError("Nothing to correct: the values given are the ones on the record.")
        rule = rule_for(order.order_type)
        problems = _validate(ctx, rule, new, None, now)  # the link to a notice is not corrected
        if new.crime_reference == was.crime_reference:  # one stored before the format check stands
            problems = [p for p in problems if p is None or p.field != "crime_reference"]
        raise_if_any(problems)
        warnings: tuple[Text, ...] = ()
        if "officer_slack_id" in changed:
            _move_to(session, change, order, new.officer_slack_id)
        if "perpetrator" in changed and _correct_perpetrator(change, order, new.perpetrator, why):
            warnings += (PNC_MISMATCH_WARNING,)
        if "protected" in changed:
            _correct_protected(change, order, was.protected, new.protected, why)
        _correct_order(change, order, was, new, changed, why)
        reinstated = reinstate_if_wrongly_ended(change, order, REINSTATED)
        view = change.view(warnings=warnings)
        return Corrected(view, tuple(LABELS[name] for name in LABELS if name in changed), reinstated)


def _reason(session: Session, order: ProtectionOrder, reason: str) -> str:
    """The reason, as the audit trail keeps it: it outlives an erasure, so it may not name anyone."""
    text = " ".join(reason.split())
    if len(text) < JUSTIFICATION_MIN:
        problem = f"Say why the record is corrected (at least {JUSTIFICATION_MIN} characters), e.g. 'typo in the date'."
    elif len(text) > JUSTIFICATION_MAX:
        problem = f"Keep the reason to {JUSTIFICATION_MAX} characters; it has {len(text)}."
    else:
        try:
            return naming_no_one(session, order, text)
        except ValidationFailed:
            problem = "Say why without naming anyone: the reason stays in the audit trail, e.g. 'typo in the date'."
    raise ValidationFailed([Violation("reason", problem)])


def _as_entered(session: Session, ctx: ServiceContext, order: ProtectionOrder) -> NewRecord:
    tz = ctx.settings.timezone
    person = session.get(Perpetrator, order.perpetrator_id)
    assert person is not None
    officer = session.get(AppUser, order.officer_id)
    parent = session.get(ProtectionOrder, order.parent_id) if order.parent_id else None
    last_day: date | None = None
    if order.expires_at is not None:  # stored as 00:00 after the last day (rules.periods.PeriodEnd)
        last_day = (order.expires_at.astimezone(tz) - timedelta(microseconds=1)).date()
    return NewRecord(
        order_type=order.order_type,
        served_at=order.served_at,
        made_at=order.made_at,
        arrested_at=order.arrested_at,
        power_of_arrest=order.power_of_arrest,
        authoriser_name=order.authoriser_name,
        authoriser_rank=order.authoriser_rank,
        court=order.court,
        conditions=order.conditions,
        last_day=last_day,
        until_further_order=order.until_further_order,
        risk_level=order.risk_level,
        children_present=order.children_present,
        crime_reference=order.crime_reference,
        perpetrator=_person(person),
        protected=tuple(_person(p) for p in _protected_rows(session, order)),
        officer_slack_id=officer.slack_user_id if officer else None,
        parent_reference=parent.reference if parent else None,
    )


def _person(row: Perpetrator | ProtectedPerson) -> PersonInput:
    return PersonInput(
        full_name=row.full_name,
        date_of_birth=row.date_of_birth,
        address=row.address,
        pnc_id=row.pnc_id if isinstance(row, Perpetrator) else None,
    )


def _protected_rows(session: Session, order: ProtectionOrder) -> list[ProtectedPerson]:
    linked = select(OrderProtectedPerson.person_id).where(OrderProtectedPerson.order_id == order.id)
    return list(
        session.exec(
            select(ProtectedPerson).where(col(ProtectedPerson.id).in_(linked)).order_by(col(ProtectedPerson.id))
        )
    )


def _normal(value: Any) -> Any:
    """Values as compared: typed text without its outer spaces, empty text as none, people likewise."""
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, PersonInput):
        pnc = (value.pnc_id or "").strip().upper() or None
        return (value.full_name.strip(), value.date_of_birth, _normal(value.address), pnc)
    if isinstance(value, tuple):
        return tuple(_normal(v) for v in value)
    return value


def _changed(was: NewRecord, new: NewRecord) -> set[str]:
    names = {f.name for f in fields(NewRecord)} - set(FIXED) - set(LENGTH_FIELDS)
    changed = {name for name in names if _normal(getattr(was, name)) != _normal(getattr(new, name))}
    if any(getattr(was, name) != getattr(new, name) for name in LENGTH_FIELDS):
        changed.add("length")
    return changed


def _move_to(session: Session, change: Change, order: ProtectionOrder, slack_id: str | None) -> None:
    officer = officer_in_charge(session, change.user, slack_id)
    order.officer_id, order.team_id = pk(officer), officer.team_id or order.team_id
    index_teams(session, [order])


def _correct_perpetrator(change: Change, order: ProtectionOrder, given: PersonInput, why: str) -> bool:
    """The record's own perpetrator row takes the corrected details. True if the PNC id is now held
    by someone on record with other details (an identity mismatch, for a supervisor to settle)."""
    person = change.session.get(Perpetrator, order.perpetrator_id)
    assert person is not None
    before = snapshot(person)
    person.full_name, person.name_key = given.full_name.strip(), name_key(given.full_name)
    person.date_of_birth, person.address = given.date_of_birth, (given.address or "").strip() or None
    person.pnc_id = (given.pnc_id or "").strip().upper() or None
    person.updated_at = change.now
    change.changed(person, before, order_id=order.id, justification=why)
    change.session.flush()
    index_person(change.session, person)
    already = change.session.exec(
        select(IdentityMismatch.id).where(
            IdentityMismatch.perpetrator_id == person.id, col(IdentityMismatch.same_person).is_(None)
        )
    ).first()
    if already is not None:
        return True
    return flag_identity_mismatch(change.session, change.ctx, change.user, person, order, change.now)


def _correct_protected(
    change: Change, order: ProtectionOrder, was: tuple[PersonInput, ...], given: tuple[PersonInput, ...], why: str
) -> None:
    rows = _protected_rows(change.session, order)
    if len(given) < len(was):
        raise DomainError(
            "A protected person cannot be taken off a record by a correction: correct their details instead.",
            "protected_name",
        )
    # A victim row is shared with the incident the record was recorded from: its escalation counts,
    # and those of the victims named like it before or after, are counted again.
    victims = col(Incident.victim_id).in_(sorted(pk(row) for row in rows[: len(given)]))
    reached = marks_of(change.session, victims)
    for row, person in zip(rows, given, strict=False):
        before = snapshot(row)
        row.full_name, row.name_key = person.full_name.strip(), name_key(person.full_name)
        row.date_of_birth, row.address = person.date_of_birth, (person.address or "").strip() or None
        row.updated_at = change.now
        change.changed(row, before, order_id=order.id, justification=why)
        index_person(change.session, row)
    for person in given[len(rows) :]:
        added = add_protected_person(change.session, change.ctx, change.user, person, change.now)
        change.session.add(OrderProtectedPerson(order_id=pk(order), person_id=pk(added)))
    if len(given) > len(rows):
        index_order(change.session, order)
    change.session.flush()
    if reached:
        recount_and_replan(change, [*reached, *marks_of(change.session, victims)])


def _correct_order(
    change: Change, order: ProtectionOrder, was: NewRecord, new: NewRecord, changed: set[str], why: str
) -> None:
    """The order row's own fields, then every deadline computed from them again."""
    session, ctx, now = change.session, change.ctx, change.now
    tz = ctx.settings.timezone
    rule = rule_for(order.order_type)
    before = snapshot(order)
    order.served_at, order.made_at = new.served_at, new.made_at
    order.arrested_at = new.arrested_at if order.arrested_at is not None or new.arrested_at is not None else None
    order.power_of_arrest = new.power_of_arrest
    order.authoriser_name = (new.authoriser_name or "").strip() or None
    order.authoriser_rank = new.authoriser_rank
    order.court = (new.court or "").strip() or None
    order.conditions = (new.conditions or "").strip() or None
    if "risk_level" in changed:
        order.risk_level, order.risk_assessed_at = new.risk_level, now if new.risk_level else None
    order.children_present = new.children_present
    order.crime_reference = (new.crime_reference or "").strip() or None
    event = new.event(rule)
    assert event is not None  # validated
    calendar = force_calendar(session, ctx.settings)
    clock = hearing_deadline(rule, new.served_at, calendar, tz) if new.served_at else None
    order.hearing_deadline_at = clock.at if clock else None
    lapse = lapse_deadline(rule, new.served_at, calendar, tz) if new.served_at else None
    order.lapses_at = lapse.at if lapse else None
    if not rule.is_notice:
        order.until_further_order = new.until_further_order
        end = (
            None
            if new.until_further_order
            else order_expiry(
                rule,
                new.period_start(rule, event, tz),
                days=new.duration_days,
                last_day=new.last_day,
                months=new.duration_months,
                tz=tz,
            )
        )
        order.expires_at = end.at if end else None
    notify = notification_deadline(rule, new.made_at, new.served_at, tz)
    order.notification_due_at = notify.at if notify else None
    change.changed(order, before, order_id=order.id, justification=why)
    _move_first_check(change, order, was.event(rule), event, why)
    _move_notification(change, order, why)
    refresh_court_deadlines(change, order, calendar)


def _move_first_check(
    change: Change, order: ProtectionOrder, was: datetime | None, now_from: datetime, why: str
) -> None:
    """The first breach check falls due a policy's hours after the start: it moves with the start."""
    if was is None or was == now_from:
        return
    hours = timedelta(hours=change.ctx.settings.reminders.first_breach_check_hours)
    first = change.session.exec(
        select(BreachCheck).where(
            BreachCheck.order_id == order.id,
            BreachCheck.due_at == was + hours,
            col(BreachCheck.done_at).is_(None),
            col(BreachCheck.cancelled_at).is_(None),
        )
    ).first()
    if first is not None:
        before = snapshot(first)
        first.due_at = now_from + hours
        change.changed(first, before, order_id=order.id, justification=why)


def _move_notification(change: Change, order: ProtectionOrder, why: str) -> None:
    awaited = change.session.exec(
        select(Notification).where(
            Notification.order_id == order.id,
            Notification.kind == NotificationKind.INITIAL,
            col(Notification.received_at).is_(None),
        )
    ).first()
    if awaited is not None and order.notification_due_at is not None and awaited.due_at != order.notification_due_at:
        before = snapshot(awaited)
        awaited.due_at = order.notification_due_at
        change.changed(awaited, before, order_id=order.id, justification=why)
