"""Retention review and erasure (Data Protection Act 2018 s39: kept no longer than necessary;
s62: erasure is logged; Management of Police Information: periodic review).

Records about the same people are reviewed and erased together, as a *family*: every record
reachable from the named one through a shared perpetrator, a shared protected person, or a
notice -> order link, repeatedly. Erasing one member's people would leave the others pointing at
nobody, and the law's clock runs "after the last order involving the same people ended".

A family is due for review when none of its records is still open (status active, or no end
time recorded) and settings.retention_years whole years have passed since the latest end time
(closed_at) in the family, counted in Europe/London dates (an end on 29 February is due on
1 March). Open records never qualify, nor does anyone they touch.

Erasure DELETES the family: its reminders, notifications, breach checks, breaches, hearings,
protected-person links, records, and the perpetrator and protected-person rows. Nothing is kept
flagged: the rows are gone. The audit trail is append-only and never held names, dates of birth,
addresses, PNC ids or free text (services.governance.audit masks them), so it keeps one row saying what was
erased (tables and row counts, the personal fields removed), by whom, and why.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, select

from models import (
    AppUser,
    AuditEvent,
    Breach,
    BreachCheck,
    Hearing,
    IdentityMismatch,
    Incident,
    IncidentChild,
    MaracAction,
    MaracReferral,
    Notification,
    OrderProtectedPerson,
    OrderStatus,
    Perpetrator,
    ProtectedPerson,
    ProtectionOrder,
    RecordThreadPost,
    Reminder,
    Role,
)
from models.types import column_length
from services.context import ServiceContext
from services.errors import Conflict, DomainError, NotAllowed, NotFound
from services.governance.audit import FREE_TEXT_FIELDS, PERSONAL_FIELDS
from services.governance.linked_casework import LINKED_TABLES, conditions, require_none_open
from services.people.search_index import forget_people
from services.records.lookup import normalise_reference
from services.unit_of_work import acting

# What an erasure deletes, children first (each refers to the one after it).
# An incident a notice or order was recorded from goes with the record's family, with its own
# people, children, MARAC referral and actions. (Incidents with no record recorded from them are
# not yet reviewed for retention.)
ERASED_TABLES: tuple[type[Any], ...] = (
    IdentityMismatch,
    Reminder,
    RecordThreadPost,
    Notification,
    BreachCheck,
    Breach,
    Hearing,
    OrderProtectedPerson,
    ProtectionOrder,
    MaracAction,
    MaracReferral,
    IncidentChild,
    Incident,
    *LINKED_TABLES,
    ProtectedPerson,
    Perpetrator,
)
REASON_MAX = column_length(AuditEvent, "justification")


@dataclass(frozen=True)
class DueRecord:
    reference: str
    order_type: str
    ended_at: datetime
    family: tuple[str, ...]  # every reference erased with it, this one included
    review_due: datetime


@dataclass(frozen=True)
class Erasure:
    references: tuple[str, ...]
    deleted: dict[str, int]  # table -> rows deleted
    audit_event_id: int


def review_due(last_ended: datetime, years: int, tz: ZoneInfo) -> datetime:
    """Local midnight starting the day `years` years after the day the family's last record ended."""
    day = last_ended.astimezone(tz).date()
    try:
        due = day.replace(year=day.year + years)
    except ValueError:  # 29 February, in a year without one: the day after 28 February
        due = date(day.year + years, 3, 1)
    return datetime.combine(due, time(0), tz)


def review(ctx: ServiceContext, operator_slack_id: str, *, os_user: str | None = None) -> list[DueRecord]:
    """Every record whose family is past retention, oldest family first. Lists references, types
    and dates, no names. The review is logged (who looked, when, how many were due) as evidence
    that the periodic review took place."""
    tz, years, now = ctx.settings.timezone, ctx.settings.retention_years, ctx.clock.now()
    with acting(ctx, operator_slack_id, user_from=_operator) as work:
        session = work.session
        orders = session.exec(select(ProtectionOrder)).all()
        links = session.exec(select(OrderProtectedPerson.order_id, OrderProtectedPerson.person_id)).all()
        pncs = session.exec(
            select(Perpetrator.id, Perpetrator.pnc_id).where(col(Perpetrator.pnc_id).is_not(None))
        ).all()
        due: list[DueRecord] = []
        for family in _families(orders, links, {i: pnc for i, pnc in pncs if i is not None and pnc}):
            last = _last_ended(family)
            if last is None or review_due(last, years, tz) > now:
                continue
            refs = tuple(sorted(o.reference for o in family))
            when = review_due(last, years, tz)
            for order in sorted(family, key=lambda o: o.reference):
                assert order.closed_at is not None
                due.append(DueRecord(order.reference, order.order_type.value, order.closed_at, refs, when))
        due.sort(key=lambda d: (d.review_due, d.family, d.reference))
        after = {
            "retention_years": years,
            "due": len(due),
            "references": [d.reference for d in due],
            **_who_ran_it(os_user),
        }
        work.audit("retention_review", "protection_order", after=after)
        return due


