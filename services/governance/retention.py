"""Retention review and erasure (Data Protection Act 2018 s39: kept no longer than necessary;
s62: erasure is logged; Management of Police Information: periodic review).

Records about the same people are reviewed and erased together, as a *family*: every record,
incident, Clare's Law request and management plan reachable from the named one through a shared
perpetrator (or PNC id), a shared protected person, a notice -> order link or an order recorded from
an incident, repeatedly. Erasing one member's people would leave the others pointing at nobody, and
the law's clock runs "after the last order involving the same people ended".

A family is due for review when none of its members is still open and settings.retention_years
(DVPN_RETENTION_YEARS) whole years have passed since its latest end, counted in Europe/London
dates (an end on 29 February is due on 1 March). A record ends when it is closed (closed_at); an
open record (status active, or no end recorded) never qualifies, nor does anyone it touches.

An incident has no closure in law or in the tracker, so its end is its *last activity*: the latest
time recorded on it or on what hangs from it (report, DASH, attendance, crime recorded, notice
decision, each school told, MARAC referral and meeting, each MARAC action agreed or done). The Data
Protection Act 2018 s39 leaves the period open and the Management of Police Information review
counts from the last event on the information, so an incident is kept the same DVPN_RETENTION_YEARS
from the last thing done on it, never from its report alone: a MARAC case worked for a year is kept
a year longer. An incident with a MARAC action still to do is open casework and holds its family.

Clare's Law requests and management plans are members too (services.governance.linked_casework): a
request through its person at risk and its subject (or the subject's PNC id), a plan through its
perpetrator (or PNC id). Each ends at its last activity, as an incident does; an open request or plan
holds its family as a MARAC action to do does. A request or plan about people with nothing else on
record is a family of its own, reviewed and erased by its reference (a plan's is WM-PLAN-0007).

Erasure DELETES the family: its reminders (the ledger of the messages posted about it, whose ts they
keep), notifications, breach checks, breaches, hearings, protected-person links, records, incidents
with their children, MARAC referrals and actions, Clare's Law requests with their applicants,
management plans with their actions, every perpetrator and protected-person row its members point at
(a request's own rows for the person at risk and the subject included), and the search terms of those
people. Nothing is kept flagged: the rows are gone. The audit trail is append-only and never held
names, dates of birth, addresses, PNC ids or free text (services.governance.audit masks them), so it
keeps one row saying what was erased (tables and row counts, the personal fields removed), by whom,
and why.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, func, select

from models import (
    AppUser,
    AuditEvent,
    Breach,
    BreachCheck,
    DisclosureRequest,
    Hearing,
    IdentityMismatch,
    Incident,
    IncidentChild,
    ManagementPlan,
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
from services.governance.linked_casework import (
    LINKED_TABLES,
    PLAN_TYPE,
    REQUEST_TYPE,
    KeptPlan,
    KeptRequest,
    conditions,
    kept_plans,
    kept_requests,
    plan_id_of,
)
from services.incidents.escalation_counts import marks_of, recount_and_replan
from services.people import priority_tallies
from services.people.search_index import forget_records
from services.records.lookup import normalise_reference
from services.unit_of_work import acting
from services.wording import Command, Text

# What an erasure deletes, children first (each refers to the one after it).
# An incident goes with its family (the record recorded from it, or the records and incidents
# about the same people), with its own people, children, MARAC referral and actions.
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


INCIDENT_TYPE = "INC"  # what the review lists as an incident's type


@dataclass(frozen=True)
class DueRecord:
    reference: str
    order_type: str  # or INCIDENT_TYPE, REQUEST_TYPE, PLAN_TYPE
    ended_at: datetime  # closed, or an incident's, request's or plan's last activity
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
    """Every record, incident, request and plan whose family is past retention, oldest family first. Lists
    references, types and dates, no names. The review is logged (who looked, when, how many were
    due) as evidence that the periodic review took place."""
    tz, years, now = ctx.settings.timezone, ctx.settings.retention_years, ctx.clock.now()
    with acting(ctx, operator_slack_id, user_from=_operator) as work:
        session = work.session
        due: list[DueRecord] = []
        for family in _families(session, ctx.settings.force_code):
            last = family.last_ended()
            if last is None or review_due(last, years, tz) > now:
                continue
            refs, when = family.references, review_due(last, years, tz)
            for reference, kind, ended in family.members():
                due.append(DueRecord(reference, kind, ended, refs, when))
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
        entity_type, entity_id = _named_or_why_not(session, reference, tz, ctx.settings.force_code)
        family = next(f for f in _families(session, ctx.settings.force_code) if f.holds(entity_type, entity_id))
        _require_past_retention(family, years, tz, now)
        # Victims named like the erased ones (another person, or one on another record) lose them
        # from their escalation counts.
        reached = marks_of(session, col(Incident.id).in_(sorted(i.id for i in family.incidents)))
        deleted = _delete(session, family)
        recount_and_replan(work, reached)
        priority_tallies.kept_after_erasure(session, now, priority_tallies.scoring_of(ctx))
        refs = family.references
        last = family.last_ended()
        assert last is not None
        event = work.audit(
            "erase",
            entity_type,
            entity_id,
            order_id=entity_id if entity_type == "protection_order" else None,
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


def _named_or_why_not(session: Session, reference: str, tz: ZoneInfo, force_code: str) -> tuple[str, int]:
    """The record, incident, request or plan `reference` names, as (table, id); or why there is none."""
    ref = normalise_reference(reference)
    order = session.exec(select(ProtectionOrder.id).where(ProtectionOrder.reference == ref)).first()
    if order is not None:
        return "protection_order", order
    incident = session.exec(select(Incident.id).where(Incident.reference == ref)).first()
    if incident is not None:
        return "incident", incident
    request = session.exec(select(DisclosureRequest.id).where(DisclosureRequest.reference == ref)).first()
    if request is not None:
        return "disclosure_request", request
    plan_id = plan_id_of(force_code, ref)
    if plan_id is not None and session.get(ManagementPlan, plan_id) is not None:
        return "management_plan", plan_id
    for event in session.exec(select(AuditEvent).where(AuditEvent.action == "erase").order_by(col(AuditEvent.at))):
        if ref in (event.after or {}).get("references", []):
            when = event.at.astimezone(tz).strftime("%d %b %Y %H:%M")
            raise Conflict(
                f"{ref} was already erased on {when} by {event.actor} (audit event {event.id}). Nothing changed."
            )
    raise NotFound(
        f"No record, incident, Clare's Law request or plan has the reference '{reference.strip()[:40]}'. "
        "Nothing changed.",
        "reference",
    )


def _require_past_retention(family: Family, years: int, tz: ZoneInfo, now: datetime) -> None:
    together = ", ".join(family.references)
    still_open = family.still_open()
    if still_open:
        said: Text = (
            f"Not erased: {', '.join(still_open)} {'is' if len(still_open) == 1 else 'are'} still open, and records "
            f"about the same people ({together}) are kept together. Nothing changed.",
        )
        if any(r.open for r in family.requests) or any(p.open for p in family.plans):
            said = (
                *said,
                " Close it first (",
                Command("clare", 'REF close "why"', set_apart=False),
                ", ",
                Command("perpetrator", 'REF plan close "why"', set_apart=False),
                "), then erase the records.",
            )
        raise Conflict(said)
    last = family.last_ended()
    assert last is not None
    due = review_due(last, years, tz)
    if due > now:
        latest = [reference for reference, _, ended in family.members() if ended == last]
        raise Conflict(
            f"Not erased: {', '.join(latest)} ended on {last.astimezone(tz):%d %b %Y}, so the records about these "
            f"people ({together}) are kept until {due:%d %b %Y} "
            f"({years} years, DVPN_RETENTION_YEARS). Nothing changed."
        )


@dataclass(frozen=True)
class KeptIncident:
    """An incident as retention sees it: its people, its last activity, and whether work is still open on it."""

    id: int
    reference: str
    victim_id: int
    suspect_id: int
    last_activity: datetime
    open_actions: bool


@dataclass
class Family:
    orders: list[ProtectionOrder] = field(default_factory=list)
    incidents: list[KeptIncident] = field(default_factory=list)
    requests: list[KeptRequest] = field(default_factory=list)
    plans: list[KeptPlan] = field(default_factory=list)

    @property
    def references(self) -> tuple[str, ...]:
        return tuple(sorted([reference for reference, _, _ in self.members()] + self._open_orders()))

    def holds(self, entity_type: str, entity_id: int) -> bool:
        tables: dict[str, list[Any]] = {
            "protection_order": self.orders,
            "incident": self.incidents,
            "disclosure_request": self.requests,
            "management_plan": self.plans,
        }
        members = tables[entity_type]
        return any(member.id == entity_id for member in members)

    def members(self) -> list[tuple[str, str, datetime]]:
        """(reference, type, end) of each member that has ended (or, for casework with no end in law,
        its last activity so far), by reference."""
        ended = [(o.reference, o.order_type.value, o.closed_at) for o in self.orders if o.closed_at is not None]
        ended += [(i.reference, INCIDENT_TYPE, i.last_activity) for i in self.incidents]
        ended += [(r.reference, REQUEST_TYPE, r.last_activity) for r in self.requests]
        ended += [(p.reference, PLAN_TYPE, p.last_activity) for p in self.plans]
        return sorted(ended)

    def _open_orders(self) -> list[str]:
        return [o.reference for o in self.orders if o.closed_at is None]

    def still_open(self) -> list[str]:
        orders = [o.reference for o in self.orders if o.status is OrderStatus.ACTIVE or o.closed_at is None]
        return sorted(
            orders
            + [f"{i.reference} (a MARAC action to do)" for i in self.incidents if i.open_actions]
            + [f"{r.reference} (a Clare's Law request)" for r in self.requests if r.open]
            + [f"{p.reference} (a management plan)" for p in self.plans if p.open]
        )

    def last_ended(self) -> datetime | None:
        if self.still_open():
            return None
        return max(end for _, _, end in self.members())

    def people(self, session: Session) -> tuple[set[int], set[int]]:
        """(perpetrator ids, protected-person ids) every member points at."""
        perpetrators = {o.perpetrator_id for o in self.orders}
        ids = [o.id for o in self.orders if o.id is not None]
        linked = select(OrderProtectedPerson.person_id).where(col(OrderProtectedPerson.order_id).in_(ids))
        people = set(session.exec(linked).all())
        for incident in self.incidents:
            perpetrators.add(incident.suspect_id)
            people.add(incident.victim_id)
        for request in self.requests:
            perpetrators.add(request.subject_id)
            people.add(request.person_id)
        perpetrators |= {plan.perpetrator_id for plan in self.plans}
        return perpetrators, people


def _kept_incidents(session: Session) -> list[KeptIncident]:
    """Every incident with its last activity: the latest time recorded on it or on what hangs from it."""
    incidents = session.exec(select(Incident)).all()
    told = dict(
        session.exec(
            select(IncidentChild.incident_id, func.max(IncidentChild.told_at)).group_by(col(IncidentChild.incident_id))
        ).all()
    )
    referrals = {r.incident_id: r for r in session.exec(select(MaracReferral)).all()}
    actions: dict[int, tuple[datetime | None, datetime | None, int]] = {
        incident_id: (agreed, done, to_do)
        for incident_id, agreed, done, to_do in session.execute(
            sa.select(
                col(MaracReferral.incident_id),
                func.max(MaracAction.created_at),
                func.max(MaracAction.done_at),
                func.count().filter(col(MaracAction.done_at).is_(None)),
            )
            .join(MaracReferral, col(MaracReferral.id) == col(MaracAction.referral_id))
            .group_by(col(MaracReferral.incident_id))
        ).all()
    }
    kept = []
    for incident in incidents:
        assert incident.id is not None
        referral = referrals.get(incident.id)
        agreed, done, to_do = actions.get(incident.id, (None, None, 0))
        times = [
            incident.reported_at,
            incident.dash_at,
            incident.attended_at,
            incident.crime_recorded_at,
            incident.notice_considered_at,
            told.get(incident.id),
            referral.referred_at if referral else None,
            referral.meeting_at if referral else None,
            agreed,
            done,
        ]
        last = max(t for t in times if t is not None)
        kept.append(
            KeptIncident(incident.id, incident.reference, incident.victim_id, incident.suspect_id, last, to_do > 0)
        )
    return kept


def _families(session: Session, force_code: str) -> list[Family]:
    """Every family at once: union-find over records, incidents, requests and plans sharing a
    perpetrator row (or its PNC id), a protected person, a notice -> order link, or an order recorded
    from an incident."""
    orders = session.exec(select(ProtectionOrder)).all()
    links = session.exec(select(OrderProtectedPerson.order_id, OrderProtectedPerson.person_id)).all()
    pnc_of = {
        i: pnc
        for i, pnc in session.exec(
            select(Perpetrator.id, Perpetrator.pnc_id).where(col(Perpetrator.pnc_id).is_not(None))
        ).all()
        if i is not None and pnc
    }
    incidents = _kept_incidents(session)
    requests = kept_requests(session)
    plans = kept_plans(session, force_code)
    parent: dict[tuple[str, int], tuple[str, int]] = {}

    def root(x: tuple[str, int]) -> tuple[str, int]:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def join(a: tuple[str, int], b: tuple[str, int]) -> None:
        parent[root(a)] = root(b)

    first_with: dict[object, tuple[str, int]] = {}

    def shares(node: tuple[str, int], key: object) -> None:
        join(node, first_with.setdefault(key, node))

    def perpetrator(node: tuple[str, int], perpetrator_id: int) -> None:
        shares(node, ("perpetrator", perpetrator_id))
        if (pnc := pnc_of.get(perpetrator_id)) is not None:
            shares(node, ("pnc", pnc))

    for order in orders:
        assert order.id is not None
        node = ("o", order.id)
        root(node)
        perpetrator(node, order.perpetrator_id)
        if order.parent_id is not None:
            join(node, ("o", order.parent_id))
        if order.incident_id is not None:
            join(node, ("i", order.incident_id))
    for order_id, person_id in links:
        shares(("o", order_id), ("person", person_id))
    for incident in incidents:
        node = ("i", incident.id)
        root(node)
        perpetrator(node, incident.suspect_id)
        shares(node, ("person", incident.victim_id))
    for request in requests:
        node = ("r", request.id)
        root(node)
        perpetrator(node, request.subject_id)
        shares(node, ("person", request.person_id))
    for plan in plans:
        node = ("p", plan.id)
        root(node)
        perpetrator(node, plan.perpetrator_id)
    groups: dict[tuple[str, int], Family] = defaultdict(Family)
    for order in orders:
        assert order.id is not None
        groups[root(("o", order.id))].orders.append(order)
    for incident in incidents:
        groups[root(("i", incident.id))].incidents.append(incident)
    for request in requests:
        groups[root(("r", request.id))].requests.append(request)
    for plan in plans:
        groups[root(("p", plan.id))].plans.append(plan)
    return list(groups.values())


def _delete(session: Session, family: Family) -> dict[str, int]:
    """Every row of the family and of its people. The family is closed under shared people, so no
    row outside it refers to them (a foreign key would refuse the delete, and the whole erasure with
    it, if one did)."""
    ids = [o.id for o in family.orders if o.id is not None]
    perpetrators, people = family.people(session)
    incidents = sorted(i.id for i in family.incidents)
    referrals = select(MaracReferral.id).where(col(MaracReferral.incident_id).in_(incidents))
    casework = conditions(family.requests, family.plans)
    session.flush()
    session.expunge_all()  # the rows go by bulk statements; nothing stale may be flushed back
    # Self-references first, so deleting in any order within a table is allowed.
    session.execute(sa.update(Hearing).where(col(Hearing.order_id).in_(ids)).values(adjourned_to_id=None))
    session.execute(sa.update(ProtectionOrder).where(col(ProtectionOrder.id).in_(ids)).values(parent_id=None))
    deleted: dict[str, int] = {}
    for model in ERASED_TABLES:
        condition: ColumnElement[bool]
        if model is ProtectedPerson:
            condition = col(ProtectedPerson.id).in_(sorted(people))
            deleted.update(forget_records(session, ids))  # their words go before them
        elif model is Perpetrator:
            condition = col(Perpetrator.id).in_(sorted(perpetrators))
        elif model is ProtectionOrder:
            condition = col(ProtectionOrder.id).in_(ids)
        elif model is Reminder:
            condition = sa.or_(
                col(Reminder.order_id).in_(ids), col(Reminder.incident_id).in_(incidents), casework[Reminder]
            )
        elif model is Incident:
            condition = col(Incident.id).in_(incidents)
        elif model in (MaracReferral, IncidentChild):
            condition = model.incident_id.in_(incidents)
        elif model is MaracAction:
            condition = col(MaracAction.referral_id).in_(referrals)
        elif model in casework:
            condition = casework[model]
        else:
            condition = model.order_id.in_(ids)
        result = session.execute(sa.delete(model).where(condition))
        deleted[str(model.__tablename__)] = int(getattr(result, "rowcount", 0))
    return deleted
