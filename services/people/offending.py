"""Offending events for perpetrator priority: every event of offending the force has recorded, by
person, as a list (`offending_events`, scored with the working shown) and summed in the database
(`tallies`, ranked).

Each source of offending is one gatherer: orders and notices, breaches, incidents where the person
is the suspect. People are joined as perpetrator history joins them: by PNC id, else by name and date
of birth; a row in an unsettled identity check, or with neither, stands alone. Victims are joined the
same way by name and date of birth. A notice and the order made on its application are one episode:
the order counts, not both. So are an incident and a record made from it
(`protection_order.incident_id`): the record counts, weighing at least the incident's DASH weight
(rules.rfgv.event_weight), and the incident does not, so recording a notice from an incident neither
adds an event nor lightens it.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Integer,
    Select,
    String,
    and_,
    case,
    cast,
    exists,
    func,
    literal,
    null,
    or_,
    union,
    union_all,
)
from sqlalchemy import select as select_rows
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from domain.enums import RiskLevel
from models import (
    Breach,
    IdentityMismatch,
    Incident,
    OrderProtectedPerson,
    Perpetrator,
    ProtectedPerson,
    ProtectionOrder,
)
from rules.order_types import OrderType
from rules.rfgv import (
    Matrix,
    Offending,
    Tally,
    gravity_weight,
    incident_kind,
)

PersonKey = tuple[object, ...]
KeyColumns = tuple[str, str, str]  # a person as the database keys them: see person_key_columns
Events = Select[*tuple[Any, ...]]  # a source's offending rows, as `tallies` unites them


def offending_events(
    session: Session, since: datetime, perpetrator_ids: Collection[int] | None = None
) -> dict[PersonKey, list[Offending]]:
    """Every offending event recorded since `since`, by person (only on the perpetrator rows given,
    when given): one gatherer per source. `tallies` sums the same events in the database."""
    found: dict[PersonKey, list[Offending]] = defaultdict(list)
    for gatherer in (_order_events, _breach_events, _incident_events):
        for person, event in gatherer(session, since, perpetrator_ids):
            found[person].append(event)
    return found


def started() -> ColumnElement[datetime]:
    return func.coalesce(ProtectionOrder.served_at, ProtectionOrder.made_at)


def _not_superseded(since: datetime) -> ColumnElement[bool]:
    """The order is not the notice an order in the window was made on the application of."""
    child = aliased(ProtectionOrder)
    started = func.coalesce(child.served_at, child.made_at)
    return ~exists().where(col(child.parent_id) == ProtectionOrder.id, started >= since)


def _answered(since: datetime) -> ColumnElement[bool]:
    """A record made from the incident started in the window: the two are one episode, counted as
    the record (as `_not_superseded` counts an order, not the notice it was made on)."""
    started = func.coalesce(ProtectionOrder.served_at, ProtectionOrder.made_at)
    return exists().where(col(ProtectionOrder.incident_id) == Incident.id, started >= since)


def _order_events(
    session: Session, since: datetime, perpetrator_ids: Collection[int] | None
) -> Iterable[tuple[PersonKey, Offending]]:
    # Plain columns, not the records: the top of a national list has hundreds of events to score.
    query = select_rows(
        col(ProtectionOrder.id),
        col(ProtectionOrder.perpetrator_id),
        started(),
        col(ProtectionOrder.order_type),
        col(ProtectionOrder.reference),
        col(ProtectionOrder.incident_id),
    ).where(started() >= since, _not_superseded(since))
    if perpetrator_ids is not None:
        query = query.where(col(ProtectionOrder.perpetrator_id).in_(sorted(perpetrator_ids)))
    orders = session.execute(query).all()
    people = people_keys(session, [o.perpetrator_id for o in orders])
    victims = _victims(session, [o.id for o in orders])
    made_from = {o.incident_id for o in orders if o.incident_id is not None}
    incidents = dict(
        session.exec(select(Incident.id, Incident.risk_level).where(col(Incident.id).in_(sorted(made_from)))).all()
        if made_from
        else []
    )
    for order_id, perpetrator_id, at, order_type, reference, incident_id in orders:
        source = incident_kind(_level(incidents[incident_id])) if incident_id is not None else None
        yield (
            people[perpetrator_id],
            Offending(at, OrderType(order_type).value, victims.get(order_id, ()), reference, source),
        )


def _level(risk: str | None) -> str | None:
    return RiskLevel(risk).value if risk is not None else None


def _incident_events(
    session: Session, since: datetime, perpetrator_ids: Collection[int] | None
) -> Iterable[tuple[PersonKey, Offending]]:
    """Each incident where the person is the suspect, at its reported time, against its victim;
    not one a record was made from in the window (`_answered`)."""
    query = select_rows(
        col(Incident.suspect_id),
        col(Incident.reported_at),
        col(Incident.risk_level),
        col(Incident.victim_id),
        col(Incident.reference),
    ).where(col(Incident.reported_at) >= since, ~_answered(since))
    if perpetrator_ids is not None:
        query = query.where(col(Incident.suspect_id).in_(sorted(perpetrator_ids)))
    incidents = session.execute(query).all()
    people = people_keys(session, [i.suspect_id for i in incidents])
    victims = _victim_keys(session, {i.victim_id for i in incidents})
    for suspect_id, reported_at, risk_level, victim_id, reference in incidents:
        yield (
            people[suspect_id],
            Offending(reported_at, incident_kind(_level(risk_level)), (victims[victim_id],), reference),
        )


def _breach_events(
    session: Session, since: datetime, perpetrator_ids: Collection[int] | None
) -> Iterable[tuple[PersonKey, Offending]]:
    query = (
        select_rows(
            col(Breach.occurred_at),
            col(ProtectionOrder.id),
            col(ProtectionOrder.perpetrator_id),
            col(ProtectionOrder.reference),
        )
        .join(ProtectionOrder, col(ProtectionOrder.id) == Breach.order_id)
        .where(col(Breach.occurred_at) >= since)
    )
    if perpetrator_ids is not None:
        query = query.where(col(ProtectionOrder.perpetrator_id).in_(sorted(perpetrator_ids)))
    rows = session.execute(query).all()
    people = people_keys(session, [r.perpetrator_id for r in rows])
    victims = _victims(session, [r.id for r in rows])
    for occurred_at, order_id, perpetrator_id, reference in rows:
        yield people[perpetrator_id], Offending(occurred_at, "breach", victims.get(order_id, ()), reference)


def people_keys(session: Session, ids: list[int]) -> dict[int, PersonKey]:
    if not ids:
        return {}
    unsettled = set(session.exec(_unsettled()).all())
    keys: dict[int, PersonKey] = {}
    rows = session.execute(
        select_rows(
            col(Perpetrator.id), col(Perpetrator.pnc_id), col(Perpetrator.name_key), col(Perpetrator.date_of_birth)
        ).where(col(Perpetrator.id).in_(sorted(set(ids))))
    )
    for row_id, pnc_id, name_key, date_of_birth in rows:
        if row_id in unsettled:
            keys[row_id] = ("row", row_id)
        elif pnc_id:
            keys[row_id] = ("pnc", pnc_id)
        elif date_of_birth is not None:
            keys[row_id] = ("name", name_key, date_of_birth.isoformat())
        else:
            keys[row_id] = ("row", row_id)
    return keys


def _unsettled() -> SelectOfScalar[int]:
    return select(IdentityMismatch.perpetrator_id).where(col(IdentityMismatch.same_person).is_not(True))


def _victims(session: Session, order_ids: list[int]) -> dict[int, tuple[str, ...]]:
    """Each order's victims as keys standing for a person, never a name."""
    found: dict[int, list[str]] = defaultdict(list)
    if not order_ids:
        return {}
    rows = session.execute(
        select_rows(
            col(OrderProtectedPerson.order_id),
            col(ProtectedPerson.id),
            col(ProtectedPerson.name_key),
            col(ProtectedPerson.date_of_birth),
        )
        .join(ProtectedPerson, col(ProtectedPerson.id) == OrderProtectedPerson.person_id)
        .where(col(OrderProtectedPerson.order_id).in_(sorted(set(order_ids))))
    )
    for order_id, person_id, name_key, date_of_birth in rows:
        found[order_id].append(_victim_key(person_id, name_key, date_of_birth))
    return {order_id: tuple(keys) for order_id, keys in found.items()}


