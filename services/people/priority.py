"""Perpetrator priority for the monthly tasking meeting: an RFG(V) score for every perpetrator from
the force's own records (rules.rfgv), the serial perpetrator flag, and the top of the list.

The scoring inputs are gathered by one function, `offending_events`, as a list of offending events
(when, what kind, against whom, on which record) per person; each source of offending is one
gatherer in it (orders and notices, breaches, incidents where the person is the suspect). People are
joined as perpetrator history joins them: by PNC id, else by name and date of birth; a row in an
unsettled identity check, or with neither, stands alone. Victims are joined the same way by name and
date of birth. A notice and the order made on its application are one episode: the order counts,
not both. So are an incident and a record made from it (`protection_order.incident_id`): the record
counts, weighing at least the incident's DASH weight (rules.rfgv.event_weight), and the incident does
not, so recording a notice from an incident neither adds an event nor lightens it.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Collection, Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Integer,
    Select,
    String,
    and_,
    case,
    cast,
    exists,
    false,
    func,
    literal,
    null,
    or_,
    union,
    union_all,
)
from sqlalchemy import select as select_rows
from sqlalchemy.orm import Mapped, aliased
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
    Role,
)
from models.types import pk
from rules.order_types import OrderType
from rules.repeat import window_start
from rules.rfgv import (
    Matrix,
    Offending,
    Points,
    Tally,
    banded,
    days_since,
    gravity_weight,
    incident_kind,
    load_matrix,
    score,
)
from services.context import ServiceContext
from services.errors import DomainError
from services.governance.access import require_role, supervised_team_ids
from services.people.results import PriorityEntry, PriorityList
from services.unit_of_work import reading
from services.views import initials

PersonKey = tuple[object, ...]
KeyColumns = tuple[str, str, str]  # a person as the database keys them: see _person_key_columns
MAX_TOP = 50
Events = Select[*tuple[Any, ...]]  # a source's offending rows, as `_tallies` unites them


def matrix_of(ctx: ServiceContext) -> Matrix:
    """The force's matrix (DVPN_RFGV_MATRIX_FILE), or the default in rules/rfgv.toml."""
    return load_matrix(ctx.settings.rfgv_matrix_file)


def offending_events(
    session: Session, since: datetime, perpetrator_ids: Collection[int] | None = None
) -> dict[PersonKey, list[Offending]]:
    """Every offending event recorded since `since`, by person (only on the perpetrator rows given,
    when given): one gatherer per source. `_tallies` sums the same events in the database."""
    found: dict[PersonKey, list[Offending]] = defaultdict(list)
    for gatherer in (_order_events, _breach_events, _incident_events):
        for person, event in gatherer(session, since, perpetrator_ids):
            found[person].append(event)
    return found


def _started() -> ColumnElement[datetime]:
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
    query = select(ProtectionOrder).where(_started() >= since, _not_superseded(since))
    if perpetrator_ids is not None:
        query = query.where(col(ProtectionOrder.perpetrator_id).in_(sorted(perpetrator_ids)))
    orders = session.exec(query).all()
    people = _people(session, [o.perpetrator_id for o in orders])
    victims = _victims(session, [pk(o) for o in orders])
    made_from = {o.incident_id for o in orders if o.incident_id is not None}
    incidents = dict(
        session.exec(select(Incident.id, Incident.risk_level).where(col(Incident.id).in_(sorted(made_from)))).all()
        if made_from
        else []
    )
    for order in orders:
        at = order.served_at or order.made_at
        assert at is not None
        source = None
        if order.incident_id is not None:
            source = incident_kind(_level(incidents[order.incident_id]))
        yield (
            people[order.perpetrator_id],
            Offending(at, order.order_type.value, victims.get(pk(order), ()), order.reference, source),
        )


def _level(risk: str | None) -> str | None:
    return RiskLevel(risk).value if risk is not None else None


