"""Random lives of incidents, on SQLite and PostgreSQL: incidents against one victim (so a third
within a year escalates), with children or none, DASH counts with and without judgement, MARAC
referrals, schools told, attendance and crime references, interleaved with time passing. After
every step the incident invariants of tests/properties/invariants.py hold (the kept incident counts
and the kept casework daily counts among them: they equal the rows), and every event writes with its
audit rows or is refused with nothing written. Moving an incident to another team and removing a
referral, which no use case does, are written by statements in tests/services/test_incident_counts.py."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, initialize, invariant, rule
from sqlmodel import Session, col, func, select

from domain.enums import RiskLevel
from models import AuditEvent, Incident, Reminder, ReminderState
from models.db import session_scope
from rules.order_types import OrderType
from rules.ranks import Rank
from services.clock import ManualClock
from services.context import ServiceContext
from services.errors import DomainError
from services.incidents import changes, school_terms
from services.incidents.recording import ChildInput, NewIncident, record_incident
from services.records import recording as records
from services.records.order_writer import PersonInput
from services.records.recording import NewRecord
from tests.properties.conftest import examples_per_database
from tests.properties.invariants import incident_violations, the_casework_counts_are_the_rows
from tests.support.force import Force, london

START = london("2026-04-02 21:00")
AREAS = ["cumbria", "worcestershire"]


class IncidentMachine(RuleBasedStateMachine):
    ctx: ServiceContext
    clock: ManualClock
    force: Force

    def __init__(self) -> None:
        super().__init__()
        self.clock.set(START)
        self.ids: list[int] = []
        self.children: dict[str, int] = {}

    incidents = Bundle("incidents")

    def _audit_rows(self) -> int:
        with Session(self.ctx.engine) as session:
            return session.exec(select(func.max(AuditEvent.id))).one() or 0

    def _attempt(self, event: object) -> object | None:
        before = self._audit_rows()
        try:
            result = event()  # type: ignore[operator]
        except DomainError:
            assert self._audit_rows() == before, "a refused event wrote audit rows"
            return None
        assert self._audit_rows() > before, "an event wrote no audit row"
        return result

    @initialize(target=incidents, children=st.integers(0, 2), days_ago=st.integers(0, 300), area=st.sampled_from(AREAS))
    def first(self, children: int, days_ago: int, area: str) -> str:
        return self.report(children, days_ago, area, None)

    @rule(
        target=incidents,
        children=st.integers(0, 2),
        days_ago=st.integers(0, 300),
        area=st.sampled_from(AREAS),
        dash=st.one_of(st.none(), st.integers(0, 27)),
    )
    def report(self, children: int, days_ago: int, area: str, dash: int | None) -> str:
        kids = tuple(ChildInput(f"Child {n} Sample", "Oak Primary", area) for n in range(children))
        new = NewIncident(
            self.clock.now() - timedelta(days=days_ago, hours=1),
            PersonInput("Sam Sample"),
            PersonInput("Alex Example"),
            kids,
            dash,
        )
        ref = record_incident(self.ctx, self.force.officer, new)
        with Session(self.ctx.engine) as session:
            self.ids.append(session.exec(select(Incident.id).where(Incident.reference == ref)).one() or 0)
        self.children[ref] = children
        return ref

    @rule(ref=incidents, yes=st.integers(0, 27), judged=st.sampled_from([None, RiskLevel.HIGH]))
    def dash(self, ref: str, yes: int, judged: RiskLevel | None) -> None:
        self._attempt(lambda: changes.record_dash(self.ctx, self.force.officer, ref, yes, judged))

    @rule(ref=incidents)
    def referred(self, ref: str) -> None:
        self._attempt(lambda: changes.record_referral(self.ctx, self.force.officer, ref))

    @rule(ref=incidents, number=st.integers(1, 2))
    def school_told(self, ref: str, number: int) -> None:
        self._attempt(lambda: changes.record_school_told(self.ctx, self.force.officer, ref, number))

    @rule(ref=incidents)
    def attended(self, ref: str) -> None:
        self._attempt(lambda: changes.record_attended(self.ctx, self.force.officer, ref))

    @rule(ref=incidents)
    def crime(self, ref: str) -> None:
        self._attempt(lambda: changes.record_crime(self.ctx, self.force.officer, ref, "22/123456/26"))

    @rule(area=st.sampled_from(AREAS), offset=st.integers(-10, 20), days=st.integers(1, 14))
    def school_holiday_added(self, area: str, offset: int, days: int) -> None:
        first = self.clock.now().astimezone(self.ctx.settings.timezone).date() + timedelta(days=offset)
        name = f"Holiday from {first:%d %b}"
        self._attempt(
            lambda: school_terms.add_term(
                self.ctx, self.force.admin, area, first, first + timedelta(days=days - 1), name
            )
        )

    @rule(area=st.sampled_from(AREAS), offset=st.integers(-10, 20))
    def school_holiday_removed(self, area: str, offset: int) -> None:
        first = self.clock.now().astimezone(self.ctx.settings.timezone).date() + timedelta(days=offset)
        self._attempt(lambda: school_terms.remove_term(self.ctx, self.force.admin, area, first))

    @rule(ref=incidents)
    def notice_recorded_from_it(self, ref: str) -> None:
        notice = NewRecord(
            order_type=OrderType.DVPN,
            served_at=self.clock.now() - timedelta(minutes=30),
            authoriser_name="Supt Example",
            authoriser_rank=Rank.SUPERINTENDENT,
            incident_reference=ref,
        )
        self._attempt(lambda: records.record(self.ctx, self.force.officer, notice))

    @rule(hours=st.integers(1, 72))
    def time_passes(self, hours: int) -> None:
        self.clock.advance(timedelta(hours=hours))

    @invariant()
    def every_promise_holds(self) -> None:
        with session_scope(self.ctx.engine) as session:
            found = incident_violations(session, self.ctx, self.ids) + the_casework_counts_are_the_rows(session)
        assert found == [], "\n".join(found)

    def teardown(self) -> None:
        """Later runs share the database: this run's reminders are put beyond the sweep's reach."""
        if self.ids:
            with self.ctx.engine.begin() as connection:
                connection.execute(
                    sa.update(Reminder)
                    .where(col(Reminder.incident_id).in_(self.ids), col(Reminder.state) == ReminderState.PENDING)
                    .values(state=ReminderState.CANCELLED)
                )


def test_every_incident_promise_holds_over_random_lives(ctx: ServiceContext, clock: ManualClock, force: Force) -> None:
    from hypothesis.stateful import run_state_machine_as_test

    machine = type("Machine", (IncidentMachine,), {"ctx": ctx, "clock": clock, "force": force})
    run_state_machine_as_test(machine, settings=examples_per_database())