def _victim_keys(session: Session, ids: set[int]) -> dict[int, str]:
    rows = session.execute(
        select_rows(col(ProtectedPerson.id), col(ProtectedPerson.name_key), col(ProtectedPerson.date_of_birth)).where(
            col(ProtectedPerson.id).in_(sorted(ids))
        )
    )
    return {person_id: _victim_key(person_id, name_key, born) for person_id, name_key, born in rows}


def _victim_key(person_id: int, name_key: str, date_of_birth: date | None) -> str:
    """A key standing for the victim, never a name: by name and date of birth, else the row alone
    (the tally's `_victim_column` in SQL)."""
    born = date_of_birth.isoformat() if date_of_birth else f"#{person_id}"
    return hashlib.sha256(f"{name_key}|{born}".encode()).hexdigest()[:16]


def person_key_columns() -> tuple[ColumnElement[str], ColumnElement[str], ColumnElement[str]]:
    """The person a perpetrator row stands for, as `people_keys` keys it, in three columns: kind ("pnc",
    "name" or "row"), PNC id or name or row id, date of birth as the database writes it or ""."""
    unsettled = col(Perpetrator.id).in_(_unsettled())
    pnc = func.coalesce(Perpetrator.pnc_id, "") != ""
    born = col(Perpetrator.date_of_birth).is_not(None)
    row_id = cast(Perpetrator.id, String)
    kind = case((unsettled, "row"), (pnc, "pnc"), (born, "name"), else_="row")
    first = case((unsettled, row_id), (pnc, Perpetrator.pnc_id), (born, Perpetrator.name_key), else_=row_id)
    second = case((and_(~unsettled, ~pnc, born), cast(Perpetrator.date_of_birth, String)), else_="")
    return kind.label("k_kind"), first.label("k_first"), second.label("k_second")