def _incident_events(
    session: Session, since: datetime, perpetrator_ids: Collection[int] | None
) -> Iterable[tuple[PersonKey, Offending]]:
    """Each incident where the person is the suspect, at its reported time, against its victim;
    not one a record was made from in the window (`_answered`)."""
    query = select(Incident).where(col(Incident.reported_at) >= since, ~_answered(since))
    if perpetrator_ids is not None:
        query = query.where(col(Incident.suspect_id).in_(sorted(perpetrator_ids)))
    incidents = session.exec(query).all()
    people = _people(session, [i.suspect_id for i in incidents])
    victims = {
        pk(v): _victim_key(v)
        for v in session.exec(
            select(ProtectedPerson).where(col(ProtectedPerson.id).in_(sorted({i.victim_id for i in incidents})))
        ).all()
    }
    for incident in incidents:
        yield (
            people[incident.suspect_id],
            Offending(
                incident.reported_at,
                incident_kind(_level(incident.risk_level)),
                (victims[incident.victim_id],),
                incident.reference,
            ),
        )


def _breach_events(
    session: Session, since: datetime, perpetrator_ids: Collection[int] | None
) -> Iterable[tuple[PersonKey, Offending]]:
    query = (
        select(Breach.occurred_at, ProtectionOrder)
        .join(ProtectionOrder, col(ProtectionOrder.id) == Breach.order_id)
        .where(col(Breach.occurred_at) >= since)
    )
    if perpetrator_ids is not None:
        query = query.where(col(ProtectionOrder.perpetrator_id).in_(sorted(perpetrator_ids)))
    rows = session.exec(query).all()
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
    unsettled = set(session.exec(_unsettled()).all())
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


def _unsettled() -> SelectOfScalar[int]:
    return select(IdentityMismatch.perpetrator_id).where(col(IdentityMismatch.same_person).is_not(True))


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
        found[order_id].append(_victim_key(person))
    return {order_id: tuple(keys) for order_id, keys in found.items()}


def _victim_key(person: ProtectedPerson) -> str:
    """A key standing for the victim, never a name: by name and date of birth, else the row alone
    (the tally's `_victim_column` in SQL)."""
    born = person.date_of_birth.isoformat() if person.date_of_birth else f"#{pk(person)}"
    return hashlib.sha256(f"{person.name_key}|{born}".encode()).hexdigest()[:16]


def top(ctx: ServiceContext, actor_slack_id: str, count: int = 10) -> PriorityList:
    """The highest-scoring perpetrators, for champions and admins force-wide, for supervisors those
    with a record in the teams they supervise. Initials and references only; audited as a report.

    Everyone is ranked from their tally, summed in the database (`_tallies`), and banded by the
    matrix (rules.rfgv.banded, each distinct tally once); only the top, with anyone tied with its
    last, have their events loaded, to be scored with the working shown and ordered by the
    reference of their latest."""
    if not 1 <= count <= MAX_TOP:
        raise DomainError(f"Ask for between 1 and {MAX_TOP}: e.g. `perpetrator top 10`.", "count")
    matrix = matrix_of(ctx)
    tz = ctx.settings.timezone
    serial_victims = ctx.settings.serial_victims
    with reading(ctx, actor_slack_id) as read:
        session, user, now = read.session, read.user, read.now
        require_role(user, Role.CHAMPION, Role.SUPERVISOR, Role.ADMIN, doing="see the perpetrator priority list")
        since = window_start(now, matrix.window_months, tz)
        teams = sorted(supervised_team_ids(session, user)) if user.role is Role.SUPERVISOR else None
        tallies = _tallies(session, since, now, matrix, teams)
        remembered: dict[tuple[int, int, int, int], Points] = {}

        def points_of(tally: Tally) -> Points:
            key = (tally.events, days_since(tally.latest, now, tz), tally.gravity, tally.victims)
            if key not in remembered:
                remembered[key] = banded(*key, matrix, serial_victims)
            return remembered[key]

        ranked = sorted(
            ((points_of(tally), last, person) for person, (tally, last) in tallies.items()),
            key=lambda t: (-t[0].total, -t[0].victims, -t[1].timestamp()),
        )
        head = _with_ties(ranked, count)
        rows = _rows_of(session, [person for _, _, person in head])
        events = offending_events(session, since, {i for ids in rows.values() for i in ids})
        people = _people(session, sorted({i for ids in rows.values() for i in ids}))
        scored = []
        for _, _, person in head:
            (key,) = {people[i] for i in rows[person]}  # the database and `_people` join rows alike
            offending = events[key]
            result = score(offending, now, matrix, serial_victims=serial_victims, tz=tz)
            assert result is not None, "a tallied person has an event in the window"
            latest = max(offending, key=lambda e: e.at)
            scored.append((result, latest))
        scored.sort(key=lambda s: (-s[0].total, -s[0].victim_count, -s[1].at.timestamp(), s[1].reference))
        names = _initials(session, [s[1].reference for s in scored[:count]])
        entries = tuple(
            PriorityEntry(rank, names.get(latest.reference, ""), latest.reference, result)
            for rank, (result, latest) in enumerate(scored[:count], 1)
        )
        read.audit(
            "report", "perpetrator", None, after={"priority_top": count, "shown": [e.reference for e in entries]}
        )
        return PriorityList(entries, len(ranked), matrix.window_months, sum(1 for p, _, _ in ranked if p.serial))


