"""The kept priority tallies follow every kind of write and every day, on both databases: one case
per way a person's tally can change (each table the triggers of migration 0033 watch, and each thing
a new day or the clock does), written straight to the tables as any statement might. After each,
keeping makes the tallies exactly those summed from the events; and with the triggers of the table a
case writes to taken away, keeping misses it, so each case proves its trigger is needed."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import Session, col, delete, select

from domain.enums import OrderStatus, RiskLevel
from models import (
    AppUser,
    Breach,
    IdentityMismatch,
    Incident,
    OrderProtectedPerson,
    Perpetrator,
    PriorityAhead,
    PriorityTally,
    PriorityTeam,
    ProtectedPerson,
    ProtectionOrder,
    Team,
)
from models.types import pk
from rules.order_types import OrderType
from services.clock import ManualClock
from services.context import ServiceContext
from services.people import priority_tallies
from tests.properties.invariants import the_priority_tallies_are_the_events
from tests.support.force import Force, london

NOW = london("2026-06-10 12:00")


@dataclass
class Base:
    """Four people and their offending: A by PNC id (two rows, one in an unsettled identity check),
    B by name and date of birth, C standing alone (no PNC id, no date of birth)."""

    a: int
    a_checked: int
    b: int
    c: int
    victim: int
    other_victim: int
    notice: int  # A's DVPN against the victim, 20 days ago
    incident: int  # B's standard-risk incident against the other victim, 3 days ago
    answered: int  # C's incident, a medium one, that a notice of A's is made from in `made_from`
    check: int
    officer: int
    team: int
    other_team: int


def _base(ctx: ServiceContext) -> Base:
    now = ctx.clock.now()
    with Session(ctx.engine) as session:
        officer = pk(session.exec(select(AppUser).where(AppUser.slack_user_id == "UOFFA1")).one())
        team, other_team = (pk(t) for t in session.exec(select(Team).order_by(col(Team.name))).all()[:2])

        def person(model: type, name: str, **more: object) -> int:
            row = model(full_name=name, name_key=name.lower(), created_at=now, updated_at=now, **more)
            session.add(row)
            session.flush()
            return pk(row)

        a = person(Perpetrator, "Adam Ash", pnc_id="26/1A", date_of_birth=date(1980, 1, 1))
        a_checked = person(Perpetrator, "Adam Asch", pnc_id="26/1A", date_of_birth=date(1980, 1, 2))
        b = person(Perpetrator, "Ben Birch", date_of_birth=date(1985, 5, 5))
        c = person(Perpetrator, "Carl Cole")
        victim = person(ProtectedPerson, "Vera Vale", date_of_birth=date(1990, 1, 1))
        other_victim = person(ProtectedPerson, "Wendy West", date_of_birth=date(1991, 1, 1))
        notice = _order(session, a, now - timedelta(days=20), team, officer, "WM-DVPN-2026-0001", [victim])
        _order(session, a_checked, now - timedelta(days=10), team, officer, "WM-DVPN-2026-0002", [other_victim])
        incident = _incident(session, b, other_victim, now - timedelta(days=3), team, officer, "WM-INC-2026-0001")
        answered = _incident(session, c, victim, now - timedelta(days=2), team, officer, "WM-INC-2026-0002")
        session.get(Incident, answered).risk_level = RiskLevel.MEDIUM  # type: ignore[union-attr]
        check = IdentityMismatch(perpetrator_id=a_checked, order_id=notice, recorded_by_id=officer, created_at=now)
        session.add(check)
        session.commit()
        return Base(
            a, a_checked, b, c, victim, other_victim, notice, incident, answered, pk(check), officer, team, other_team
        )


def _order(
    session: Session,
    perpetrator: int,
    at: datetime,
    team: int,
    officer: int,
    reference: str,
    victims: list[int],
    *,
    kind: OrderType = OrderType.DVPN,
    parent: int | None = None,
    incident: int | None = None,
) -> int:
    order = ProtectionOrder(
        reference=reference,
        order_type=kind,
        status=OrderStatus.ACTIVE,
        perpetrator_id=perpetrator,
        parent_id=parent,
        incident_id=incident,
        officer_id=officer,
        team_id=team,
        served_at=at,
        created_by_id=officer,
        created_at=at,
        updated_at=at,
    )
    session.add(order)
    session.flush()
    for victim in victims:
        session.add(OrderProtectedPerson(order_id=pk(order), person_id=victim))
    return pk(order)


def _incident(
    session: Session, suspect: int, victim: int, at: datetime, team: int, officer: int, reference: str
) -> int:
    incident = Incident(
        reference=reference,
        reported_at=at,
        victim_id=victim,
        suspect_id=suspect,
        officer_id=officer,
        team_id=team,
        risk_level=RiskLevel.STANDARD,
        created_by_id=officer,
        created_at=at,
        updated_at=at,
    )
    session.add(incident)
    session.flush()
    return pk(incident)


Change = Callable[[Session, Base, ManualClock], None]


def _set(model: type, row_id: Callable[[Base], int], **values: object) -> Change:
    def change(session: Session, base: Base, _clock: ManualClock) -> None:
        row = session.get(model, row_id(base))
        for name, value in values.items():
            setattr(row, name, value)
        session.add(row)

    return change


def _victim_renamed(session: Session, base: Base, _clock: ManualClock) -> None:
    """A's second row's victim corrected to be A's first victim: A has one victim, not two."""
    _settled(session, base, _clock)
    other = session.get(ProtectedPerson, base.other_victim)
    assert other is not None
    other.name_key, other.date_of_birth = "vera vale", date(1990, 1, 1)
    session.add(other)


