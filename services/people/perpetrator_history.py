"""A perpetrator's history across the force: every notice and order, breaches, missed checks, the
current risk level, the repeat flag, and the people protected.

Force-wide on purpose: an officer at a door needs the person's whole history, whichever team holds
it. Each lookup is a consultation, audited with the perpetrator and every record shown (DPA 2018
s62(1)(c)). Names of protected people appear only to those who may read the record protecting
them; everyone else sees initials.

Names are shown by the one access decision (services.governance.justification.access): on a record of the
user's own teams, or one they gave a reason for within the last JUSTIFICATION_HOLDS_FOR (the show
command asks for it); each record's audit row carries the reason that allowed it. Records that
would need a reason are listed with initials only, and named as withheld, rather than asking for
one reason to cover a whole history.

Each record has its own perpetrator row, holding what its officer typed. Rows are treated as one
person when they share a PNC id, or (for rows without one) the same name and date of birth; rows
with neither stand alone rather than risk joining two people's histories. A row recorded with a
PNC id already held under a different name or date of birth (an identity mismatch) stands alone
until a supervisor or admin settles it as the same person; while one is open, a lookup by that PNC
id shows only the people on records the user may see, so a PNC id is never a key to another
team's person.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import and_, func, or_, tuple_
from sqlmodel import Session, col, select

from models import (
    AppUser,
    Breach,
    BreachCheck,
    IdentityMismatch,
    Incident,
    OrderProtectedPerson,
    OrderStatus,
    Perpetrator,
    ProtectedPerson,
    ProtectionOrder,
    Team,
)
from models.types import pk
from rules.repeat import RepeatPolicy, repeat_reason
from services.context import ServiceContext
from services.errors import DomainError, NotFound
from services.governance.audit import write_audit
from services.governance.justification import Access, Reach, access, reasons_in_force
from services.incidents.scope import find_incident
from services.people.matching import FoundBy, name_matches, read_identifier
from services.people.results import HistoryRecord, PerpetratorHistory, PerpetratorMatches, PersonMatch, ProtectedEntry
from services.records.lookup import find_order
from services.unit_of_work import reading
from services.views import initials
from services.wording import Command, Part, Text

USAGE: tuple[Part, ...] = (
    Command("perpetrator", "NAME"),
    ", ",
    Command("perpetrator", "PNC-ID"),
    " (e.g. 12/345678U) or ",
    Command("perpetrator", "REF"),
)
MATCHES_SHOWN = 20


def lookup(ctx: ServiceContext, actor_slack_id: str, typed: str) -> PerpetratorHistory | PerpetratorMatches:
    if not typed.strip():
        raise DomainError(("Say who: ", *USAGE, "."), "perpetrator")
    found_by, text = read_identifier(typed)
    with reading(ctx, actor_slack_id) as read:
        session, user, now = read.session, read.user, read.now
        incident = None
        if found_by is FoundBy.REFERENCE:
            rows, incident = _by_reference(session, text, ctx.settings.force_code)
        else:
            rows = _rows(session, found_by, text)
        unsettled = _unsettled(session, rows)
        people = _people(session, rows, unsettled)
        if found_by is FoundBy.PNC and any(pk(r) in unsettled for p in people for r in p):
            people = _seen_only(session, user, people, now)
            if not people:
                raise NotFound(UNDER_CHECK, "perpetrator")
        if not people:
            raise NotFound(_nobody(found_by, ctx.settings.force_code), "perpetrator")
        if len(people) > 1:
            matches = _matches(session, people)
            write_audit(
                session,
                actor=user,
                at=now,
                action="search",
                entity_type="perpetrator",
                entity_id=None,
                after={"found_by": found_by.value, "perpetrators": sorted(pk(r) for p in people for r in p)},
                source=ctx.source,
            )
            return matches
        return _history(session, ctx, user, people[0], found_by, now, incident)


UNDER_CHECK: Text = (
    "That PNC id is on record with differing details, which a supervisor or admin is checking (",
    Command("identity"),
    "), and none of those records is one you can read. Look the person up by a record reference instead: ",
    Command("perpetrator", "REF"),
    ".",
)


def _unsettled(session: Session, rows: Sequence[Perpetrator]) -> set[int]:
    """Rows in an identity mismatch not settled as the same person: they stand alone."""
    pncs = sorted({r.pnc_id for r in rows if r.pnc_id})
    if not pncs:
        return set()
    return set(
        session.exec(
            select(IdentityMismatch.perpetrator_id)
            .join(Perpetrator, col(Perpetrator.id) == IdentityMismatch.perpetrator_id)
            .where(col(Perpetrator.pnc_id).in_(pncs), col(IdentityMismatch.same_person).is_not(True))
        ).all()
    )


def _seen_only(
    session: Session, user: AppUser, people: list[list[Perpetrator]], now: datetime
) -> list[list[Perpetrator]]:
    """The people with a record the user may see (own teams, or a reason in force)."""
    ids = [pk(r) for p in people for r in p]
    orders = session.exec(select(ProtectionOrder).where(col(ProtectionOrder.perpetrator_id).in_(ids))).all()
    given = reasons_in_force(session, user, now, [pk(o) for o in orders])
    seen = {o.perpetrator_id for o in orders if access(session, user, o, now, given=given).may_see}
    return [p for p in people if any(pk(r) in seen for r in p)]


def _nobody(found_by: FoundBy, force_code: str) -> Text:
    if found_by is FoundBy.PNC:
        return ("No one on record has that PNC id. Try their name or a record reference: ", *USAGE, ".")
    if found_by is FoundBy.REFERENCE:
        return (
            f"No record has that reference. References look like {force_code}-DVPN-2026-0042: try ",
            Command("search", set_apart=False),
            ".",
        )
    return (
        "No one on record matches that name (variants such as Jon/John were tried too). "
        "Check the spelling, or use a PNC id or a record reference: ",
        *USAGE,
        ".",
    )


def _by_reference(session: Session, text: str, force_code: str) -> tuple[Sequence[Perpetrator], Incident | None]:
    """A record's reference, or an incident's (the priority list shows whichever was the latest
    event): the person is the record's perpetrator, or the incident's suspect with the incident,
    whose own trail is to show the look."""
    incident = None
    try:
        person_id = find_order(session, text, force_code=force_code).perpetrator_id
    except NotFound:
        try:
            incident = find_incident(session, text, force_code=force_code)
        except NotFound:
            return [], None
        person_id = incident.suspect_id
    person = session.get(Perpetrator, person_id)
    return ([person] if person is not None else []), incident


def _rows(session: Session, found_by: FoundBy, text: str) -> Sequence[Perpetrator]:
    if found_by is FoundBy.PNC:
        return session.exec(select(Perpetrator).where(Perpetrator.pnc_id == text)).all()
    matches = name_matches(Perpetrator.name_key, text)
    if matches is None:
        return []
    return session.exec(select(Perpetrator).where(matches).order_by(col(Perpetrator.id))).all()


def _people(session: Session, rows: Sequence[Perpetrator], unsettled: set[int]) -> list[list[Perpetrator]]:
    """Group rows into people, adding the rows of the same person that the search did not reach
    (the other records under the same PNC id, and those made without it under the same name and
    date of birth)."""
    pncs = sorted({r.pnc_id for r in rows if r.pnc_id and pk(r) not in unsettled})
    if pncs:
        same_pnc = session.exec(select(Perpetrator).where(col(Perpetrator.pnc_id).in_(pncs))).all()
        unsettled |= _unsettled(session, same_pnc)
        rows = [*rows, *(r for r in same_pnc if pk(r) not in unsettled)]
    people: dict[tuple[object, ...], dict[int, Perpetrator]] = {}
    for row in rows:
        people.setdefault(_identity(row, unsettled), {})[pk(row)] = row
    firsts = {key: next(iter(members.values())) for key, members in people.items()}
    named = {(first.name_key, first.date_of_birth) for first in firsts.values() if first.date_of_birth is not None}
    unlinked: dict[tuple[object, ...], list[Perpetrator]] = defaultdict(list)
    if named:  # one query for every person found, however common the name
        for row in session.exec(
            select(Perpetrator).where(
                tuple_(col(Perpetrator.name_key), col(Perpetrator.date_of_birth)).in_(sorted(named)),
                col(Perpetrator.pnc_id).is_(None),
            )
        ).all():
            unlinked[(row.name_key, row.date_of_birth)].append(row)
    for key, members in people.items():
        first = firsts[key]
        members.update({pk(r): r for r in unlinked.get((first.name_key, first.date_of_birth), [])})
    # A row without a PNC id that also sits with a PNC group belongs to that group only.
    claimed = {i for key, members in people.items() if key[0] == "pnc" for i in members}
    grouped = []
    for key, members in people.items():
        kept = members if key[0] == "pnc" else {i: r for i, r in members.items() if i not in claimed}
        if kept:
            grouped.append(sorted(kept.values(), key=lambda r: (r.pnc_id is None, pk(r))))
    return grouped


def _identity(row: Perpetrator, unsettled: set[int]) -> tuple[object, ...]:
    if pk(row) in unsettled:
        return ("row", pk(row))
    if row.pnc_id:
        return ("pnc", row.pnc_id)
    if row.date_of_birth is not None:
        return ("name", row.name_key, row.date_of_birth)
    return ("row", pk(row))


def _matches(session: Session, people: list[list[Perpetrator]]) -> PerpetratorMatches:
    ids = [pk(r) for person in people for r in person]
    counts = dict(
        session.exec(
            select(ProtectionOrder.perpetrator_id, func.count())
            .where(col(ProtectionOrder.perpetrator_id).in_(ids))
            .group_by(col(ProtectionOrder.perpetrator_id))
        ).all()
    )
    latest = dict(
        session.exec(
            select(ProtectionOrder.perpetrator_id, func.max(ProtectionOrder.reference))
            .where(col(ProtectionOrder.perpetrator_id).in_(ids))
            .group_by(col(ProtectionOrder.perpetrator_id))
        ).all()
    )
    found = []
    for person in people:
        first = person[0]
        births = [r.date_of_birth.year for r in person if r.date_of_birth]
        refs = [latest[pk(r)] for r in person if pk(r) in latest]
        found.append(
            PersonMatch(
                initials=initials(first.full_name),
                birth_year=births[0] if births else None,
                pnc_id=first.pnc_id,
                records=sum(counts.get(pk(r), 0) for r in person),
                latest_reference=max(refs) if refs else None,
            )
        )
    found.sort(key=lambda m: (-m.records, m.initials, m.birth_year or 0))
    return PerpetratorMatches(tuple(found[:MATCHES_SHOWN]), len(found))


def _history(
    session: Session,
    ctx: ServiceContext,
    user: AppUser,
    person: list[Perpetrator],
    found_by: FoundBy,
    now: datetime,
    incident: Incident | None,
) -> PerpetratorHistory:
    ids = [pk(r) for r in person]
    started = func.coalesce(ProtectionOrder.served_at, ProtectionOrder.made_at)
    orders = session.exec(
        select(ProtectionOrder)
        .where(col(ProtectionOrder.perpetrator_id).in_(ids))
        .order_by(started.desc(), col(ProtectionOrder.reference).desc())
    ).all()
    order_ids = [pk(o) for o in orders]
    given = reasons_in_force(session, user, now, order_ids)
    decisions = {pk(o): access(session, user, o, now, given=given) for o in orders}
    readable = {i for i, decision in decisions.items() if decision.may_see}
    breaches = _breaches(session, order_ids)
    missed = _missed_checks(session, order_ids, now)
    teams = dict(session.exec(select(Team.id, Team.name).where(col(Team.id).in_({o.team_id for o in orders}))).all())
    officers = dict(
        session.exec(
            select(AppUser.id, AppUser.slack_user_id).where(col(AppUser.id).in_({o.officer_id for o in orders}))
        ).all()
    )
    records = tuple(
        HistoryRecord(
            reference=o.reference,
            order_type=o.order_type.value,
            status=o.status.value,
            started_at=o.served_at or o.made_at,
            team=teams.get(o.team_id, ""),
            officer_slack_id=officers.get(o.officer_id, ""),
            risk_level=o.risk_level.value if o.risk_level else None,
            breaches=breaches.get(pk(o), 0),
            checks_missed=missed.get(pk(o), 0),
        )
        for o in orders
    )
    _audit(session, ctx, user, person, orders, decisions, found_by, now, incident)
    # The name shown is one typed on a record the user may see; other rows may spell it otherwise.
    seen = {o.perpetrator_id for o in orders if pk(o) in readable}
    first = next((r for r in person if pk(r) in seen), person[0])
    births = [r.date_of_birth.year for r in person if r.date_of_birth]
    named = bool(readable)
    return PerpetratorHistory(
        name=first.full_name if named else initials(first.full_name),
        named=named,
        birth_year=births[0] if births else None,
        pnc_id=next((r.pnc_id for r in person if r.pnc_id), None),
        records=records,
        breaches=sum(breaches.values()),
        checks_missed=sum(missed.values()),
        current_risk=_current_risk(orders),
        repeat=_repeat(ctx, orders, sum(breaches.values()), now),
        protected=_protected(session, orders, readable),
        linked_by_name=any(r.pnc_id is None for r in person) and len(person) > 1,
        withheld=tuple(o.reference for o in orders if decisions[pk(o)].reach is Reach.ASK),
    )


def _breaches(session: Session, order_ids: list[int]) -> dict[int, int]:
    rows = session.exec(
        select(Breach.order_id, func.count()).where(col(Breach.order_id).in_(order_ids)).group_by(col(Breach.order_id))
    ).all()
    return dict(rows)


def _missed_checks(session: Session, order_ids: list[int], now: datetime) -> dict[int, int]:
    """Checks done after they were due, or never done and past due while the order was in force."""
    done_late = col(BreachCheck.done_at) > col(BreachCheck.due_at)
    ended = col(ProtectionOrder.closed_at)
    never_done = and_(
        col(BreachCheck.done_at).is_(None),
        col(BreachCheck.due_at) < now,
        or_(ended.is_(None), col(BreachCheck.due_at) < ended),
    )
    rows = session.exec(
        select(BreachCheck.order_id, func.count())
        .join(ProtectionOrder, col(ProtectionOrder.id) == BreachCheck.order_id)
        .where(col(BreachCheck.order_id).in_(order_ids), or_(done_late, never_done))
        .group_by(col(BreachCheck.order_id))
    ).all()
    return {order_id: n for order_id, n in rows}


def _current_risk(orders: Sequence[ProtectionOrder]) -> str | None:
    assessed = [o for o in orders if o.status is OrderStatus.ACTIVE and o.risk_level is not None]
    if not assessed:
        return None
    latest = max(assessed, key=lambda o: (o.risk_assessed_at or o.created_at, o.served_at or o.made_at or o.created_at))
    return latest.risk_level.value if latest.risk_level else None


def _repeat(ctx: ServiceContext, orders: Sequence[ProtectionOrder], breaches: int, now: datetime) -> str | None:
    """A notice and the order made on its application are one episode (rules.repeat)."""
    ids = {o.id for o in orders}
    starts = [o.served_at or o.made_at or o.created_at for o in orders if o.parent_id not in ids]
    settings = ctx.settings
    policy = RepeatPolicy(settings.repeat_orders, settings.repeat_window_months, settings.repeat_on_breach)
    return repeat_reason(starts, breaches, now, policy, settings.timezone)


def _protected(session: Session, orders: Sequence[ProtectionOrder], readable: set[int]) -> tuple[ProtectedEntry, ...]:
    links = session.exec(
        select(OrderProtectedPerson.order_id, ProtectedPerson)
        .join(ProtectedPerson, col(ProtectedPerson.id) == OrderProtectedPerson.person_id)
        .where(col(OrderProtectedPerson.order_id).in_([pk(o) for o in orders]))
    ).all()
    references = {pk(o): o.reference for o in orders}
    position = {pk(o): n for n, o in enumerate(orders)}  # newest record first
    links = sorted(links, key=lambda link: position[link[0]])
    named: dict[str, list[str]] = defaultdict(list)  # name_key -> references, for people one may read about
    hidden: dict[int, list[str]] = defaultdict(list)  # person id -> references
    names: dict[str, str] = {}
    for order_id, person in links:
        if order_id in readable:
            names.setdefault(person.name_key, person.full_name)
            named[person.name_key].append(references[order_id])
        else:
            hidden[pk(person)].append(references[order_id])
    initials_of = {pk(p): initials(p.full_name) for _, p in links}
    entries = [ProtectedEntry(names[key], True, tuple(refs)) for key, refs in named.items()]
    entries += [ProtectedEntry(initials_of[i], False, tuple(refs)) for i, refs in hidden.items()]
    return tuple(sorted(entries, key=lambda e: not e.named))  # stable: newest record first within each


def _audit(
    session: Session,
    ctx: ServiceContext,
    user: AppUser,
    person: list[Perpetrator],
    orders: Sequence[ProtectionOrder],
    decisions: dict[int, Access],
    found_by: FoundBy,
    now: datetime,
    incident: Incident | None,
) -> None:
    """One row for the person, and one per record shown, so each record's own trail shows the look;
    a record whose names were shown on a reason carries that reason. A look by an incident's
    reference is on the incident's trail too."""
    shown = [o.reference for o in orders]
    write_audit(
        session,
        actor=user,
        at=now,
        action="view_history",
        entity_type="perpetrator",
        entity_id=pk(person[0]),
        after={"found_by": found_by.value, "perpetrators": [pk(r) for r in person], "records": shown},
        source=ctx.source,
    )
    if incident is not None:
        write_audit(
            session,
            actor=user,
            at=now,
            action="view_history",
            entity_type="incident",
            entity_id=incident.id,
            after={"perpetrator": pk(person[0]), "records": shown},
            source=ctx.source,
        )
    for order in orders:
        decision = decisions[pk(order)]
        write_audit(
            session,
            actor=user,
            at=now,
            action="view_history",
            entity_type="protection_order",
            entity_id=order.id,
            order_id=order.id,
            after={"perpetrator": pk(person[0]), "names_shown": decision.may_see, **(decision.relied_on or {})},
            justification=decision.justification,
            source=ctx.source,
        )