@dataclass(frozen=True)
class PersonTally:
    """One person's offending since the window's start, summed in the database: the tally of what
    counts up to `now`, the latest event at all (the list's order turns on it), the earliest (the
    window leaves it behind first), the first after `now` (it counts once its time comes), the teams
    their events are in (a supervisor's scope) and the perpetrator rows they were recorded on."""

    tally: Tally | None  # None: none of their events counts yet
    last: datetime
    first: datetime
    next_at: datetime | None
    teams: frozenset[int]
    rows: frozenset[int]


def tallies(
    session: Session, since: datetime, now: datetime, matrix: Matrix, perpetrator_ids: Collection[int] | None = None
) -> dict[KeyColumns, PersonTally]:
    """The events `offending_events` gathers, summed by person in the database (only those recorded
    on the perpetrator rows given, when given): everyone with an event since the window's start,
    a tally for those with one up to `now`."""
    key = person_key_columns()
    nothing: ColumnElement[int | None] = cast(null(), Integer)
    own = case(*((col(ProtectionOrder.order_type) == t, gravity_weight(matrix, t.value)) for t in OrderType), else_=0)
    # The weight of the incident a record was made from, looked up by its id: few records have one,
    # so an index probe each, not a hash of every incident (9 s of 57 at national scale, under load).
    answered = func.coalesce(
        select_rows(_incident_weight(matrix))
        .where(col(Incident.id) == ProtectionOrder.incident_id)
        .correlate(ProtectionOrder)
        .scalar_subquery(),
        0,
    )
    orders = (
        select_rows(
            *key,
            started().label("at"),
            case((answered > own, answered), else_=own).label("weight"),
            col(ProtectionOrder.id).label("order_id"),
            nothing.label("victim_id"),
            col(ProtectionOrder.team_id).label("team_id"),
            col(ProtectionOrder.perpetrator_id).label("row_id"),
        )
        .join(Perpetrator, col(Perpetrator.id) == ProtectionOrder.perpetrator_id)
        .where(started() >= since, _not_superseded(since))
    )
    breaches: Events = (
        select_rows(
            *key,
            col(Breach.occurred_at).label("at"),
            literal(gravity_weight(matrix, "breach")).label("weight"),
            col(ProtectionOrder.id).label("order_id"),
            nothing.label("victim_id"),
            col(ProtectionOrder.team_id).label("team_id"),
            col(ProtectionOrder.perpetrator_id).label("row_id"),
        )
        .select_from(Breach)
        .join(ProtectionOrder, col(ProtectionOrder.id) == Breach.order_id)
        .join(Perpetrator, col(Perpetrator.id) == ProtectionOrder.perpetrator_id)
        .where(col(Breach.occurred_at) >= since)
    )
    incidents: Events = (
        select_rows(
            *key,
            col(Incident.reported_at).label("at"),
            _incident_weight(matrix).label("weight"),
            nothing.label("order_id"),
            col(Incident.victim_id).label("victim_id"),
            col(Incident.team_id).label("team_id"),
            col(Incident.suspect_id).label("row_id"),
        )
        .select_from(Incident)
        .join(Perpetrator, col(Perpetrator.id) == Incident.suspect_id)
        .where(col(Incident.reported_at) >= since, ~_answered(since))
    )
    if perpetrator_ids is not None:
        rows = sorted(perpetrator_ids)
        orders = orders.where(col(ProtectionOrder.perpetrator_id).in_(rows))
        breaches = breaches.where(col(ProtectionOrder.perpetrator_id).in_(rows))
        incidents = incidents.where(col(Incident.suspect_id).in_(rows))
    # One statement: the events are read once (a CTE used twice is materialised by PostgreSQL) and
    # its plain rows fetched on the connection, as hundreds of thousands of people come back. They
    # are summed by person, team and perpetrator row, and the parts of a person added up here.
    events = union_all(orders, breaches, incidents).cte("offending")
    person = (events.c.k_kind, events.c.k_first, events.c.k_second)
    counted = events.c.at <= now
    summed = (
        select_rows(
            *person,
            events.c.team_id,
            events.c.row_id,
            func.sum(case((counted, 1), else_=0)).label("events"),
            func.max(case((counted, events.c.at))).label("latest"),
            func.max(events.c.at).label("last"),
            func.min(events.c.at).label("first"),
            func.min(case((~counted, events.c.at))).label("next_at"),
            func.sum(case((counted, events.c.weight), else_=0)).label("gravity"),
        )
        .group_by(*person, events.c.team_id, events.c.row_id)
        .subquery("summed")
    )
    # Each person's victims made distinct first (UNION, hashed), then counted: not one sort of every
    # person's victims for count(DISTINCT ...). An order's victims are its protected people, an
    # incident's its victim.
    of_orders = (
        select_rows(*person, _victim_column().label("victim"))
        .select_from(events)
        .join(OrderProtectedPerson, col(OrderProtectedPerson.order_id) == events.c.order_id)
        .join(ProtectedPerson, col(ProtectedPerson.id) == OrderProtectedPerson.person_id)
        .where(counted)
    )
    of_incidents = (
        select_rows(*person, _victim_column().label("victim"))
        .select_from(events)
        .join(ProtectedPerson, col(ProtectedPerson.id) == events.c.victim_id)
        .where(counted)
    )
    each = union(of_orders, of_incidents).subquery("each_victim")
    victims = (
        select_rows(each.c.k_kind, each.c.k_first, each.c.k_second, func.count().label("victims"))
        .group_by(each.c.k_kind, each.c.k_first, each.c.k_second)
        .subquery("victims")
    )
    parts = session.connection().execute(
        select_rows(summed, func.coalesce(victims.c.victims, 0).label("victim_count")).outerjoin(
            victims,
            and_(
                victims.c.k_kind == summed.c.k_kind,
                victims.c.k_first == summed.c.k_first,
                victims.c.k_second == summed.c.k_second,
            ),
        )
    )
    return _added_up(parts.all())