def _settled(session: Session, base: Base, _clock: ManualClock) -> None:
    check = session.get(IdentityMismatch, base.check)
    assert check is not None
    check.same_person = True
    session.add(check)


def _breach(session: Session, base: Base, clock: ManualClock) -> None:
    session.add(
        Breach(
            order_id=base.notice,
            occurred_at=clock.now() - timedelta(hours=1),
            recorded_by_id=base.officer,
            recorded_at=clock.now(),
        )
    )


def _victim_added(session: Session, base: Base, _clock: ManualClock) -> None:
    session.add(OrderProtectedPerson(order_id=base.notice, person_id=base.other_victim))


def _order_made_on_the_notice(session: Session, base: Base, clock: ManualClock) -> None:
    """An order made on A's notice, naming C: A's notice no longer counts (the order does, for C)."""
    _order(
        session,
        base.c,
        clock.now() - timedelta(hours=1),
        base.team,
        base.officer,
        "WM-DVPO-2026-0009",
        [],
        kind=OrderType.DVPO,
        parent=base.notice,
    )


def _made_from_the_incident(session: Session, base: Base, clock: ManualClock) -> None:
    """A notice of A's made from C's incident: C's incident no longer counts, A's notice weighs its DASH."""
    _order(
        session,
        base.a,
        clock.now() - timedelta(hours=1),
        base.team,
        base.officer,
        "WM-DVPN-2026-0010",
        [],
        incident=base.answered,
    )


def _raised_after_made_from(session: Session, base: Base, clock: ManualClock) -> None:
    """C's incident raised to high after A's notice was made from it: A's notice weighs more."""
    incident = session.get(Incident, base.answered)
    assert incident is not None
    incident.risk_level = RiskLevel.HIGH
    session.add(incident)


def _erased(session: Session, base: Base, _clock: ManualClock) -> None:
    """B erased, as retention erases a family: their incident, then them."""
    session.execute(delete(Incident).where(col(Incident.suspect_id) == base.b))
    session.execute(delete(Perpetrator).where(col(Perpetrator.id) == base.b))


def _days(days: int) -> Change:
    def change(_session: Session, _base: Base, clock: ManualClock) -> None:
        clock.advance(timedelta(days=days))

    return change


def _hours(hours: int) -> Change:
    def change(_session: Session, _base: Base, clock: ManualClock) -> None:
        clock.advance(timedelta(hours=hours))

    return change


def _ahead(session: Session, base: Base, clock: ManualClock) -> None:
    """A breach dated two hours ahead (as a clock a little fast would date it), then the time comes."""
    session.add(
        Breach(
            order_id=base.notice,
            occurred_at=clock.now() + timedelta(hours=2),
            recorded_by_id=base.officer,
            recorded_at=clock.now(),
        )
    )


@dataclass(frozen=True)
class Case:
    name: str
    change: Change
    table: str | None  # the watched table whose triggers the case needs; None: no one table's
    before: Change | None = None  # a change kept before the case's own (its setting)


CASES = (
    Case("a victim's identity corrected", _victim_renamed, "protected_person", before=_settled),
    Case("a perpetrator given another's PNC id", _set(Perpetrator, lambda b: b.c, pnc_id="26/1A"), "perpetrator"),
    Case(
        "a perpetrator's date of birth corrected", _set(Perpetrator, lambda b: b.b, date_of_birth=None), "perpetrator"
    ),
    Case("an identity check settled as the same person", _settled, "identity_mismatch"),
    Case("an incident's DASH raised", _set(Incident, lambda b: b.incident, risk_level=RiskLevel.HIGH), "incident"),
    Case("an incident moved to another suspect", _set(Incident, lambda b: b.incident, suspect_id=None), "incident"),
    Case(
        "an incident made from raised after a notice",
        _raised_after_made_from,
        "incident",
        before=_made_from_the_incident,
    ),
    Case("a breach recorded", _breach, "breach"),
    Case("a victim added to a record", _victim_added, "order_protected_person"),
    Case(
        "a record's service time corrected",
        _set(ProtectionOrder, lambda b: b.notice, served_at=NOW - timedelta(days=400)),
        "protection_order",
    ),
    Case("a record moved to another team", _set(ProtectionOrder, lambda b: b.notice, team_id=None), "protection_order"),
    Case("an order made on a notice of another person", _order_made_on_the_notice, "protection_order"),
    Case("a notice made from another's incident", _made_from_the_incident, "protection_order"),
    Case("a perpetrator erased", _erased, None),  # noted twice over: by the incident's triggers and the person's
    Case("a day passes: a recency band crossed", _days(11), None),
    Case("a year passes: the window leaves events behind", _days(347), None),
    Case("an event dated ahead comes due", _days(1), None, before=_ahead),
    Case("the clock goes back within the day", _hours(-2), None, before=_breach),
)


