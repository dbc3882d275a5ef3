"""Random lives of records of every type, on SQLite and PostgreSQL: events an officer records
(hearings booked, adjourned and decided, breaches and arrests, court appearances, crime
references, checks, notifications, variations, closures) interleaved with the clock moving and
the scheduler's passage-of-time jobs. After every step every invariant of
tests/properties/invariants.py must hold, and every event either writes with its audit rows or
is refused with nothing written.

How many lives: HYPOTHESIS_PROFILE (tests/properties/conftest.py)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, initialize, invariant, multiple, rule
from sqlmodel import Session, col, func, select

from models import AuditEvent, OrderStatus, ProtectionOrder, Reminder, ReminderState
from models.db import session_scope
from rules.order_types import OrderType
from rules.ranks import Rank
from services.clock import ManualClock
from services.context import ServiceContext
from services.errors import DomainError
from services.records import breaches, checks, hearings, lifecycle
from services.records import recording as records
from services.records.hearings import GrantTerms
from services.records.lifecycle import Variation
from services.records.order_writer import PersonInput
from services.records.recording import NewRecord
from tests.properties.conftest import examples_per_database
from tests.properties.invariants import the_priority_tallies_are_the_events, violations
from tests.support.force import Force, london
from tests.support.records import PERPETRATOR, PERPETRATOR_DOB, PROTECTED, PROTECTED_DOB

START = london("2026-04-02 21:00")
NOTICES = {OrderType.DVPN: Rank.SUPERINTENDENT, OrderType.DAPN: Rank.INSPECTOR}
# A length each court order may have (console/demo_records.py uses the same).
ORDERS: dict[OrderType, dict[str, object]] = {
    OrderType.DVPO: {"duration_days": 28},
    OrderType.DAPO: {"until_further_order": True},
    OrderType.NMO: {"duration_months": 12},
    OrderType.OCCUPATION: {"duration_months": 6},
    OrderType.RESTRAINING: {"until_further_order": True},
    OrderType.SPO: {"duration_months": 24},
    OrderType.INTERIM_SPO: {"until_further_order": True},
    OrderType.FMPO: {"duration_months": 12},
    OrderType.FGMPO: {"duration_months": 12},
}
KINDS = [*NOTICES, *ORDERS, OrderType.BAIL]
GRANTS = {OrderType.DVPN: GrantTerms(duration_days=28), OrderType.DAPN: GrantTerms(until_further_order=True)}
OUTCOMES = ["granted", "refused", "withdrawn"]


def _new(kind: OrderType, at: datetime) -> NewRecord:
    people = dict(
        perpetrator=PersonInput(PERPETRATOR, PERPETRATOR_DOB),
        protected=(PersonInput(PROTECTED, PROTECTED_DOB),),
    )
    if kind in NOTICES:
        return NewRecord(
            order_type=kind, served_at=at, authoriser_name="Supt Example", authoriser_rank=NOTICES[kind], **people
        )
    if kind is OrderType.BAIL:
        return NewRecord(order_type=kind, served_at=at, **people)  # type: ignore[arg-type]
    return NewRecord(
        order_type=kind,
        made_at=at - timedelta(hours=1),
        served_at=at,
        court="Birmingham Magistrates",
        **ORDERS[kind],  # type: ignore[arg-type]
        **people,  # type: ignore[arg-type]
    )


class LifecycleMachine(RuleBasedStateMachine):
    """One run: a few records of random types and a random sequence of what happens to them."""

    ctx: ServiceContext
    clock: ManualClock
    force: Force

    def __init__(self) -> None:
        super().__init__()
        self.clock.set(START)
        self.order_ids: list[int] = []
        self.kinds: dict[str, OrderType] = {}
        self.variations = 0

    records = Bundle("records")

    # -- helpers -----------------------------------------------------------------------------------

    @property
    def now(self) -> datetime:
        return self.clock.now()

    def _audit_rows(self) -> int:
        """The last audit row's id: it grows with every row written (audit rows are never deleted)."""
        with Session(self.ctx.engine) as session:
            return session.exec(select(func.max(AuditEvent.id))).one() or 0

    def _attempt(self, event: object) -> object | None:
        """Run one event: it writes and audits, or it is refused and writes nothing."""
        before = self._audit_rows()
        try:
            result = event()  # type: ignore[operator]
        except DomainError:
            assert self._audit_rows() == before, "a refused event wrote audit rows"
            return None
        assert self._audit_rows() > before, "an event wrote no audit row"
        return result

    def _keep(self, reference: str, kind: OrderType) -> str:
        with Session(self.ctx.engine) as session:
            order_id = session.exec(select(ProtectionOrder.id).where(ProtectionOrder.reference == reference)).one()
        assert order_id is not None
        self.order_ids.append(order_id)
        self.kinds[reference] = kind
        return reference

    # -- events ------------------------------------------------------------------------------------

    @initialize(target=records, kind=st.sampled_from(KINDS), hours_ago=st.integers(0, 60))
    def first_record(self, kind: OrderType, hours_ago: int) -> str:
        return self.record(kind, hours_ago)

    @rule(target=records, kind=st.sampled_from(KINDS), hours_ago=st.integers(0, 60))
    def record(self, kind: OrderType, hours_ago: int) -> str:
        view = records.record(self.ctx, self.force.officer, _new(kind, self.now - timedelta(hours=hours_ago)))
        return self._keep(view.reference, kind)

    @rule(target=records, ref=records, hours=st.integers(-48, 96), outcome=st.sampled_from(OUTCOMES))
    def book_hearing(self, ref: str, hours: int, outcome: str) -> object:
        at = self.now + timedelta(hours=hours)
        self._attempt(lambda: hearings.book_hearing(self.ctx, self.force.officer, ref, at, "Birmingham MC"))
        if hours < 0:  # a hearing that has sat: sometimes its outcome is recorded at once
            return self.decide(ref, outcome)
        return multiple()

    @rule(ref=records, hours=st.integers(1, 96))
    def adjourn(self, ref: str, hours: int) -> None:
        to = self.now + timedelta(hours=hours)
        self._attempt(lambda: hearings.adjourn_hearing(self.ctx, self.force.officer, ref, to))

    @rule(target=records, ref=records, outcome=st.sampled_from(OUTCOMES))
    def decide(self, ref: str, outcome: str) -> object:
        from models import HearingOutcome

        decided = HearingOutcome(outcome)
        terms = GRANTS.get(self.kinds[ref])
        view = self._attempt(
            lambda: hearings.record_outcome(self.ctx, self.force.officer, ref, decided, self.now, terms)
        )
        if view is not None and view.reference != ref:  # type: ignore[attr-defined]
            follow_on = view.reference  # type: ignore[attr-defined]
            return multiple(self._keep(follow_on, OrderType(follow_on.split("-")[1])))
        return multiple()

    @rule(ref=records, arrested=st.booleans(), with_crime=st.booleans())
    def breach(self, ref: str, arrested: bool, with_crime: bool) -> None:
        crime = self.ctx.settings.crime_reference_example if with_crime else None
        arrest = self.now - timedelta(minutes=30) if arrested else None
        occurred = self.now - timedelta(hours=1)
        self._attempt(
            lambda: breaches.record_breach(
                self.ctx, self.force.officer, ref, occurred, arrested_at=arrest, crime_reference=crime
            )
        )

    @rule(ref=records)
    def court_appearance(self, ref: str) -> None:
        self._attempt(lambda: breaches.record_court_appearance(self.ctx, self.force.officer, ref, self.now))

    @rule(ref=records)
    def crime_reference(self, ref: str) -> None:
        example = self.ctx.settings.crime_reference_example
        self._attempt(lambda: breaches.add_crime_reference(self.ctx, self.force.officer, ref, example))

    @rule(ref=records)
    def check_done(self, ref: str) -> None:
        self._attempt(lambda: checks.complete_check(self.ctx, self.force.officer, ref, self.now))

    @rule(ref=records)
    def notified(self, ref: str) -> None:
        self._attempt(lambda: checks.record_notification(self.ctx, self.force.officer, ref, self.now))

    @rule(ref=records, metres=st.integers(100, 900))
    def vary(self, ref: str, metres: int) -> None:
        self.variations += 1  # each variation differs from the last, so it is a change to audit
        change = Variation(conditions=f"Not to go within {metres} metres of the address ({self.variations}).")
        self._attempt(lambda: lifecycle.vary(self.ctx, self.force.officer, ref, change))

    @rule(ref=records)
    def close(self, ref: str) -> None:
        self._attempt(lambda: lifecycle.close(self.ctx, self.force.officer, ref, "no longer needed"))

    @rule(hours=st.integers(1, 72))
    def time_passes(self, hours: int) -> None:
        """The clock moves and the scheduler's passed-deadlines job runs, as it does every minute."""
        self.clock.advance(timedelta(hours=hours))
        lifecycle.store_passed_deadlines(self.ctx)

    @rule()
    def rollover(self) -> None:
        lifecycle.apply_time(self.ctx)
        lifecycle.plan_due_checks(self.ctx)

    # -- the promises ------------------------------------------------------------------------------

    @invariant()
    def every_promise_holds(self) -> None:
        with session_scope(self.ctx.engine) as session:
            found = violations(session, self.ctx, self.now, self.order_ids)
        found += the_priority_tallies_are_the_events(self.ctx)
        assert found == [], "\n".join(found)

    def teardown(self) -> None:
        """Later runs start at the same time: this run's records are put beyond the scheduler's
        reach so they neither slow nor disturb them."""
        if not self.order_ids:
            return
        with self.ctx.engine.begin() as connection:
            mine = col(ProtectionOrder.id).in_(self.order_ids)
            connection.execute(
                sa.update(ProtectionOrder).where(mine).values(status=OrderStatus.CLOSED, next_deadline_at=None)
            )
            connection.execute(
                sa.update(Reminder)
                .where(col(Reminder.order_id).in_(self.order_ids), col(Reminder.state) == ReminderState.PENDING)
                .values(state=ReminderState.CANCELLED)
            )


def test_every_promise_holds_over_random_lives(ctx: ServiceContext, clock: ManualClock, force: Force) -> None:
    from hypothesis.stateful import run_state_machine_as_test

    machine = type("Machine", (LifecycleMachine,), {"ctx": ctx, "clock": clock, "force": force})
    run_state_machine_as_test(machine, settings=examples_per_database())


@pytest.mark.parametrize("kind", KINDS, ids=[k.value for k in KINDS])
def test_every_type_can_be_recorded_by_the_machine(
    ctx: ServiceContext, clock: ManualClock, force: Force, kind: OrderType
) -> None:
    """The machine's records are valid for every type, so its runs exercise them all."""
    clock.set(START)
    view = records.record(ctx, force.officer, _new(kind, START - timedelta(hours=2)))
    assert view.order_type == kind.value
