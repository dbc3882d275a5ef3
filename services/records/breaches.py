"""Recording breaches, and the crime reference every breach must carry."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlmodel import col, select

from models import Breach, Hearing, ProtectionOrder
from models.types import pk
from rules import validation
from rules.lifecycle import Event
from rules.order_types import OrderTypeRule, rule_for
from services import stored_text
from services.context import ServiceContext
from services.errors import Conflict, DomainError, raise_if_any
from services.governance.audit import snapshot
from services.records.breach_court import court_deadline
from services.records.calendar import force_calendar
from services.records.crime_references import crime_reference_violation
from services.records.state import require
from services.unit_of_work import changing
from services.views import RecordView


def record_breach(
    ctx: ServiceContext,
    actor_slack_id: str,
    reference: str,
    occurred_at: datetime,
    *,
    arrested_at: datetime | None = None,
    crime_reference: str | None = None,
    details: str | None = None,
) -> RecordView:
    """A breach can only be of an order in force at the time (DOMAIN.md); an arrest starts the
    24-hour court clock where the statute has one (CSA 2010 s26, s29; DAA 2021 s26(2)(a), (4);
    FLA 1996 s47(7) when the occupation order has a power of arrest), or for a notice the
    application's hearing if earlier (DAA 2021 s26(2)(b); CSA 2010 s26): services.records.breach_court."""
    raise_if_any(
        [
            stored_text.violation(Breach, "crime_reference", (crime_reference or "").strip() or None),
            stored_text.violation(Breach, "details", details),
            crime_reference_violation(ctx.settings, "crime_reference", (crime_reference or "").strip() or None),
        ]
    )
    with changing(ctx, actor_slack_id, reference) as change:
        session, order, now = change.session, change.order, change.now
        hearings = change.hearings_of(order)
        require(session, order, Event.BREACH, now, hearings)
        rule = rule_for(order.order_type)
        ended_at = _in_force_until(order, hearings)
        raise_if_any(
            [
                validation.not_in_future("occurred_at", "breach", occurred_at, now),
                validation.breach_within_order(rule.code, occurred_at, order.served_at or order.made_at, ended_at),
                validation.not_in_future("arrested_at", "arrest", arrested_at, now) if arrested_at else None,
                validation.not_before("arrested_at", "arrest", arrested_at, "breach", occurred_at)
                if arrested_at
                else None,
            ]
        )
        tz = ctx.settings.timezone
        calendar = force_calendar(session, ctx.settings)
        court = court_deadline(session, order, arrested_at, calendar, tz) if arrested_at else None
        crime = (crime_reference or "").strip() or None
        breach = Breach(
            order_id=pk(order),
            occurred_at=occurred_at,
            arrested_at=arrested_at,
            court_deadline_at=court.at if court else None,
            court_deadline_at_hearing=bool(court and court.earlier_limit),
            crime_reference=crime,
            crime_reference_added_at=now if crime else None,
            details=(details or "").strip() or None,
            recorded_by_id=pk(change.user),
            recorded_at=now,
        )
        change.created(breach, order_id=order.id)
        warnings = _what_applies(ctx, order, rule, crime)
        if court is not None:
            which = "the hearing of the application, which is earlier" if court.earlier_limit else "24 hours"
            warnings += (
                f"Before the court by {court.at.astimezone(tz):%a %d %b %Y %H:%M} ({which}; {court.citation}).",
            )
        elif arrested_at and rule.breach_arrest_clock and rule.breach_arrest_clock.needs_power_of_arrest:
            warnings += (
                f"No power of arrest is recorded on {order.reference}, so no 24-hour court clock was started "
                "(FLA 1996 s47(6)-(7)). If the court attached one, record it on the order.",
            )
        return change.view(warnings=warnings)


def _what_applies(
    ctx: ServiceContext, order: ProtectionOrder, rule: OrderTypeRule, crime: str | None
) -> tuple[str, ...]:
    """What the law makes of a breach of this type, and what the force asks for its crime
    reference: a breach of a DAPO is itself an offence (DAA 2021 s39); a breach of a notice or a
    DVPO is not (it is dealt with by arrest and the court, for a DVPO as civil contempt), though
    what was done may be a crime of its own."""
    grace = ctx.settings.reminders.crime_reference_grace_hours
    by = f"add its reference to this breach on {order.reference} within {grace} hours, or your supervisor is alerted"
    breach = rule.breach
    if breach.is_offence:
        said = f"A {rule.code} breach is a criminal offence ({breach.citation}; maximum {breach.max_penalty})."
        return (said,) if crime else (f"{said} No crime reference yet: record it as a crime and {by}.",)
    said = f"A {rule.code} breach is not itself a criminal offence ({breach.citation}): {breach.consequence}."
    if crime:
        return (said,)
    return (
        f"{said} No crime reference yet: if what was done is a crime in its own right (an assault, criminal "
        f"damage, harassment), record that crime and {by}.",
    )


