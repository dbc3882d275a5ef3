"""Random lives of casework under retention, on SQLite and PostgreSQL: records, incidents, Clare's
Law requests and management plans about a few people (joined by PNC id, a plan by the record it was
adopted from), opened, worked and closed, time passing by days or years, the retention review run
and erasures tried on any reference.

The test keeps its own model of the families (which members share people, which are open, when each
was last worked on) and after every step checks the service against it:

- every family with nothing open whose last activity is DVPN_RETENTION_YEARS past is offered for
  review, and no other reference is;
- an erasure succeeds only for such a family, removes every member of it and nothing else, and a
  refused one changes nothing;
- no person row is left that nothing refers to, and no search term outlives its person: an erased
  family leaves no row referring to its people;
- the kept incident counts are the incidents left (tests/properties/invariants.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, initialize, invariant, precondition, rule
from sqlmodel import Session, col, select

from models import DisclosureRequest, Incident, ManagementPlan, ProtectionOrder, metadata
from models.search import SearchTerm, TermKind
from rules.disclosure import Route
from rules.order_types import OrderType
from rules.plans import ActionKind
from services.clock import ManualClock
from services.context import ServiceContext
from services.disclosures import requests as disclosures
from services.disclosures.requests import NewRequest
from services.errors import Conflict, DomainError
from services.governance import retention
from services.governance.linked_casework import plan_reference
from services.incidents import changes
from services.incidents.recording import NewIncident, record_incident
from services.people import plans
from services.records import lifecycle
from services.records import recording as records
from services.records.order_writer import PersonInput
from services.records.recording import NewRecord
from tests.properties.conftest import examples_per_database
from tests.properties.invariants import the_incident_counts_are_the_incidents, the_priority_tallies_are_the_events
from tests.support.database import row_counts
from tests.support.force import Force, london

START = london("2026-04-02 21:00")
# The people casework is about: two known to the PNC (casework about either joins one family), and
# one who is not (each piece of casework about them is its own family, unless a plan joins it).
PEOPLE = {"01/100001L": "Alex Sample", "01/100002M": "Blake Example", None: "Casey Unknown"}
REASON = "MoPI review: no policing purpose remains"


@dataclass
class Member:
    kind: str  # order, incident, request, plan
    pnc: str | None
    last: datetime  # the latest time worked on it (an order's end is read from the database)
    open: bool = True
    joined: set[str] = field(default_factory=set)  # other members it is linked to directly


class RetentionMachine(RuleBasedStateMachine):
    ctx: ServiceContext
    clock: ManualClock
    force: Force

    orders = Bundle("orders")
    incidents = Bundle("incidents")
    requests = Bundle("requests")

    def __init__(self) -> None:
        super().__init__()
        # Lives share the database: each starts from no casework.
        with self.ctx.engine.begin() as connection:
            connection.execute(sa.update(ProtectionOrder).values(parent_id=None))
            for table in reversed(metadata.sorted_tables):
                if table.name in {str(m.__tablename__) for m in retention.ERASED_TABLES} | {"search_term"}:
                    connection.execute(table.delete())
        self.clock.set(START)
        self.members: dict[str, Member] = {}
        self.erased: set[str] = set()
        self.actions: dict[str, int] = {}  # an incident's MARAC action still to do, by number
        self.years = self.ctx.settings.retention_years

    # --- the model ---

    def family(self, ref: str) -> set[str]:
        by_pnc: dict[str, set[str]] = {}
        for name, m in self.members.items():
            if m.pnc is not None:
                by_pnc.setdefault(m.pnc, set()).add(name)
        seen, todo = {ref}, [ref]
        while todo:
            m = self.members[todo.pop()]
            for other in m.joined | (by_pnc.get(m.pnc, set()) if m.pnc else set()):
                if other not in seen:
                    seen.add(other)
                    todo.append(other)
        return seen

    def _order_ends(self) -> dict[str, datetime | None]:
        with Session(self.ctx.engine) as session:
            return dict(session.exec(select(ProtectionOrder.reference, ProtectionOrder.closed_at)).all())

    def due(self) -> set[str]:
        """The references the model says are past retention."""
        ends = self._order_ends()
        due: set[str] = set()
        for ref in self.members:
            family = self.family(ref)
            lasts = []
            for name in family:
                m = self.members[name]
                end = ends[name] if m.kind == "order" else (None if m.open else m.last)
                if end is None:
                    break
                lasts.append(end)
            else:
                if retention.review_due(max(lasts), self.years, self.ctx.settings.timezone) <= self.clock.now():
                    due.add(ref)
        return due

    def _attempt(self, event: Callable[[], Any]) -> Any:
        try:
            return event()
        except DomainError:
            return None

    # --- casework ---

    @initialize(target=orders, pnc=st.sampled_from(list(PEOPLE)), days=st.sampled_from([0, 14]))
    def first_record(self, pnc: str | None, days: int) -> str:
        return self.record(pnc, days)

    @initialize(target=incidents, pnc=st.sampled_from(list(PEOPLE)))
    def first_incident(self, pnc: str | None) -> str:
        return self.incident(pnc)

    @initialize(target=requests, pnc=st.sampled_from(list(PEOPLE)), closed=st.booleans())
    def first_request(self, pnc: str | None, closed: bool) -> str:
        return self.request(pnc, closed)

    @rule(target=orders, pnc=st.sampled_from(list(PEOPLE)), days=st.sampled_from([0, 14, 28]))
    def record(self, pnc: str | None, days: int) -> str:
        """A DVPO made an hour ago for `days` days (none: already at its end) about one of the people."""
        now = self.clock.now()
        new = NewRecord(
            order_type=OrderType.DVPO,
            made_at=now - timedelta(hours=1) - timedelta(days=0 if days else 30),
            duration_days=days or 14,
            perpetrator=PersonInput(PEOPLE[pnc], pnc_id=pnc),
        )
        ref = records.record(self.ctx, self.force.officer, new).reference
        self.members[ref] = Member("order", pnc, now)
        lifecycle.apply_time(self.ctx)
        return ref

    @rule(target=incidents, pnc=st.sampled_from(list(PEOPLE)))
    def incident(self, pnc: str | None) -> str:
        now = self.clock.now()
        new = NewIncident(now - timedelta(hours=1), PersonInput("Sam Victim"), PersonInput(PEOPLE[pnc], pnc_id=pnc))
        ref = record_incident(self.ctx, self.force.officer, new)
        self.members[ref] = Member("incident", pnc, now - timedelta(hours=1), open=False)
        return ref

    @rule(ref=incidents)
    def marac_action(self, ref: str) -> None:
        if ref in self.erased or self.members[ref].open:
            return
        now = self.clock.now()
        self._attempt(lambda: changes.record_referral(self.ctx, self.force.officer, ref))
        due = now + timedelta(days=7)
        number = self._attempt(lambda: changes.add_action(self.ctx, self.force.officer, ref, "Plan", "UOFFA2", due))
        if number:
            self.members[ref].open, self.members[ref].last = True, now
            self.actions[ref] = number

    @rule(ref=incidents)
    def marac_done(self, ref: str) -> None:
        if ref in self.erased or not self.members[ref].open:
            return
        changes.action_done(self.ctx, self.force.officer, ref, self.actions[ref])
        self.members[ref].open, self.members[ref].last = False, self.clock.now()

    @rule(target=requests, pnc=st.sampled_from(list(PEOPLE)), closed=st.booleans())
    def request(self, pnc: str | None, closed: bool) -> str:
        """A request received an hour ago; closed at once (no relationship found) or left open."""
        now = self.clock.now()
        subject = PersonInput(PEOPLE[pnc], pnc_id=pnc)
        new = NewRequest(Route.ASK, PersonInput("Ada Asking"), subject, now - timedelta(hours=1), "Applicant Name")
        ref = disclosures.new_request(self.ctx, self.force.officer, new).reference
        self.members[ref] = Member("request", pnc, now - timedelta(hours=1))
        if closed:
            self.close_request(ref)
        return ref

    @rule(ref=requests)
    def close_request(self, ref: str) -> None:
        if ref in self.erased or not self.members[ref].open:
            return
        disclosures.close(self.ctx, self.force.officer, ref, "withdrawn")
        self.members[ref].open, self.members[ref].last = False, self.clock.now()

    @rule(ref=orders)
    def plan(self, ref: str) -> None:
        """Adopt a plan for the person on a record, or close the open one."""
        if ref in self.erased:
            return
        now = self.clock.now()
        if self._attempt(lambda: plans.adopt(self.ctx, self.force.officer, ref)) is not None:
            with Session(self.ctx.engine) as session:
                plan_id = session.exec(select(ManagementPlan.id).order_by(col(ManagementPlan.id).desc())).first()
            assert plan_id is not None
            name = plan_reference(self.ctx.settings.force_code, plan_id)
            self.members[name] = Member("plan", self.members[ref].pnc, now, joined={ref})
            self.members[ref].joined.add(name)
            due = now + timedelta(days=30)
            plans.add_action(self.ctx, self.force.officer, ref, ActionKind.SUPPORT, "UOFFA2", due, "Referral")
            return
        open_plans = [n for n in self.members[ref].joined if self.members[n].kind == "plan" and self.members[n].open]
        if open_plans and self._attempt(lambda: plans.close_plan(self.ctx, self.force.officer, ref, "risk reduced")):
            [name] = open_plans
            self.members[name].open, self.members[name].last = False, now

    @rule(days=st.sampled_from([1, 20, 400]))
    def time_passes(self, days: int) -> None:
        self.clock.advance(timedelta(days=days))
        lifecycle.apply_time(self.ctx)

    @rule(days=st.sampled_from([-1, 0, 1]))
    def retention_period_passes(self, days: int) -> None:
        """To a day either side of DVPN_RETENTION_YEARS on from now."""
        now = self.clock.now()
        self.clock.set(retention.review_due(now, self.years, self.ctx.settings.timezone) + timedelta(days=days))
        lifecycle.apply_time(self.ctx)

    # --- retention ---

    @precondition(lambda self: bool(self.members))
    @rule(pick=st.integers(0, 1000))
    def erase(self, pick: int) -> None:
        """Any reference: most are refused (open, or inside retention)."""
        names = sorted(self.members)
        self._erase(names[pick % len(names)])

    @precondition(lambda self: bool(self.due()))
    @rule(pick=st.integers(0, 1000))
    def erase_a_due_family(self, pick: int) -> None:
        """One the model says is due, as the operator would after a review."""
        names = sorted(self.due())
        self._erase(names[pick % len(names)])

    def _erase(self, ref: str) -> None:
        family = self.family(ref)
        expected = ref in self.due()
        before = row_counts(self.ctx.engine)
        try:
            done = retention.erase(self.ctx, self.force.admin, ref, REASON)
        except Conflict:
            assert not expected, f"{ref} is past retention with nothing open, yet erasure was refused"
            after = row_counts(self.ctx.engine)
            assert {t: n for t, n in after.items() if t != "audit_event"} == {
                t: n for t, n in before.items() if t != "audit_event"
            }, "a refused erasure changed something"
            return
        assert expected, f"{ref} was erased while its family was open or inside retention"
        assert set(done.references) == family, "the erasure took other than the family"
        for name in family:
            del self.members[name]
        for m in self.members.values():
            m.joined -= family
        self.erased |= family

    # --- what always holds ---

    @invariant()
    def the_kept_incident_counts_are_the_incidents(self) -> None:
        """Erasure deletes referrals, then incidents: the kept counts follow both."""
        with Session(self.ctx.engine) as session:
            found = the_incident_counts_are_the_incidents(session)
        assert found == [], "\n".join(found)

    @invariant()
    def the_priority_tallies_are_the_events(self) -> None:
        """Erasure deletes a person's records, breaches and incidents, and then the person."""
        found = the_priority_tallies_are_the_events(self.ctx)
        assert found == [], "\n".join(found)

    @invariant()
    def check_review(self) -> None:
        offered = {d.reference for d in retention.review(self.ctx, self.force.admin)}
        assert offered == self.due(), f"offered {sorted(offered)}, due {sorted(self.due())}"

    @invariant()
    def erased_casework_is_gone_and_the_rest_is_there(self) -> None:
        with Session(self.ctx.engine) as session:
            held = {
                *session.exec(select(ProtectionOrder.reference)).all(),
                *session.exec(select(Incident.reference)).all(),
                *session.exec(select(DisclosureRequest.reference)).all(),
                *(
                    plan_reference(self.ctx.settings.force_code, i)
                    for i in session.exec(select(ManagementPlan.id)).all()
                    if i is not None
                ),
            }
        assert held == set(self.members), "the casework held is not what was made less what was erased"

    @invariant()
    def no_person_is_left_that_nothing_refers_to(self) -> None:
        with self.ctx.engine.connect() as connection:
            for person in ("perpetrator", "protected_person"):
                table = metadata.tables[person]
                referring = [
                    sa.select(fk.parent)
                    for other in metadata.sorted_tables
                    for fk in other.foreign_keys
                    if fk.column.table is table
                ]
                left = connection.execute(
                    sa.select(table.c.id).where(table.c.id.not_in(sa.union(*referring)))
                ).scalars()
                assert list(left) == [], f"{person} rows nothing refers to: erased people left behind"
            people = {
                TermKind.PERPETRATOR_NAME: "perpetrator",
                TermKind.PERPETRATOR_ADDRESS: "perpetrator",
                TermKind.PROTECTED_NAME: "protected_person",
                TermKind.PROTECTED_ADDRESS: "protected_person",
            }
            for kind, person in people.items():
                ids = set(connection.execute(sa.select(metadata.tables[person].c.id)).scalars())
                subjects = set(
                    connection.execute(sa.select(SearchTerm.subject_id).where(col(SearchTerm.kind) == kind)).scalars()
                )
                assert subjects <= ids, "search terms outlived the people they find"


def test_retention_keeps_and_erases_whole_families_over_random_lives(
    ctx: ServiceContext, clock: ManualClock, force: Force
) -> None:
    from hypothesis.stateful import run_state_machine_as_test

    machine = type("Machine", (RetentionMachine,), {"ctx": ctx, "clock": clock, "force": force})
    # A life is a dozen steps; few lives, as every step reviews the whole database.
    run_state_machine_as_test(
        machine, settings=settings(examples_per_database(), max_examples=25, stateful_step_count=16)
    )
