"""Random lives of incidents, on SQLite and PostgreSQL: incidents against one victim or a namesake
(so a third within a year escalates; dates of birth known, unknown or disagreeing), with children or
none, DASH counts with and without judgement, MARAC referrals and actions, schools told, attendance
and crime references, the victim corrected on a notice recorded from the incident, incidents erased
once past retention, an officer in charge of some incidents and owner of some actions leaving (to a
colleague, or to another team with the incidents), interleaved with time passing. After every step
the incident invariants of tests/properties/invariants.py hold (the kept incident counts, casework
daily counts and escalation counts among them: they equal the rows), no open work is left with the
officer who left, and every event writes with its audit rows or is refused with nothing written.
Removing a referral, which no use case does, is written by statements in
tests/services/test_incident_counts.py."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import count

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
from services.governance import retention, staff, teams
from services.incidents import changes, school_terms
from services.incidents.recording import ChildInput, NewIncident, record_incident
from services.records import corrections
from services.records import recording as records
from services.records.order_writer import PersonInput
from services.records.recording import NewRecord
from services.views import RecordView
from tests.properties.conftest import examples_per_database
from tests.properties.invariants import (
    incident_violations,
    open_work_of_those_who_left,
    the_casework_counts_are_the_rows,
    the_priority_tallies_are_the_events,
)
from tests.support.force import Force, london

START = london("2026-04-02 21:00")
AREAS = ["cumbria", "worcestershire"]
# Victims: two first names (so a correction can move an incident from one name key to the other) and
# dates of birth equal, unknown or disagreeing. Each life has its own surname: lives share the
# database, and one life's victims are never another's namesakes.
FIRST_NAMES = ["Sam", "Samantha"]
BORN = [None, date(1990, 5, 1), date(1971, 1, 1)]
LIVES = count()


def surname() -> str:
    """Letters only, as name keys keep only letters: Sample, Sampleb, ..., Sampleba, ..."""
    n, letters = next(LIVES), ""
    while n:
        n, digit = divmod(n, 26)
        letters = chr(ord("a") + digit) + letters
    return "Sample" + letters


class IncidentMachine(RuleBasedStateMachine):
    ctx: ServiceContext
    clock: ManualClock
    force: Force

    def __init__(self) -> None:
        super().__init__()
        self.clock.set(START)
        self.ids: list[int] = []
        self.children: dict[str, int] = {}
        self.notices: dict[str, str] = {}  # incident reference -> the notice recorded from it
        self.surname = surname()
        # A team A officer of this life alone, who may be in charge of incidents and own MARAC
        # actions, and may leave: the force's own officers stay for later lives.
        self.leaver = f"UINCLEAVER{self.surname}"
        staff.place_in_team(self.ctx, self.force.admin, self.leaver, "Team A")
        self.left = False

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
        return self.report(children, days_ago, area, None, FIRST_NAMES[0], None)

    @initialize(
        target=incidents,
        days_ago=st.integers(0, 300),
        first_name=st.sampled_from(FIRST_NAMES),
        born=st.sampled_from(BORN),
    )
    def namesake(self, days_ago: int, first_name: str, born: date | None) -> str:
        """A second incident against the victim or a namesake, so every life has counts to change."""
        return self.report(0, days_ago, AREAS[0], None, first_name, born)

    @rule(
        target=incidents,
        children=st.integers(0, 2),
        days_ago=st.integers(0, 300),
        area=st.sampled_from(AREAS),
        dash=st.one_of(st.none(), st.integers(0, 27)),
        first_name=st.sampled_from(FIRST_NAMES),
        born=st.sampled_from(BORN),
        leaver_in_charge=st.booleans(),
    )
    def report(
        self,
        children: int,
        days_ago: int,
        area: str,
        dash: int | None,
        first_name: str,
        born: date | None,
        leaver_in_charge: bool = False,
    ) -> str:
        kids = tuple(ChildInput(f"Child {n} Sample", "Oak Primary", area) for n in range(children))
        new = NewIncident(
            self.clock.now() - timedelta(days=days_ago, hours=1),
            PersonInput(f"{first_name} {self.surname}", born),
            PersonInput("Alex Example"),
            kids,
            dash,
            officer_slack_id=self.leaver if leaver_in_charge and not self.left else None,
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

    @rule(ref=incidents, leaver_owns=st.booleans(), days=st.integers(1, 20))
    def marac_action(self, ref: str, leaver_owns: bool, days: int) -> None:
        owner = self.leaver if leaver_owns else self.force.officer
        due = self.clock.now() + timedelta(days=days)
        self._attempt(lambda: changes.add_action(self.ctx, self.force.officer, ref, "safety visit", owner, due))

    @rule(ref=incidents, number=st.integers(1, 2))
    def marac_action_done(self, ref: str, number: int) -> None:
        self._attempt(lambda: changes.action_done(self.ctx, self.force.officer, ref, number))

    @rule(successor=st.sampled_from(["colleague", "other_officer"]))
    def the_leaver_leaves(self, successor: str) -> None:
        """Their open incidents pass to a colleague, or to an officer of Team B with the incidents'
        counts; their MARAC actions to the successor, the incidents staying where they are."""
        self._attempt(lambda: teams.deactivate(self.ctx, self.force.admin, self.leaver, getattr(self.force, successor)))
        self.left = True

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
        view = self._attempt(lambda: records.record(self.ctx, self.force.officer, notice))
        if isinstance(view, RecordView):
            self.notices[ref] = view.reference

    @rule(ref=incidents, first_name=st.sampled_from(FIRST_NAMES), born=st.sampled_from(BORN))
    def victim_corrected(self, ref: str, first_name: str, born: date | None) -> None:
        """The incident's victim is the protected person of a notice recorded from it (recorded here
        first if there is none yet): correcting the notice corrects the incident's victim."""
        if ref not in self.notices:
            self.notice_recorded_from_it(ref)
        if ref not in self.notices:
            return
        victim = (PersonInput(f"{first_name} {self.surname}", born),)
        why = "Victim details misheard at the scene"
        self._attempt(
            lambda: corrections.correct(self.ctx, self.force.officer, self.notices[ref], {"protected": victim}, why)
        )

    @rule(ref=incidents)
    def erased(self, ref: str) -> None:
        """Years pass, beyond retention, and the incident is erased with its family."""
        self.clock.advance(timedelta(days=366 * (self.ctx.settings.retention_years + 1)))
        reason = "MoPI review: no policing purpose remains"
        self._attempt(lambda: retention.erase(self.ctx, self.force.admin, ref, reason))

    @rule(hours=st.integers(1, 72))
    def time_passes(self, hours: int) -> None:
        self.clock.advance(timedelta(hours=hours))

    @invariant()
    def every_promise_holds(self) -> None:
        with session_scope(self.ctx.engine) as session:
            found = (
                incident_violations(session, self.ctx, self.ids)
                + the_casework_counts_are_the_rows(session)
                + open_work_of_those_who_left(session, self.ctx)
            )
        found += the_priority_tallies_are_the_events(self.ctx)
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