def record_court_appearance(
    ctx: ServiceContext, actor_slack_id: str, reference: str, appeared_at: datetime, breach_number: int | None = None
) -> RecordView:
    """The person arrested for a breach was brought before the court: that arrest's court
    countdown ends (the latest arrest still awaiting court, unless a breach number is given)."""
    with changing(ctx, actor_slack_id, reference) as change:
        order, now = change.order, change.now
        require(change.session, order, Event.COURT_APPEARANCE, now)
        arrests = change.session.exec(
            select(Breach)
            .where(Breach.order_id == order.id, col(Breach.arrested_at).is_not(None))
            .order_by(col(Breach.occurred_at))
        ).all()
        if breach_number is not None:
            numbered = change.session.exec(
                select(Breach).where(Breach.order_id == order.id).order_by(col(Breach.occurred_at))
            ).all()
            if not 1 <= breach_number <= len(numbered):
                raise DomainError(f"{order.reference} has {len(numbered)} breach(es); give a number from 1.", "breach")
            target = numbered[breach_number - 1]
            if target.arrested_at is None:
                raise Conflict(f"Breach {breach_number} on {order.reference} has no arrest recorded.", "breach")
        else:
            waiting = [b for b in arrests if b.before_court_at is None]
            if not waiting:
                raise Conflict(f"No arrest on {order.reference} is waiting to go before the court.", "appeared_at")
            target = waiting[-1]
        assert target.arrested_at is not None
        raise_if_any(
            [
                validation.not_in_future("appeared_at", "court appearance", appeared_at, now),
                validation.not_before("appeared_at", "court appearance", appeared_at, "arrest", target.arrested_at),
            ]
        )
        before = snapshot(target)
        target.before_court_at = appeared_at
        change.changed(target, before, order_id=order.id)
        return change.view()


def add_crime_reference(
    ctx: ServiceContext,
    actor_slack_id: str,
    reference: str,
    crime_reference: str,
    breach_number: int | None = None,
    *,
    breach_id: int | None = None,
) -> RecordView:
    """Attach the crime reference to a breach: the one a reminder is about (`breach_id`), the
    `breach_number`th by when it happened, or else the latest one without."""
    crime = crime_reference.strip()
    if not crime:
        raise DomainError(f"Give the crime reference, e.g. {ctx.settings.crime_reference_example}.", "crime_reference")
    raise_if_any(
        [
            stored_text.violation(Breach, "crime_reference", crime),
            crime_reference_violation(ctx.settings, "crime_reference", crime),
        ]
    )
    with changing(ctx, actor_slack_id, reference) as change:
        order = change.order
        require(change.session, order, Event.CRIME_REFERENCE, change.now)
        breaches = change.session.exec(
            select(Breach).where(Breach.order_id == order.id).order_by(col(Breach.occurred_at))
        ).all()
        if breach_id is not None:
            target = next((b for b in breaches if b.id == breach_id), None)
            if target is None:
                raise Conflict(f"That breach is no longer on {order.reference}. Open the record instead.", "breach")
            if target.crime_reference is not None:
                raise Conflict(f"That breach of {order.reference} already has its crime reference.", "crime_reference")
        elif breach_number is not None:
            if not 1 <= breach_number <= len(breaches):
                raise DomainError(f"{order.reference} has {len(breaches)} breach(es); give a number from 1.", "breach")
            target = breaches[breach_number - 1]
            if target.crime_reference is not None:  # adding never overwrites: a correction is audited as one
                raise Conflict(
                    f"Breach {breach_number} of {order.reference} already has a crime reference.", "crime_reference"
                )
        else:
            missing = [b for b in breaches if b.crime_reference is None]
            if not missing:
                raise Conflict(f"Every breach on {order.reference} already has a crime reference.", "crime_reference")
            target = missing[-1]
        before = snapshot(target)
        target.crime_reference, target.crime_reference_added_at = crime, change.now
        change.changed(target, before, order_id=order.id)
        return change.view()


def _in_force_until(order: ProtectionOrder, hearings: Sequence[Hearing]) -> datetime | None:
    """When the record stopped being in force (`hearings`: all the record's). A notice with no
    hearing listed by its deadline lapsed at that deadline, even before the daily rollover marks
    it (CSA 2010 s27(3); DAA 2021 s29(2))."""
    ends = [t for t in (order.closed_at, order.expires_at) if t is not None]
    deadline = order.hearing_deadline_at
    if deadline is not None and not any(hearing.scheduled_at <= deadline for hearing in hearings):
        ends.append(deadline)
    return min(ends) if ends else None
