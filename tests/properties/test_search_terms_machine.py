"""Random lives of the words people are found by, on SQLite and PostgreSQL: records made by
officers of two teams with people whose names and addresses share words, perpetrators and
protected people corrected, protected people added, records moved to another team by a correction
or by their officer leaving, and records closed and erased once past retention. After every step
the search terms are exactly those derived from the current records and people, and the one-edit
keys exactly those of the name words someone on a record has (services.people.search_index), and
no open record, check or reminder is left with the officer who left (invariants.py)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from functools import partial

from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, initialize, invariant, precondition, rule
from sqlmodel import Session, select

from models import SearchTermKey
from services.clock import ManualClock
from services.context import ServiceContext
from services.errors import DomainError
from services.governance import retention, staff, teams
from services.people.search_index import derived_terms
from services.records import corrections, lifecycle
from services.records import recording as records
from services.records.order_writer import PersonInput
from tests.properties.conftest import examples_per_database
from tests.properties.invariants import open_work_of_those_who_left, the_priority_tallies_are_the_events
from tests.support.force import Force, london
from tests.support.records import dvpn
from tests.support.search_terms import derived_keys, stored_terms

START = london("2026-04-02 21:00")
HOUR = timedelta(hours=1)
FIRST = ["Dean", "Lucy", "Jon", "John"]
LAST = ["Thompson", "Thomson", "Smith", "Harper"]
ADDRESSES = [None, "14 Acacia Avenue, B14 7QT", "9 Mill Lane, Birmingham B12 9QT", "Flat 2, 14 Mill Lane"]
REASON = "Entered with the wrong details"

people = st.builds(
    PersonInput,
    st.builds("{} {}".format, st.sampled_from(FIRST), st.sampled_from(LAST)),
    st.none(),
    st.sampled_from(ADDRESSES),
)


class SearchTermMachine(RuleBasedStateMachine):
    ctx: ServiceContext
    clock: ManualClock
    force: Force
    lives = 0

    def __init__(self) -> None:
        super().__init__()
        self.clock.set(START)
        self.owner: dict[str, str] = {}
        # A team A officer of this life alone, who may leave: the force's own officers stay for later lives.
        SearchTermMachine.lives += 1
        self.leaver = f"ULEAVER{self.lives}"
        staff.place_in_team(self.ctx, self.force.admin, self.leaver, "Team A")
        self.left = False

    references = Bundle("references")

    def _attempt(self, event: object) -> object | None:
        try:
            return event()  # type: ignore[operator]
        except DomainError:
            return None

    def _officers(self) -> list[str]:
        return [self.force.officer, self.leaver, self.force.other_officer]

    @initialize(target=references, who=st.integers(0, 2), perpetrator=people, protected=st.lists(people, max_size=2))
    def first(self, who: int, perpetrator: PersonInput, protected: list[PersonInput]) -> str:
        return self.recorded(who, perpetrator, protected)

    @rule(target=references, who=st.integers(0, 2), perpetrator=people, protected=st.lists(people, max_size=2))
    def recorded(self, who: int, perpetrator: PersonInput, protected: list[PersonInput]) -> str:
        self.clock.advance(timedelta(hours=2))
        officer = self._officers()[who]
        made = replace(dvpn(perpetrator=perpetrator, protected=tuple(protected)), served_at=self.clock.now() - HOUR)
        result = self._attempt(lambda: records.record(self.ctx, officer, made))
        reference = getattr(result, "reference", "none")
        self.owner[reference] = officer
        return reference

    def _correct(self, reference: str, changes: dict[str, object]) -> None:
        """By the officer who made it, else whoever it was handed on to, else the supervisor."""
        made_by = self.owner.get(reference, self.force.officer)
        for who in dict.fromkeys((made_by, self.force.other_officer, self.force.supervisor)):
            if self._attempt(partial(corrections.correct, self.ctx, who, reference, changes, REASON)) is not None:
                return

    @rule(reference=references, person=people)
    def perpetrator_corrected(self, reference: str, person: PersonInput) -> None:
        self._correct(reference, {"perpetrator": person})

    @rule(reference=references, given=st.lists(people, min_size=1, max_size=3))
    def protected_corrected_or_added(self, reference: str, given: list[PersonInput]) -> None:
        self._correct(reference, {"protected": tuple(given)})

    @rule(reference=references, who=st.integers(0, 2))
    def officer_in_charge_corrected(self, reference: str, who: int) -> None:
        self._correct(reference, {"officer_slack_id": self._officers()[who]})

    @precondition(lambda self: not self.left)
    @rule()
    def officer_leaves(self) -> None:
        self.left = True
        self._attempt(lambda: teams.deactivate(self.ctx, self.force.admin, self.leaver, self.force.other_officer))

    @rule(reference=references)
    def closed_and_erased(self, reference: str) -> None:
        officer = self.owner.get(reference, self.force.officer)
        self._attempt(lambda: lifecycle.close(self.ctx, officer, reference, "No further action needed"))
        self.clock.advance(timedelta(days=366 * 7))
        self._attempt(lambda: retention.erase(self.ctx, self.force.admin, reference, "MoPI review: no purpose remains"))

    @invariant()
    def no_open_work_is_left_with_someone_who_left(self) -> None:
        with Session(self.ctx.engine) as session:
            found = open_work_of_those_who_left(session, self.ctx)
        assert found == [], "\n".join(found)

    @invariant()
    def the_priority_tallies_are_the_events(self) -> None:
        found = the_priority_tallies_are_the_events(self.ctx)
        assert found == [], "\n".join(found)

    @invariant()
    def the_terms_are_those_of_the_records_and_people(self) -> None:
        with Session(self.ctx.engine) as session:
            assert stored_terms(session) == derived_terms(session)
            stored_keys = {(k.key, k.term) for k in session.exec(select(SearchTermKey))}
            assert stored_keys == derived_keys(session)


def test_the_search_terms_follow_every_write_over_random_lives(
    ctx: ServiceContext, clock: ManualClock, force: Force
) -> None:
    from hypothesis.stateful import run_state_machine_as_test

    machine = type("Machine", (SearchTermMachine,), {"ctx": ctx, "clock": clock, "force": force})
    run_state_machine_as_test(machine, settings=examples_per_database())
