"""The perpetrator priority list's kept tallies (models.priority): each person's offending in the
window, summed (services.people.offending.tallies) and banded (rules.rfgv.banded) once, so the list
is read from an index instead of summed over a million events at every ask.

A tally is exact for the day it is banded for, as long as none of the person's events, victims or
rows has changed and no event of theirs dated after it was made has come due. Keeping them so:
- a changed person: triggers note the perpetrator rows a write may bear on (migration 0033); their
  people, under the key each row has now and the one its tally was kept under, are tallied again;
- an event that comes due: a tally records its first event after it was made (`next_at`), and a
  person none of whose events counts yet is kept with the first of them (`priority_ahead`);
- a new day: the window's start moves, leaving the earliest events behind, and every latest event is
  a day older. Only the people it changes are tallied again: those with an event the window has left
  (or whose notice or incident a record the window has left no longer answers), and those whose
  latest event crosses a recency band;
- a new matrix, scoring window, serial threshold or time zone, or no tallies yet: every tally is
  made afresh.
`keep` does all of that, under one lock, before the list is read and every minute from the scheduler.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta
from itertools import islice
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session, col

from models import (
    Incident,
    Perpetrator,
    PriorityAhead,
    PriorityDirty,
    PriorityMember,
    PriorityState,
    PriorityTally,
    PriorityTeam,
    ProtectionOrder,
)
from models.db import session_scope
from rules.repeat import window_start
from rules.rfgv import Matrix, Points, banded, days_since, load_matrix
from services.context import ServiceContext
from services.people.offending import KeyColumns, PersonTally, person_key_columns, rows_of, started, tallies

STATE = 1  # the id of the one priority_state row
KEEPING_LOCK = 0x9F1A  # pg_advisory_xact_lock: one keeper at a time, so no tally is written from an older read
CHUNK = 1000  # people tallied again in one statement
T = TypeVar("T")
TALLY: sa.Table = PriorityTally.__table__  # type: ignore[attr-defined]
AHEAD: sa.Table = PriorityAhead.__table__  # type: ignore[attr-defined]
TEAM: sa.Table = PriorityTeam.__table__  # type: ignore[attr-defined]
MEMBER: sa.Table = PriorityMember.__table__  # type: ignore[attr-defined]
NOTED: sa.Table = PriorityDirty.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Scoring:
    """What a tally's points depend on besides the events: the matrix (its window too), the serial
    threshold (DVPN_SERIAL_VICTIMS) and the force's calendar (DVPN_TIMEZONE)."""

    matrix: Matrix
    serial_victims: int
    tz: ZoneInfo

    @property
    def fingerprint(self) -> str:
        settings = {"matrix": asdict(self.matrix), "serial": self.serial_victims, "tz": self.tz.key}
        return hashlib.sha256(json.dumps(settings, sort_keys=True, default=str).encode()).hexdigest()

    def since(self, now: datetime) -> datetime:
        return window_start(now, self.matrix.window_months, self.tz)


def scoring_of(ctx: ServiceContext) -> Scoring:
    return Scoring(load_matrix(ctx.settings.rfgv_matrix_file), ctx.settings.serial_victims, ctx.settings.timezone)


@dataclass(frozen=True)
class Kept:
    rebuilt: bool  # every tally made afresh
    retallied: int  # people tallied again (when not rebuilt)


def keep_current(ctx: ServiceContext) -> Kept:
    """Make the tallies current as of the clock's now, in a transaction of their own."""
    with session_scope(ctx.engine) as session:
        kept = keep(session, ctx.clock.now(), scoring_of(ctx))
        session.commit()
        return kept


def kept_after_erasure(session: Session, now: datetime, scoring: Scoring) -> None:
    """In an erasure's transaction, after its deletes: no tally keeps the erased people (a tally's key
    is a PNC id, or a name and date of birth). Where none has been made yet, the first keeping will
    make them all afresh, so the rows the erasure noted are only taken away."""
    state = _locked_state(session)
    if state is None:
        session.execute(sa.delete(NOTED))
        return
    keep(session, now, scoring)