def erase(
    ctx: ServiceContext, operator_slack_id: str, reference: str, reason: str | None, *, os_user: str | None = None
) -> Erasure:
    why = " ".join((reason or "").split())
    if not why:
        raise DomainError("Say why the record is erased (--reason), e.g. 'MoPI review: no policing purpose'.", "reason")
    if len(why) > REASON_MAX:
        raise DomainError(f"Keep the reason under {REASON_MAX} characters.", "reason")
    tz, years, now = ctx.settings.timezone, ctx.settings.retention_years, ctx.clock.now()
    with acting(ctx, operator_slack_id, user_from=_operator) as work:
        session = work.session
        order = _order_or_why_not(session, reference, tz)
        family = _family_of(session, order)
        _require_past_retention(family, years, tz, now)
        deleted = _delete(session, family)
        refs = tuple(sorted(o.reference for o in family))
        last = _last_ended(family)
        assert last is not None
        event = work.audit(
            "erase",
            "protection_order",
            order.id,
            order_id=order.id,
            after={
                "references": list(refs),
                "deleted_rows": deleted,
                "personal_fields_erased": {
                    "perpetrator": sorted(PERSONAL_FIELDS),
                    "protected_person": sorted(PERSONAL_FIELDS - {"pnc_id"}),
                    **{table: sorted(fields) for table, fields in FREE_TEXT_FIELDS.items()},
                },
                "last_ended": last.isoformat(),
                "retention_years": years,
                **_who_ran_it(os_user),
            },
            justification=why,
        )
        session.flush()
        assert event.id is not None
        return Erasure(refs, deleted, event.id)


def _who_ran_it(os_user: str | None) -> dict[str, str]:
    """The server account the command line ran under: --by names an admin but proves nothing (anyone
    with a shell on the server can type any admin's id), so the audit keeps who really typed it."""
    return {"os_user": os_user[:80]} if os_user else {}


def _operator(session: Session, _ctx: ServiceContext, slack_id: str) -> AppUser:
    """The command line has no Slack request: the operator names themselves, and must be an admin.
    This is a check against mistakes, not authentication: whoever can run the command line on the
    server is trusted (README, Security), and the audit row keeps their OS account too."""
    user = session.exec(select(AppUser).where(AppUser.slack_user_id == slack_id.strip().upper())).first()
    if user is None or not user.active or user.role is not Role.ADMIN:
        raise NotAllowed(
            f"'{slack_id.strip()[:40]}' is not an active dvpn-bot admin. Give your own Slack member id with --by "
            "(e.g. --by U012AB3CD); only admins review and erase records."
        )
    return user


admin_operator = _operator  # the same check for every command-line command an admin runs


def _order_or_why_not(session: Session, reference: str, tz: ZoneInfo) -> ProtectionOrder:
    ref = normalise_reference(reference)
    order = session.exec(select(ProtectionOrder).where(ProtectionOrder.reference == ref)).first()
    if order is not None:
        return order
    for event in session.exec(select(AuditEvent).where(AuditEvent.action == "erase").order_by(col(AuditEvent.at))):
        if ref in (event.after or {}).get("references", []):
            when = event.at.astimezone(tz).strftime("%d %b %Y %H:%M")
            raise Conflict(
                f"{ref} was already erased on {when} by {event.actor} (audit event {event.id}). Nothing changed."
            )
    raise NotFound(f"No record has the reference '{reference.strip()[:40]}'. Nothing changed.", "reference")


def _require_past_retention(family: Sequence[ProtectionOrder], years: int, tz: ZoneInfo, now: datetime) -> None:
    together = ", ".join(sorted(o.reference for o in family))
    still_open = sorted(o.reference for o in family if o.status is OrderStatus.ACTIVE or o.closed_at is None)
    if still_open:
        raise Conflict(
            f"Not erased: {', '.join(still_open)} {'is' if len(still_open) == 1 else 'are'} still open, and records "
            f"about the same people ({together}) are kept together. Nothing changed."
        )
    last = _last_ended(family)
    assert last is not None
    due = review_due(last, years, tz)
    if due > now:
        latest = sorted(o.reference for o in family if o.closed_at == last)
        raise Conflict(
            f"Not erased: {', '.join(latest)} ended on {last.astimezone(tz):%d %b %Y}, so the records about these "
            f"people ({together}) are kept until {due:%d %b %Y} "
            f"({years} years, DVPN_RETENTION_YEARS). Nothing changed."
        )


def _last_ended(family: Iterable[ProtectionOrder]) -> datetime | None:
    ends = [o.closed_at for o in family]
    if any(o.status is OrderStatus.ACTIVE for o in family) or any(end is None for end in ends):
        return None
    return max(end for end in ends if end is not None)


