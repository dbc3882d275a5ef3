"""Random lives of the offending behind the perpetrator priority list, on SQLite and PostgreSQL,
written straight to the tables as any statement might (a form, a correction, a bulk UPDATE, an
erasure): people of every shape (joined by PNC id, by name and date of birth, standing alone, in an
identity check), notices superseded by orders, records made from incidents, breaches, victims shared
and renamed, interleaved with time passing by an hour, a day, a month or half a year, and the list
read now and then, so several writes and days fall between two keepings. At each reading, after
keeping (services.people.priority_tallies), the kept tallies, team rows and member rows are exactly
those summed from the events, and the list is the list made by scoring everyone."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, rule
from sqlmodel import Session, col, delete, select, update

from domain.enums import OrderStatus, RiskLevel
from models import (
    Breach,
    IdentityMismatch,
    Incident,
    OrderProtectedPerson,
    Perpetrator,
    ProtectedPerson,
    ProtectionOrder,
)
from models.types import pk
from rules.order_types import OrderType
from services.clock import ManualClock
from services.context import ServiceContext
from services.people import priority
from tests.properties.conftest import examples_per_database
from tests.properties.invariants import the_priority_tallies_are_the_events
from tests.services.test_priority import reference_top, seed_many
from tests.support.force import Force, london

START = london("2026-03-20 21:00")
HOURS, DAYS = (1, 5), (1, 2, 31, 92)
STEPS = (*(timedelta(hours=h) for h in HOURS), *(timedelta(days=d) for d in DAYS))
RISKS = (*RiskLevel, None)
pick = st.integers(0, 10_000)


class PriorityMachine(RuleBasedStateMachine):
    ctx: ServiceContext
    clock: ManualClock
    force: Force
    lives = 0

    @initialize(seed=st.integers(0, 3))
    def seeded(self, seed: int) -> None:
        """Each life the last one's offending is erased and the force's seeded afresh around the clock,
        which goes on from where the last life left it (never back: a day gone back would have every
        tally made afresh), so the first keeping of a life meets every row of both noted."""
        PriorityMachine.lives += 1
        self.serial = 0
        with Session(self.ctx.engine) as session:
            session.execute(update(ProtectionOrder).values(parent_id=None, incident_id=None))
            for model in (Breach, OrderProtectedPerson, IdentityMismatch, ProtectionOrder, Incident):
                session.execute(delete(model))
            for model in (Perpetrator, ProtectedPerson):
                session.execute(delete(model))
            session.commit()
        if self.clock.now() < START:
            self.clock.set(START)
        seed_many(self.ctx, seed)

    def _rows(self, session: Session, model: Any, n: int) -> Any:
        """The n-th row of the table, counting round, or None if it has none."""
        rows = session.exec(select(model).order_by(model.id)).all()
        return rows[n % len(rows)] if rows else None

    def _at(self, n: int) -> datetime:
        """An instant from 14 months ago to a week ahead (some before the window, some yet to come)."""
        return self.clock.now() - timedelta(minutes=n * 61 % (440 * 1440)) + timedelta(days=7)

    def _write(self, change: object) -> None:
        with Session(self.ctx.engine) as session:
            change(session)  # type: ignore[operator]
            session.commit()

    @rule(step=st.sampled_from(STEPS))
    def time_passes(self, step: timedelta) -> None:
        self.clock.advance(step)

    @rule(n=pick, risk=st.sampled_from(RISKS))
    def incident_recorded(self, n: int, risk: RiskLevel | None) -> None:
        def change(session: Session) -> None:
            suspect, victim = self._rows(session, Perpetrator, n), self._rows(session, ProtectedPerson, n // 3)
            incident = self._rows(session, Incident, 0)
            if not (isinstance(incident, Incident) and suspect and victim):
                return  # nothing of the kind left
            self.serial += 1
            session.add(
                Incident(
                    reference=f"WM-INC-2027-{self.lives:02d}{self.serial:04d}",
                    reported_at=self._at(n),
                    victim_id=pk(victim),
                    suspect_id=pk(suspect),
                    officer_id=incident.officer_id,
                    team_id=incident.team_id if n % 2 else self._other_team(session, incident.team_id),
                    risk_level=risk,
                    created_by_id=incident.created_by_id,
                    created_at=self.clock.now(),
                    updated_at=self.clock.now(),
                )
            )

        self._write(change)

    @rule(n=pick, risk=st.sampled_from(RISKS), what=st.sampled_from(("risk", "suspect", "victim", "time", "team")))
    def incident_changed(self, n: int, risk: RiskLevel | None, what: str) -> None:
        def change(session: Session) -> None:
            incident = self._rows(session, Incident, n)
            if not (isinstance(incident, Incident)):
                return  # nothing of the kind left
            if what == "risk":
                incident.risk_level = risk
            elif what == "suspect":
                incident.suspect_id = pk(self._rows(session, Perpetrator, n // 7))
            elif what == "victim":
                incident.victim_id = pk(self._rows(session, ProtectedPerson, n // 7))
            elif what == "time":
                incident.reported_at = self._at(n // 7)
            else:
                incident.team_id = self._other_team(session, incident.team_id)
            session.add(incident)

        self._write(change)

    def _other_team(self, session: Session, team_id: int) -> int:
        teams = sorted({o.team_id for o in session.exec(select(ProtectionOrder)).all()})
        return next((t for t in teams if t != team_id), team_id)

    @rule(n=pick, kind=st.sampled_from(list(OrderType)), made_from=st.sampled_from(("none", "notice", "incident")))
    def record_made(self, n: int, kind: OrderType, made_from: str) -> None:
        def change(session: Session) -> None:
            model = self._rows(session, ProtectionOrder, 0)
            if not (isinstance(model, ProtectionOrder)):
                return  # nothing of the kind left
            parent = self._rows(session, ProtectionOrder, n) if made_from == "notice" else None
            source = self._rows(session, Incident, n) if made_from == "incident" else None
            perpetrator = self._rows(session, Perpetrator, n // 5)
            if isinstance(source, Incident):  # a record made from an incident is about its suspect
                perpetrator = session.get(Perpetrator, source.suspect_id)
            elif isinstance(parent, ProtectionOrder) and n % 2:  # mostly the notice's person, not always
                perpetrator = session.get(Perpetrator, parent.perpetrator_id)
            self.serial += 1
            at = self._at(n // 3)
            order = ProtectionOrder(
                reference=f"WM-{kind.value}-2027-{self.lives:02d}{self.serial:04d}",
                order_type=kind,
                status=OrderStatus.ACTIVE,
                perpetrator_id=pk(perpetrator),
                parent_id=pk(parent) if isinstance(parent, ProtectionOrder) else None,
                incident_id=pk(source) if isinstance(source, Incident) else None,
                officer_id=model.officer_id,
                team_id=model.team_id,
                served_at=at if n % 3 else None,
                made_at=at,
                created_by_id=model.created_by_id,
                created_at=self.clock.now(),
                updated_at=self.clock.now(),
            )
            session.add(order)
            session.flush()
            victim = self._rows(session, ProtectedPerson, n // 11)
            session.add(OrderProtectedPerson(order_id=pk(order), person_id=pk(victim)))

        self._write(change)

    @rule(n=pick, what=st.sampled_from(("perpetrator", "time", "type", "team", "incident")))
    def record_corrected(self, n: int, what: str) -> None:
        def change(session: Session) -> None:
            order = self._rows(session, ProtectionOrder, n)
            if not (isinstance(order, ProtectionOrder)):
                return  # nothing of the kind left
            if what == "perpetrator":
                order.perpetrator_id = pk(self._rows(session, Perpetrator, n // 3))
            elif what == "time":
                order.served_at, order.made_at = None, self._at(n // 3)
            elif what == "type":
                order.order_type = list(OrderType)[n % len(OrderType)]
            elif what == "team":
                order.team_id = self._other_team(session, order.team_id)
            else:
                incident = self._rows(session, Incident, n // 3)
                order.incident_id = None if n % 4 == 0 else pk(incident)
            session.add(order)

        self._write(change)

    @rule(n=pick, erase=st.booleans())
    def breach_recorded_or_erased(self, n: int, erase: bool) -> None:
        def change(session: Session) -> None:
            if erase:
                breach = self._rows(session, Breach, n)
                if breach is not None:
                    session.delete(breach)
                return
            order = self._rows(session, ProtectionOrder, n)
            if not (isinstance(order, ProtectionOrder)):
                return  # nothing of the kind left
            session.add(
                Breach(
                    order_id=pk(order),
                    occurred_at=self._at(n // 5),
                    recorded_by_id=order.officer_id,
                    recorded_at=self.clock.now(),
                )
            )

        self._write(change)

    @rule(n=pick, link=st.booleans())
    def victims_of_a_record_changed(self, n: int, link: bool) -> None:
        def change(session: Session) -> None:
            order, victim = self._rows(session, ProtectionOrder, n), self._rows(session, ProtectedPerson, n // 13)
            if not (isinstance(order, ProtectionOrder) and isinstance(victim, ProtectedPerson)):
                return  # nothing of the kind left
            found = session.get(OrderProtectedPerson, (pk(order), pk(victim)))
            if link and found is None:
                session.add(OrderProtectedPerson(order_id=pk(order), person_id=pk(victim)))
            elif not link and found is not None:
                session.delete(found)

        self._write(change)

    @rule(n=pick, what=st.sampled_from(("pnc", "no pnc", "name", "born", "unborn")))
    def perpetrator_identity_corrected(self, n: int, what: str) -> None:
        def change(session: Session) -> None:
            person = self._rows(session, Perpetrator, n)
            if not (isinstance(person, Perpetrator)):
                return  # nothing of the kind left
            if what == "pnc":
                person.pnc_id = f"26/{n % 9}A"
            elif what == "no pnc":
                person.pnc_id = None
            elif what == "name":
                person.name_key = f"person {n % 23}"
            elif what == "born":
                person.date_of_birth = date(1980, 1, 1 + n % 7)
            else:
                person.date_of_birth = None
            session.add(person)

        self._write(change)

    @rule(n=pick, born=st.booleans())
    def victim_identity_corrected(self, n: int, born: bool) -> None:
        def change(session: Session) -> None:
            victim = self._rows(session, ProtectedPerson, n)
            if not (isinstance(victim, ProtectedPerson)):
                return  # nothing of the kind left
            victim.name_key = f"victim {n % 17}"
            victim.date_of_birth = date(1990, 2, 1 + n % 3) if born else None
            session.add(victim)

        self._write(change)

    @rule(n=pick, settled=st.sampled_from((None, True, False, "erased")))
    def identity_check(self, n: int, settled: bool | str | None) -> None:
        def change(session: Session) -> None:
            check = self._rows(session, IdentityMismatch, n)
            if isinstance(settled, str):  # erased
                if check is not None:
                    session.delete(check)
                return
            if isinstance(check, IdentityMismatch) and n % 2:
                check.same_person = settled
                session.add(check)
                return
            person, order = self._rows(session, Perpetrator, n // 3), self._rows(session, ProtectionOrder, 0)
            if not (isinstance(order, ProtectionOrder)):
                return  # nothing of the kind left
            session.add(
                IdentityMismatch(
                    perpetrator_id=pk(person),
                    order_id=pk(order),
                    recorded_by_id=order.officer_id,
                    created_at=self.clock.now(),
                    same_person=settled,
                )
            )

        self._write(change)

    @rule(n=pick)
    def perpetrator_erased(self, n: int) -> None:
        """As retention erases a person's family: their records (breaches, links, checks and records
        made on them first), incidents and identity checks in bulk, then the person."""

        def change(session: Session) -> None:
            person = self._rows(session, Perpetrator, n)
            if not (isinstance(person, Perpetrator)):
                return  # nothing of the kind left
            orders = [
                pk(o) for o in session.exec(select(ProtectionOrder).where(ProtectionOrder.perpetrator_id == pk(person)))
            ]
            incidents = [pk(i) for i in session.exec(select(Incident).where(Incident.suspect_id == pk(person)))]
            session.execute(delete(Breach).where(col(Breach.order_id).in_(orders)))
            session.execute(delete(OrderProtectedPerson).where(col(OrderProtectedPerson.order_id).in_(orders)))
            session.execute(delete(IdentityMismatch).where(col(IdentityMismatch.perpetrator_id) == pk(person)))
            session.execute(delete(IdentityMismatch).where(col(IdentityMismatch.order_id).in_(orders)))
            made_on = select(ProtectionOrder.id).where(
                col(ProtectionOrder.parent_id).in_(orders) | col(ProtectionOrder.incident_id).in_(incidents)
            )
            session.execute(
                ProtectionOrder.__table__.update()  # type: ignore[attr-defined]
                .where(col(ProtectionOrder.id).in_(made_on))
                .values(parent_id=None, incident_id=None)
            )
            session.execute(delete(ProtectionOrder).where(col(ProtectionOrder.id).in_(orders)))
            session.execute(delete(Incident).where(col(Incident.id).in_(incidents)))
            session.execute(delete(Perpetrator).where(col(Perpetrator.id) == pk(person)))

        self._write(change)

    @rule(count=st.sampled_from((1, 3, 10)))
    def the_list_is_read(self, count: int) -> None:
        found = the_priority_tallies_are_the_events(self.ctx)
        assert found == [], "\n".join(found)
        for slack_id in (self.force.champion, self.force.supervisor):
            expected, scored, serial = reference_top(self.ctx, slack_id, count)
            ranked = priority.top(self.ctx, slack_id, count)
            assert [(e.reference, e.score) for e in ranked.entries] == expected
            assert (ranked.scored, ranked.serial) == (scored, serial)

    def teardown(self) -> None:
        found = the_priority_tallies_are_the_events(self.ctx)
        assert found == [], "\n".join(found)


def test_the_kept_priority_tallies_follow_every_write_and_day(
    ctx: ServiceContext, clock: ManualClock, force: Force
) -> None:
    from hypothesis.stateful import run_state_machine_as_test

    machine = type("Machine", (PriorityMachine,), {"ctx": ctx, "clock": clock, "force": force})
    run_state_machine_as_test(machine, settings=examples_per_database())