def _locked_state(session: Session) -> PriorityState | None:
    """The state row, once no other transaction is keeping the tallies (one keeper at a time)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.select(sa.func.pg_advisory_xact_lock(KEEPING_LOCK)))
    return session.get(PriorityState, STATE)


def keep(session: Session, now: datetime, scoring: Scoring) -> Kept:
    """Bring every tally to what the events say at `now` (see the module's docstring)."""
    state = _locked_state(session)
    today = now.astimezone(scoring.tz).date()
    if state is None or state.fingerprint != scoring.fingerprint or state.day > today:
        for table in (TALLY, AHEAD, TEAM, MEMBER, NOTED):
            session.execute(sa.delete(table))
        people, serial = _write(session, tallies(session, scoring.since(now), now, scoring.matrix), now, scoring)
        state = state or PriorityState(id=STATE, day=today, fingerprint="", people=0, serial=0, kept_at=now)
        state.day, state.fingerprint, state.people, state.serial, state.kept_at = (
            today,
            scoring.fingerprint,
            people,
            serial,
            now,
        )
        session.add(state)
        session.flush()
        return Kept(True, 0)
    again = _noted(session) | _come_due(session, now)
    if state.day < today:
        again |= _moved_by_the_day(session, state.day, today, scoring)
    if again:
        people, serial = _retally(session, again, now, scoring)
        state.people, state.serial = state.people + people, state.serial + serial
    if again or state.day != today:
        state.day, state.kept_at = today, now
        session.add(state)
        session.flush()
    return Kept(False, len(again))


def ranked(
    session: Session, count: int, teams: Collection[int] | None
) -> tuple[list[tuple[int, int, datetime, KeyColumns]], int, int]:
    """The first `count` people of the kept list (force-wide, or those with an event in `teams`),
    with anyone after them tied with the last on everything a tally knows, as (total, victims,
    latest event, person); and how many people are on the list, and how many of them are serial."""
    connection = session.connection()
    if teams is None:
        state = session.get(PriorityState, STATE)
        assert state is not None, "the tallies are kept before the list is read"
        return _first(connection, TALLY, sa.true(), count), state.people, state.serial
    # Each team's first (their people are ranked alike in every team's rows): the scope's first are
    # among them, since no one is ahead of a person in one team of theirs who is not ahead overall.
    found: dict[KeyColumns, tuple[int, int, datetime, KeyColumns]] = {}
    for team in sorted(teams):
        for row in _first(connection, TEAM, TEAM.c.team_id == team, count):
            found[row[3]] = row
    everyone = sorted(found.values(), key=lambda r: (-r[0], -r[1], -r[2].timestamp(), r[3]))
    head = everyone[:count]
    if len(head) == count:
        head += [r for r in everyone[count:] if r[:3] == head[-1][:3]]
    people = sa.select(TEAM.c.k_kind, TEAM.c.k_first, TEAM.c.k_second, TEAM.c.serial).where(
        TEAM.c.team_id.in_(sorted(teams))
    )
    distinct = people.distinct().subquery()
    scored, serial = connection.execute(
        sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(sa.case((distinct.c.serial, 1), else_=0)), 0))
    ).one()
    return head, scored, int(serial)


def _first(
    connection: sa.Connection, rows: sa.Table, scope: sa.ColumnElement[bool], count: int
) -> list[tuple[int, int, datetime, KeyColumns]]:
    """The first `count` of `rows` in `scope` by points, victims and latest event (the index's order),
    and any after them tied with the last on all three."""
    columns = (rows.c.total, rows.c.victims, rows.c.last, rows.c.k_kind, rows.c.k_first, rows.c.k_second)
    order = (rows.c.total.desc(), rows.c.victims.desc(), rows.c.last.desc())
    head = list(connection.execute(sa.select(*columns).where(scope).order_by(*order).limit(count)).all())
    if len(head) == count:
        total, victims, last = head[-1][:3]
        tied = sa.select(*columns).where(scope, rows.c.total == total, rows.c.victims == victims, rows.c.last == last)
        head += [row for row in connection.execute(tied).all() if row not in head]
    return [(total, victims, last, (kind, first, second)) for total, victims, last, kind, first, second in head]


def _noted(session: Session) -> set[KeyColumns]:
    """The people of the perpetrator rows the triggers noted, taken off the list of noted rows."""
    noted = session.execute(sa.delete(NOTED).returning(NOTED.c.perpetrator_id))
    return _people_of_rows(session, {row_id for (row_id,) in noted})