def _added_up(parts: Sequence[Any]) -> dict[KeyColumns, PersonTally]:
    """The parts of each person's tally (one per team and perpetrator row) added up."""
    by_person: dict[KeyColumns, list[Any]] = defaultdict(list)
    for part in parts:
        by_person[(part[0], part[1], part[2])].append(part)
    found = {}
    for person, mine in by_person.items():
        events = sum(p.events for p in mine)
        ahead = [p.next_at for p in mine if p.next_at is not None]
        tally = None
        if events:
            latest = max(p.latest for p in mine if p.latest is not None)
            tally = Tally(events, latest, sum(int(p.gravity) for p in mine), int(mine[0].victim_count))
        found[person] = PersonTally(
            tally,
            max(p.last for p in mine),
            min(p.first for p in mine),
            min(ahead) if ahead else None,
            frozenset(p.team_id for p in mine),
            frozenset(p.row_id for p in mine),
        )
    return found


def _incident_weight(matrix: Matrix) -> ColumnElement[int]:
    """An incident's gravity weight by its DASH risk level, as rules.rfgv weighs its `incident_kind`."""
    return case(
        *(
            (col(Incident.risk_level) == level, gravity_weight(matrix, incident_kind(level.value)))
            for level in RiskLevel
        ),
        else_=gravity_weight(matrix, incident_kind(None)),
    )


def _victim_column() -> ColumnElement[str]:
    """A victim as `_victim_key` keys them (unhashed): name and date of birth, else the row alone."""
    born = cast(ProtectedPerson.date_of_birth, String)
    return ProtectedPerson.name_key + "|" + func.coalesce(born, "#" + cast(ProtectedPerson.id, String))


def rows_of(session: Session, people: list[KeyColumns]) -> dict[KeyColumns, set[int]]:
    """The perpetrator rows of these people, as `person_key_columns` keys them: found by PNC id, name
    key or id in lists an index answers, then kept if keyed as asked. One statement for all of them:
    callers pass a list's head or a batch (priority_tallies chunks its own)."""
    if not people:
        return {}
    pnc = sorted({first for kind, first, _ in people if kind == "pnc"})
    names = sorted({first for kind, first, _ in people if kind == "name"})
    ids = sorted({int(first) for kind, first, _ in people if kind == "row"})
    candidates = or_(
        col(Perpetrator.pnc_id).in_(pnc), col(Perpetrator.name_key).in_(names), col(Perpetrator.id).in_(ids)
    )
    wanted = set(people)
    found: dict[KeyColumns, set[int]] = defaultdict(set)
    query = select_rows(col(Perpetrator.id), *person_key_columns()).where(candidates)
    for row_id, *person in session.connection().execute(query):
        if row_id is not None and tuple(person) in wanted:
            found[(person[0], person[1], person[2])].add(row_id)
    return found