def _kept(ctx: ServiceContext) -> set[tuple[object, ...]]:
    """Every kept tally, person yet to count and team row."""
    with Session(ctx.engine) as session:
        connection = session.connection()
        return {
            (table.name, *row)
            for table in (PriorityTally.__table__, PriorityAhead.__table__, PriorityTeam.__table__)  # type: ignore[attr-defined]
            for row in connection.execute(sa.select(table))
        }


def _write(ctx: ServiceContext, base: Base, clock: ManualClock, change: Change) -> None:
    with Session(ctx.engine) as session:
        change(session, base, clock)
        session.commit()


@contextmanager
def _without_triggers(ctx: ServiceContext, table: str) -> Iterator[None]:
    """`table`'s priority triggers off for the block. The PostgreSQL database outlives the test (one
    for each test process, emptied between tests): left off, every later test there would write
    without noting, and the stateful machines' tallies drift. SQLite's is the test's own copy."""
    postgres = ctx.engine.dialect.name == "postgresql"
    with ctx.engine.begin() as connection:
        if postgres:
            connection.exec_driver_sql(f"ALTER TABLE {table} DISABLE TRIGGER priority_rows")
            connection.exec_driver_sql(f"ALTER TABLE {table} DISABLE TRIGGER priority_changes")
        else:
            names = connection.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ? AND name LIKE 'priority_%'",
                (table,),
            ).scalars()
            for name in list(names):
                connection.exec_driver_sql(f"DROP TRIGGER {name}")
    try:
        yield
    finally:
        if postgres:
            with ctx.engine.begin() as connection:
                connection.exec_driver_sql(f"ALTER TABLE {table} ENABLE TRIGGER priority_rows")
                connection.exec_driver_sql(f"ALTER TABLE {table} ENABLE TRIGGER priority_changes")


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_every_write_and_day_reaches_the_kept_tallies(
    ctx: ServiceContext, clock: ManualClock, force: Force, case: Case
) -> None:
    clock.set(NOW)
    base = _base(ctx)
    if case.before:
        _write(ctx, base, clock, case.before)
    priority_tallies.keep_current(ctx)
    before = _kept(ctx)
    _write(ctx, base, clock, _placed(case.change, base))
    assert the_priority_tallies_are_the_events(ctx) == []
    assert _kept(ctx) != before, "the case changes a tally"


@pytest.mark.parametrize("case", [c for c in CASES if c.table], ids=[c.name for c in CASES if c.table])
def test_without_its_triggers_a_write_is_missed(
    ctx: ServiceContext, clock: ManualClock, force: Force, case: Case
) -> None:
    clock.set(NOW)
    base = _base(ctx)
    if case.before:
        _write(ctx, base, clock, case.before)
    priority_tallies.keep_current(ctx)
    assert case.table
    with _without_triggers(ctx, case.table):
        _write(ctx, base, clock, _placed(case.change, base))
    assert the_priority_tallies_are_the_events(ctx) != []


def _placed(change: Change, base: Base) -> Change:
    """A change with its placeholders (None: C for a person, the other team for a team) filled."""

    def placed(session: Session, b: Base, clock: ManualClock) -> None:
        change(session, b, clock)
        for row in list(session.dirty):
            if isinstance(row, Incident) and row.suspect_id is None:
                row.suspect_id = b.c
            if isinstance(row, ProtectionOrder) and row.team_id is None:
                row.team_id = b.other_team

    return placed


def test_the_day_is_kept_with_the_tallies(ctx: ServiceContext, clock: ManualClock, force: Force) -> None:
    """A new matrix setting makes every tally afresh; a day gone back too; otherwise only the changed."""
    clock.set(NOW)
    _base(ctx)
    assert priority_tallies.keep_current(ctx).rebuilt
    assert priority_tallies.keep_current(ctx) == priority_tallies.Kept(False, 0)
    clock.advance(timedelta(days=1))
    assert not priority_tallies.keep_current(ctx).rebuilt
    clock.advance(timedelta(days=-2))
    assert priority_tallies.keep_current(ctx).rebuilt
    assert the_priority_tallies_are_the_events(ctx) == []