def _with_ties(
    ranked: list[tuple[Points, datetime, KeyColumns]], count: int
) -> list[tuple[Points, datetime, KeyColumns]]:
    """The first `count`, and those after them tied with the last on everything the tally knows:
    which of them comes first turns on the reference of their latest event."""
    if len(ranked) <= count:
        return ranked
    last = ranked[count - 1]
    tied = [r for r in ranked[count:] if (r[0].total, r[0].victims, r[1]) == (last[0].total, last[0].victims, last[1])]
    return ranked[:count] + tied


def _person_key_columns() -> tuple[ColumnElement[str], ColumnElement[str], ColumnElement[str]]:
    """The person a perpetrator row stands for, as `_people` keys it, in three columns: kind ("pnc",
    "name" or "row"), PNC id or name or row id, date of birth as the database writes it or ""."""
    unsettled = col(Perpetrator.id).in_(_unsettled())
    pnc = func.coalesce(Perpetrator.pnc_id, "") != ""
    born = col(Perpetrator.date_of_birth).is_not(None)
    row_id = cast(Perpetrator.id, String)
    kind = case((unsettled, "row"), (pnc, "pnc"), (born, "name"), else_="row")
    first = case((unsettled, row_id), (pnc, Perpetrator.pnc_id), (born, Perpetrator.name_key), else_=row_id)
    second = case((and_(~unsettled, ~pnc, born), cast(Perpetrator.date_of_birth, String)), else_="")
    return kind.label("k_kind"), first.label("k_first"), second.label("k_second")