def _family_of(session: Session, start: ProtectionOrder) -> list[ProtectionOrder]:
    """Records sharing people or a notice -> order link with `start`, followed until none is new.
    Each round is three queries; families are small (a perpetrator's history)."""
    found: dict[int, ProtectionOrder] = {}
    frontier = [start]
    while frontier:
        for order in frontier:
            assert order.id is not None
            found[order.id] = order
        ids = list(found)
        perpetrators = {o.perpetrator_id for o in found.values()}
        # Each record has its own perpetrator row; rows sharing a PNC id are one person's.
        pncs = select(Perpetrator.pnc_id).where(
            col(Perpetrator.id).in_(perpetrators), col(Perpetrator.pnc_id).is_not(None)
        )
        same_pnc = session.exec(select(Perpetrator.id).where(col(Perpetrator.pnc_id).in_(pncs))).all()
        perpetrators |= {i for i in same_pnc if i is not None}
        parents = {o.parent_id for o in found.values() if o.parent_id is not None}
        people = select(OrderProtectedPerson.person_id).where(col(OrderProtectedPerson.order_id).in_(ids))
        sharing = select(OrderProtectedPerson.order_id).where(col(OrderProtectedPerson.person_id).in_(people))
        frontier = [
            o
            for o in session.exec(
                select(ProtectionOrder).where(
                    sa.or_(
                        col(ProtectionOrder.perpetrator_id).in_(perpetrators),
                        col(ProtectionOrder.id).in_(sharing),
                        col(ProtectionOrder.id).in_(parents),
                        col(ProtectionOrder.parent_id).in_(ids),
                    ),
                    col(ProtectionOrder.id).not_in(ids),
                )
            ).all()
        ]
    return list(found.values())


def _families(
    orders: Sequence[ProtectionOrder], links: Sequence[tuple[int, int]], pnc_of: dict[int, str]
) -> list[list[ProtectionOrder]]:
    """Every family at once (union-find over shared perpetrators or their PNC ids, protected people
    and links)."""
    parent: dict[int, int] = {}

    def root(x: int) -> int:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def join(a: int, b: int) -> None:
        parent[root(a)] = root(b)

    by_perpetrator: dict[int, int] = {}
    by_pnc: dict[str, int] = {}
    by_person: dict[int, int] = {}
    for order in orders:
        assert order.id is not None
        root(order.id)
        join(order.id, by_perpetrator.setdefault(order.perpetrator_id, order.id))
        if (pnc := pnc_of.get(order.perpetrator_id)) is not None:
            join(order.id, by_pnc.setdefault(pnc, order.id))
        if order.parent_id is not None:
            join(order.id, order.parent_id)
    for order_id, person_id in links:
        join(order_id, by_person.setdefault(person_id, order_id))
    groups: dict[int, list[ProtectionOrder]] = defaultdict(list)
    for order in orders:
        assert order.id is not None
        groups[root(order.id)].append(order)
    return list(groups.values())


def _delete(session: Session, family: Sequence[ProtectionOrder]) -> dict[str, int]:
    ids = [o.id for o in family if o.id is not None]
    perpetrators = {o.perpetrator_id for o in family}
    linked = select(OrderProtectedPerson.person_id).where(col(OrderProtectedPerson.order_id).in_(ids))
    people = set(session.exec(linked).all())
    incidents = {o.incident_id for o in family if o.incident_id is not None}
    for incident in session.exec(select(Incident).where(col(Incident.id).in_(sorted(incidents)))).all():
        people.add(incident.victim_id)
        perpetrators.add(incident.suspect_id)
    referrals = select(MaracReferral.id).where(col(MaracReferral.incident_id).in_(sorted(incidents)))
    require_none_open(session, perpetrators, people)
    casework = conditions(session, perpetrators, people)
    session.flush()
    session.expunge_all()  # the rows go by bulk statements; nothing stale may be flushed back
    # Self-references first, so deleting in any order within a table is allowed.
    session.execute(sa.update(Hearing).where(col(Hearing.order_id).in_(ids)).values(adjourned_to_id=None))
    session.execute(sa.update(ProtectionOrder).where(col(ProtectionOrder.id).in_(ids)).values(parent_id=None))
    deleted: dict[str, int] = {}
    for model in ERASED_TABLES:
        condition: ColumnElement[bool]
        if model is ProtectedPerson:
            condition = col(ProtectedPerson.id).in_(people)
        elif model is Perpetrator:
            condition = col(Perpetrator.id).in_(perpetrators)
        elif model is ProtectionOrder:
            condition = col(ProtectionOrder.id).in_(ids)
        elif model is Reminder:
            condition = sa.or_(
                col(Reminder.order_id).in_(ids), col(Reminder.incident_id).in_(sorted(incidents)), casework[Reminder]
            )
        elif model is Incident:
            condition = col(Incident.id).in_(sorted(incidents))
        elif model in (MaracReferral, IncidentChild):
            condition = model.incident_id.in_(sorted(incidents))
        elif model is MaracAction:
            condition = col(MaracAction.referral_id).in_(referrals)
        elif model in casework:
            condition = casework[model]
        else:
            condition = model.order_id.in_(ids)
        if model is ProtectedPerson:  # their words go before them
            deleted.update(forget_people(session, perpetrators, people))
        result = session.execute(sa.delete(model).where(condition))
        deleted[str(model.__tablename__)] = int(getattr(result, "rowcount", 0))
    return deleted
