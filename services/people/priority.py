"""Perpetrator priority for the monthly tasking meeting: an RFG(V) score for every perpetrator from
the force's own records (rules.rfgv), the serial perpetrator flag, and the top of the list.

The scoring inputs are gathered by one function, `offending_events`, as a list of offending events
(when, what kind, against whom, on which record) per person; each source of offending is one
gatherer in it (orders and notices, breaches), so incidents join as one more. People are joined as
perpetrator history joins them: by PNC id, else by name and date of birth; a row in an unsettled
identity check, or with neither, stands alone. Victims are joined the same way by name and date of
birth. A notice and the order made on its application are one episode: the order counts, not both.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from models import (
    AppUser,
    Breach,
    IdentityMismatch,
    OrderProtectedPerson,
    Perpetrator,
    ProtectedPerson,
    ProtectionOrder,
    Role,
)
from models.types import pk
from rules.repeat import window_start
from rules.rfgv import Matrix, Offending, load_matrix, score
from services.context import ServiceContext
from services.errors import DomainError
from services.governance.access import require_role, supervised_team_ids
from services.people.results import PriorityEntry, PriorityList
from services.unit_of_work import reading
from services.views import initials

PersonKey = tuple[object, ...]
MAX_TOP = 50


def matrix_of(ctx: ServiceContext) -> Matrix:
    """The force's matrix (DVPN_RFGV_MATRIX_FILE), or the default in rules/rfgv.toml."""
    return load_matrix(ctx.settings.rfgv_matrix_file)


def offending_events(session: Session, since: datetime) -> dict[PersonKey, list[Offending]]:
    """Every offending event recorded since `since`, by person: one gatherer per source."""
    found: dict[PersonKey, list[Offending]] = defaultdict(list)
    for gatherer in (_order_events, _breach_events):
        for person, event in gatherer(session, since):
            found[person].append(event)
    return found


def _order_events(session: Session, since: datetime) -> Iterable[tuple[PersonKey, Offending]]:
    started = func.coalesce(ProtectionOrder.served_at, ProtectionOrder.made_at)
    orders = session.exec(select(ProtectionOrder).where(started >= since)).all()
    superseded = {o.parent_id for o in orders if o.parent_id is not None}
    people = _people(session, [o.perpetrator_id for o in orders])
    victims = _victims(session, [pk(o) for o in orders])
    for order in orders:
        if pk(order) in superseded:
            continue
        at = order.served_at or order.made_at
        assert at is not None
        yield (
            people[order.perpetrator_id],
            Offending(at, order.order_type.value, victims.get(pk(order), ()), order.reference),
        )


def _breach_events(session: Session, since: datetime) -> Iterable[tuple[PersonKey, Offending]]:
    rows = session.exec(
        select(Breach.occurred_at, ProtectionOrder)
        .join(ProtectionOrder, col(ProtectionOrder.id) == Breach.order_id)
        .where(col(Breach.occurred_at) >= since)
    ).all()
    people = _people(session, [o.perpetrator_id for _, o in rows])
    victims = _victims(session, [pk(o) for _, o in rows])
    for occurred_at, order in rows:
        yield (
            people[order.perpetrator_id],
            Offending(occurred_at, "breach", victims.get(pk(order), ()), order.reference),
        )


def _people(session: Session, ids: list[int]) -> dict[int, PersonKey]:
    if not ids:
        return {}
    unsettled = set(
        session.exec(
            select(IdentityMismatch.perpetrator_id).where(col(IdentityMismatch.same_person).is_not(True))
        ).all()
    )
    keys: dict[int, PersonKey] = {}
    for row in session.exec(select(Perpetrator).where(col(Perpetrator.id).in_(sorted(set(ids))))).all():
        if pk(row) in unsettled:
            keys[pk(row)] = ("row", pk(row))
        elif row.pnc_id:
            keys[pk(row)] = ("pnc", row.pnc_id)
        elif row.date_of_birth is not None:
            keys[pk(row)] = ("name", row.name_key, row.date_of_birth.isoformat())
        else:
            keys[pk(row)] = ("row", pk(row))
    return keys


def _victims(session: Session, order_ids: list[int]) -> dict[int, tuple[str, ...]]:
    """Each order's victims as keys standing for a person, never a name."""
    found: dict[int, list[str]] = defaultdict(list)
    if not order_ids:
        return {}
    rows = session.exec(
        select(OrderProtectedPerson.order_id, ProtectedPerson)
        .join(ProtectedPerson, col(ProtectedPerson.id) == OrderProtectedPerson.person_id)
        .where(col(OrderProtectedPerson.order_id).in_(sorted(set(order_ids))))
    ).all()
    for order_id, person in rows:
        born = person.date_of_birth.isoformat() if person.date_of_birth else f"#{pk(person)}"
        found[order_id].append(hashlib.sha256(f"{person.name_key}|{born}".encode()).hexdigest()[:16])
    return {order_id: tuple(keys) for order_id, keys in found.items()}


def top(ctx: ServiceContext, actor_slack_id: str, count: int = 10) -> PriorityList:
    """The highest-scoring perpetrators, for champions and admins force-wide, for supervisors those
    with a record in the teams they supervise. Initials and references only; audited as a report."""
    if not 1 <= count <= MAX_TOP:
        raise DomainError(f"Ask for between 1 and {MAX_TOP}: e.g. `perpetrator top 10`.", "count")
    matrix = matrix_of(ctx)
    tz = ctx.settings.timezone
    with reading(ctx, actor_slack_id) as read:
        session, user, now = read.session, read.user, read.now
        require_role(user, Role.CHAMPION, Role.SUPERVISOR, Role.ADMIN, doing="see the perpetrator priority list")
        since = window_start(now, matrix.window_months, tz)
        events = offending_events(session, since)
        in_scope = _in_scope(session, user) if user.role is Role.SUPERVISOR else None
        scored = []
        for person, offending in events.items():
            if in_scope is not None and not ({e.reference for e in offending} & in_scope):
                continue
            result = score(offending, now, matrix, serial_victims=ctx.settings.serial_victims, tz=tz)
            if result is not None:
                latest = max(offending, key=lambda e: e.at)
                scored.append((result, latest, person))
        scored.sort(key=lambda s: (-s[0].total, -s[0].victim_count, -s[1].at.timestamp(), s[1].reference))
        names = _initials(session, [s[1].reference for s in scored[:count]])
        entries = tuple(
            PriorityEntry(rank, names.get(latest.reference, ""), latest.reference, result)
            for rank, (result, latest, _) in enumerate(scored[:count], 1)
        )
        read.audit(
            "report", "perpetrator", None, after={"priority_top": count, "shown": [e.reference for e in entries]}
        )
        return PriorityList(entries, len(scored), matrix.window_months, sum(1 for s in scored if s[0].serial))


def _in_scope(session: Session, user: AppUser) -> set[str]:
    """References of records in the teams a supervisor supervises."""
    teams = sorted(supervised_team_ids(session, user))
    return set(session.exec(select(ProtectionOrder.reference).where(col(ProtectionOrder.team_id).in_(teams))).all())


def _initials(session: Session, references: list[str]) -> dict[str, str]:
    rows = session.exec(
        select(ProtectionOrder.reference, Perpetrator.full_name)
        .join(Perpetrator, col(Perpetrator.id) == ProtectionOrder.perpetrator_id)
        .where(col(ProtectionOrder.reference).in_(references))
    ).all()
    return {reference: initials(name) for reference, name in rows}