def _tallies(
    session: Session, since: datetime, now: datetime, matrix: Matrix, teams: list[int] | None
) -> dict[KeyColumns, tuple[Tally, datetime]]:
    """The events `offending_events` gathers, summed by person in the database: each person's tally
    of events in the window up to `now`, and their latest event since `since` at all (the list's
    order turns on it). With `teams`, only people with a record (or an incident) in one of them."""
    key = _person_key_columns()
    nothing: ColumnElement[int | None] = cast(null(), Integer)

    def scoped(team: Mapped[int]) -> ColumnElement[int]:
        return case((team.in_(teams), 1), else_=0) if teams is not None else literal(1)

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
            _started().label("at"),
            case((answered > own, answered), else_=own).label("weight"),
            col(ProtectionOrder.id).label("order_id"),
            nothing.label("victim_id"),
            scoped(col(ProtectionOrder.team_id)).label("scoped"),
        )
        .join(Perpetrator, col(Perpetrator.id) == ProtectionOrder.perpetrator_id)
        .where(_started() >= since, _not_superseded(since))
    )
    breaches: Events = (
        select_rows(
            *key,
            col(Breach.occurred_at).label("at"),
            literal(gravity_weight(matrix, "breach")).label("weight"),
            col(ProtectionOrder.id).label("order_id"),
            nothing.label("victim_id"),
            scoped(col(ProtectionOrder.team_id)).label("scoped"),
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
            scoped(col(Incident.team_id)).label("scoped"),
        )
        .select_from(Incident)
        .join(Perpetrator, col(Perpetrator.id) == Incident.suspect_id)
        .where(col(Incident.reported_at) >= since, ~_answered(since))
    )
    # One statement: the events are read once (a CTE used twice is materialised by PostgreSQL) and
    # its plain rows fetched on the connection, as tens of thousands of people come back.
    events = union_all(orders, breaches, incidents).cte("offending")
    person = (events.c.k_kind, events.c.k_first, events.c.k_second)
    counted = events.c.at <= now
    in_window = func.sum(case((counted, 1), else_=0))
    tallied = (
        select_rows(
            *person,
            in_window.label("events"),
            func.max(case((counted, events.c.at))).label("latest"),
            func.max(events.c.at).label("last"),
            func.sum(case((counted, events.c.weight), else_=0)).label("gravity"),
        )
        .group_by(*person)
        .having(in_window > 0)
    )
    if teams is not None:
        tallied = tallied.having(func.max(events.c.scoped) == 1)
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
    t = tallied.subquery("tallied")
    rows = session.connection().execute(
        select_rows(t, func.coalesce(victims.c.victims, 0)).outerjoin(
            victims,
            and_(
                victims.c.k_kind == t.c.k_kind,
                victims.c.k_first == t.c.k_first,
                victims.c.k_second == t.c.k_second,
            ),
        )
    )
    return {
        (kind, first, second): (Tally(n, latest, int(gravity), found), last)
        for kind, first, second, n, latest, last, gravity, found in rows.all()
    }


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


def _rows_of(session: Session, people: list[KeyColumns]) -> dict[KeyColumns, set[int]]:
    """The perpetrator rows of these people, as `_person_key_columns` keys them."""
    if not people:
        return {}
    key = _person_key_columns()
    matches: list[ColumnElement[bool]] = [false()]
    for kind, first, second in people:
        if kind == "pnc":
            matches.append(col(Perpetrator.pnc_id) == first)
        elif kind == "name":
            matches.append(and_(col(Perpetrator.name_key) == first, cast(Perpetrator.date_of_birth, String) == second))
        else:
            matches.append(col(Perpetrator.id) == int(first))
    wanted = set(people)
    found: dict[KeyColumns, set[int]] = defaultdict(set)
    for row_id, *person in session.connection().execute(select_rows(col(Perpetrator.id), *key).where(or_(*matches))):
        if row_id is not None and tuple(person) in wanted:
            found[(person[0], person[1], person[2])].add(row_id)
    return found


def _initials(session: Session, references: list[str]) -> dict[str, str]:
    """The initials of the person on each record, or of the suspect of each incident."""
    rows = session.exec(
        select(ProtectionOrder.reference, Perpetrator.full_name)
        .join(Perpetrator, col(Perpetrator.id) == ProtectionOrder.perpetrator_id)
        .where(col(ProtectionOrder.reference).in_(references))
    ).all()
    suspects = session.exec(
        select(Incident.reference, Perpetrator.full_name)
        .join(Perpetrator, col(Perpetrator.id) == Incident.suspect_id)
        .where(col(Incident.reference).in_(references))
    ).all()
    return {reference: initials(name) for reference, name in (*rows, *suspects)}