def _come_due(session: Session, now: datetime) -> set[KeyColumns]:
    """People with an event dated after their tally was made that is due now; and people with an
    event counted that is not yet due (the clock went back within the day, as a test's may)."""
    due = (
        _keys_of(TALLY)
        .where(TALLY.c.next_at <= now)
        .union(_keys_of(AHEAD).where(AHEAD.c.next_at <= now), _keys_of(TALLY).where(TALLY.c.latest > now))
    )
    return _keys(session.execute(due).all())


def _moved_by_the_day(session: Session, was: date, today: date, scoring: Scoring) -> set[KeyColumns]:
    """The people whose tally the days from `was` to `today` change: an event of theirs the window
    now leaves behind; a notice of theirs superseded, or an incident of theirs answered, by a record
    the window now leaves behind (the notice or incident counts again); a latest event crossing a
    recency band (a gap of days_since the band's limit on `was`, beyond it `today`)."""
    left_from, left_to = scoring.since(_midday(was, scoring.tz)), scoring.since(_midday(today, scoring.tz))
    people = _keys(session.execute(_keys_of(TALLY).where(TALLY.c.first_at < left_to)).all())
    for band in scoring.matrix.recency:
        crossed = (
            _midnight(was - timedelta(days=band.threshold), scoring.tz),
            _midnight(today - timedelta(days=band.threshold), scoring.tz),
        )
        query = _keys_of(TALLY).where(TALLY.c.latest >= crossed[0], TALLY.c.latest < crossed[1])
        people |= _keys(session.execute(query).all())
    records = sa.select(col(ProtectionOrder.parent_id), col(ProtectionOrder.incident_id)).where(
        started() >= left_from,
        started() < left_to,
        sa.or_(col(ProtectionOrder.parent_id).is_not(None), col(ProtectionOrder.incident_id).is_not(None)),
    )
    notices, incidents = set(), set()
    for parent_id, incident_id in session.execute(records).all():
        notices.add(parent_id)
        incidents.add(incident_id)
    rows = set(_chunked_ids(session, col(ProtectionOrder.perpetrator_id), col(ProtectionOrder.id), notices))
    rows |= set(_chunked_ids(session, col(Incident.suspect_id), col(Incident.id), incidents))
    return people | _people_of_rows(session, rows)


def _retally(session: Session, people: set[KeyColumns], now: datetime, scoring: Scoring) -> tuple[int, int]:
    """Tally these people again from their events, a chunk of them at a time; how many more people
    the tallies hold after, and how many more serial ones."""
    since = scoring.since(now)
    everyone = sorted(people)
    more, more_serial = 0, 0
    for start in range(0, len(everyone), CHUNK):
        chunk = everyone[start : start + CHUNK]
        rows = _rows_of_people(session, chunk)
        found = tallies(session, since, now, scoring.matrix, rows) if rows else {}
        were = sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(sa.case((TALLY.c.serial, 1), else_=0)), 0))
        had, had_serial = session.execute(were.where(_of_people(TALLY, chunk))).one()
        for table in (TALLY, AHEAD, TEAM, MEMBER):
            session.execute(sa.delete(table).where(_of_people(table, chunk)))
        if rows:
            session.execute(sa.delete(MEMBER).where(MEMBER.c.perpetrator_id.in_(sorted(rows))))
        has, has_serial = _write(session, found, now, scoring)
        more, more_serial = more + has - had, more_serial + has_serial - int(had_serial)
    return more, more_serial


def _write(session: Session, found: dict[KeyColumns, PersonTally], now: datetime, scoring: Scoring) -> tuple[int, int]:
    """Insert these people's tallies, team rows and member rows, banded for `now`'s day; how many
    tallies, and how many of them serial."""
    written = kept_rows(found, now, scoring)
    for table, values in zip((TALLY, AHEAD, TEAM, MEMBER), written, strict=True):
        for batch in _batches(values, 5000):
            session.execute(sa.insert(table), batch)
    return len(written[0]), sum(1 for row in written[0] if row["serial"])


def kept_rows(
    found: dict[KeyColumns, PersonTally], now: datetime, scoring: Scoring
) -> tuple[list[dict[str, Any]], ...]:
    """The priority_tally, priority_ahead, priority_team and priority_member rows of these people,
    banded for `now`'s day (each distinct tally banded once: few among many people)."""
    remembered: dict[tuple[int, int, int, int], Points] = {}
    tallied: list[dict[str, Any]] = []
    ahead: list[dict[str, Any]] = []
    teams: list[dict[str, Any]] = []
    members: list[dict[str, Any]] = []
    for (kind, first, second), person in found.items():
        named = {"k_kind": kind, "k_first": first, "k_second": second}
        members += [{**named, "perpetrator_id": row} for row in person.rows]
        tally = person.tally
        if tally is None:
            ahead.append({**named, "next_at": person.next_at})
            continue
        key = (tally.events, days_since(tally.latest, now, scoring.tz), tally.gravity, tally.victims)
        if key not in remembered:
            remembered[key] = banded(*key, scoring.matrix, scoring.serial_victims)
        points = remembered[key]
        tallied.append(
            {
                **named,
                "events": tally.events,
                "gravity": tally.gravity,
                "victims": tally.victims,
                "total": points.total,
                "serial": points.serial,
                "latest": tally.latest,
                "last": person.last,
                "first_at": person.first,
                "next_at": person.next_at,
            }
        )
        rank = {"total": points.total, "victims": tally.victims, "serial": points.serial, "last": person.last}
        teams += [{**named, **rank, "team_id": team} for team in person.teams]
    return tallied, ahead, teams, members


def _people_of_rows(session: Session, row_ids: set[int]) -> set[KeyColumns]:
    """The people these perpetrator rows stand for: as they are keyed now (a row not erased), and as
    their tallies were kept (a row whose identity changed, or that was erased, leaves a tally)."""
    people: set[KeyColumns] = set()
    ids = sorted(row_ids)
    for batch in _batches(ids, CHUNK):
        now_keyed = sa.select(*person_key_columns()).where(col(Perpetrator.id).in_(batch))
        people |= _keys(session.execute(now_keyed).all())
        kept = _keys_of(MEMBER).where(MEMBER.c.perpetrator_id.in_(batch))
        people |= _keys(session.execute(kept).all())
    return people


def _rows_of_people(session: Session, people: list[KeyColumns]) -> set[int]:
    """The perpetrator rows keyed as these people now."""
    return {row for rows in rows_of(session, people).values() for row in rows}


def _of_people(table: sa.Table, people: list[KeyColumns]) -> sa.ColumnElement[bool]:
    """`table`'s rows of these people, as conditions each index on the key can answer (a list of
    three-column keys is not one PostgreSQL looks up by index: a thousand of them read every row)."""
    firsts: dict[str, set[str]] = defaultdict(set)
    for kind, first, _ in people:
        firsts[kind].add(first)
    named = [(first, second) for kind, first, second in people if kind == "name"]
    kinds = [
        sa.and_(table.c.k_kind == kind, table.c.k_first.in_(sorted(found)))
        for kind, found in sorted(firsts.items())
        if kind != "name"
    ]
    if named:
        kinds.append(
            sa.and_(
                table.c.k_kind == "name",
                table.c.k_first.in_(sorted(firsts["name"])),
                sa.tuple_(table.c.k_first, table.c.k_second).in_(named),
            )
        )
    return sa.or_(*kinds) if kinds else sa.false()


def _keys_of(table: sa.Table) -> sa.Select[tuple[str, str, str]]:
    return sa.select(table.c.k_kind, table.c.k_first, table.c.k_second)


def _keys(rows: Iterable[Any]) -> set[KeyColumns]:
    return {(str(row[0]), str(row[1]), str(row[2])) for row in rows}


def _chunked_ids(session: Session, what: Any, by: Any, ids: set[int | None]) -> Iterator[int]:
    """`what` of the rows whose `by` is one of `ids`."""
    wanted = sorted(i for i in ids if i is not None)
    for batch in _batches(wanted, CHUNK):
        yield from session.execute(sa.select(what).where(by.in_(batch))).scalars()


def _batches(values: list[T], size: int) -> Iterator[list[T]]:
    iterator = iter(values)
    while batch := list(islice(iterator, size)):
        yield batch


def _midday(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(12), tzinfo=tz)


def _midnight(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=tz)
