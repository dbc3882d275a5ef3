"""Random lives of Clare's Law requests and perpetrator management plans, on SQLite and PostgreSQL:
requests received days or weeks ago (some already past their target), taken through checks, the
forum, a decision, a disclosure or closure in any order (the refused ones writing nothing); plans
adopted, actions added for one owner or another, done, review dates set, plans closed; an officer
with requests, plan actions and plans of their own leaving, handing them to a colleague or to an
officer of another team; interleaved with time passing. After every step:

- every open Clare's Law request has a live (pending or sent) past-target reminder, to its officer
  and to each of its team's supervisors, until it is completed or closed; an ended one has none
  pending;
- every open plan action has a live overdue reminder to its owner until it is done or its plan is
  closed; a done action, or any action of a closed plan, has none pending;
- the kept casework daily counts and spreads equal the rows (tests/properties/invariants.py);
- no open work is left with the officer who left: every reminder above goes to someone who can act.
"""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, initialize, invariant, rule
from sqlmodel import Session, col, func, select

from models import (
    AuditEvent,
    DisclosureRequest,
    ManagementPlan,
    PlanAction,
    Reminder,
    ReminderState,
    TeamSupervisor,
)
from rules.disclosure import Decision, Route
from rules.plans import ActionKind
from services.clock import ManualClock
from services.context import ServiceContext
from services.disclosures import requests
from services.disclosures.requests import NewRequest
from services.errors import DomainError
from services.governance import staff, teams
from services.people import plans
from services.records.order_writer import PersonInput
from tests.properties.conftest import examples_per_database
from tests.properties.invariants import open_work_of_those_who_left, the_casework_counts_are_the_rows
from tests.support.force import Force, london
from tests.support.records import dvpn, record

START = london("2026-03-20 21:00")  # a week before summer time starts: targets fall either side
LIVE = (ReminderState.PENDING, ReminderState.CLAIMED, ReminderState.SENT)


def casework_violations(session: Session) -> list[str]:
    """Each broken promise about the requests' and plans' reminders, in words."""
    found: list[str] = []
    reminders = session.exec(select(Reminder).where(col(Reminder.order_id).is_(None))).all()
    live = {(r.disclosure_id, r.plan_id, r.kind, r.recipient_id) for r in reminders if r.state in LIVE}
    pending = [r for r in reminders if r.state is ReminderState.PENDING]
    for request in session.exec(select(DisclosureRequest)).all():
        supervisors = session.exec(
            select(TeamSupervisor.user_id).where(TeamSupervisor.team_id == request.team_id)
        ).all()
        ended = request.disclosed_at is not None or request.closed_at is not None
        for user in {request.officer_id, *supervisors}:
            has = (request.id, None, f"dvds_target:{user}", user) in live
            if not ended and not has:
                found.append(f"{request.reference} is open with no live past-target reminder to user {user}")
        if ended and any(r.disclosure_id == request.id for r in pending):
            found.append(f"{request.reference} has ended but still has reminders pending")
    for plan in session.exec(select(ManagementPlan)).all():
        for action in session.exec(select(PlanAction).where(PlanAction.plan_id == plan.id)).all():
            done = action.done_at is not None or plan.closed_at is not None
            kind = f"plan_action_overdue:{action.number}:{action.owner_id}"
            if not done and (None, plan.id, kind, action.owner_id) not in live:
                found.append(f"plan {plan.id} action {action.number} is open with no live reminder to its owner")
            mine = [r for r in pending if r.plan_id == plan.id and r.kind.startswith("plan_action_")]
            if done and any(r.kind.split(":")[1] == str(action.number) for r in mine):
                found.append(f"plan {plan.id} action {action.number} is settled but still has reminders pending")
    return found


class CaseworkMachine(RuleBasedStateMachine):
    ctx: ServiceContext
    clock: ManualClock
    force: Force

    lives = 0

    def __init__(self) -> None:
        super().__init__()
        self.clock.set(START)
        # A team A officer of this life alone, who may leave: the force's own officers stay for later lives.
        CaseworkMachine.lives += 1
        self.leaver = f"UCASELEAVER{self.lives}"
        staff.place_in_team(self.ctx, self.force.admin, self.leaver, "Team A")
        self.left = False

    requests_made = Bundle("requests")
    records = Bundle("records")

    def _audit_rows(self) -> int:
        with Session(self.ctx.engine) as session:
            return session.exec(select(func.max(AuditEvent.id))).one() or 0

    def _attempt(self, event: object) -> None:
        before = self._audit_rows()
        try:
            event()  # type: ignore[operator]
        except DomainError:
            assert self._audit_rows() == before, "a refused event wrote audit rows"
            return
        assert self._audit_rows() > before, "an event wrote no audit row"

    @initialize(target=records, review_days=st.one_of(st.none(), st.integers(1, 30)))
    def a_record_under_a_plan(self, review_days: int | None) -> str:
        """A record whose person has a plan from the start, so the plan's rules act from the first step."""
        ref = self.another_record(1)
        self.adopt(ref, review_days)
        return ref

    @initialize(target=requests_made, days_ago=st.integers(0, 40), route=st.sampled_from(list(Route)))
    def a_request(self, days_ago: int, route: Route) -> str:
        return self.received(days_ago, route)

    @rule(target=records, person=st.integers(2, 3))
    def another_record(self, person: int) -> str:
        someone = PersonInput(f"Person {person} Example", date(1980 + person, 1, 1))
        return record(self.ctx, self.force.officer, dvpn("2026-03-20 20:00", perpetrator=someone)).reference

    @rule(target=requests_made, days_ago=st.integers(0, 40), route=st.sampled_from(list(Route)), leaver=st.booleans())
    def received(self, days_ago: int, route: Route, leaver: bool = False) -> str:
        new = NewRequest(
            route,
            PersonInput("Dana Whitlock"),
            PersonInput("Gareth Pellow"),
            self.clock.now() - timedelta(days=days_ago, hours=1),
        )
        who = self.leaver if leaver and not self.left else self.force.officer
        return requests.new_request(self.ctx, who, new).reference

    @rule(ref=requests_made, step=st.sampled_from(["checks", "forum", "disclose", "decline", "disclosed", "close"]))
    def request_step(self, ref: str, step: str) -> None:
        ctx, who = self.ctx, self.force.officer
        do = {
            "checks": lambda: requests.record_checks(ctx, who, ref),
            "forum": lambda: requests.record_forum(ctx, who, ref),
            "disclose": lambda: requests.decide(ctx, who, ref, Decision.DISCLOSE, "history"),
            "decline": lambda: requests.decide(ctx, who, ref, Decision.DECLINE, "no history"),
            "disclosed": lambda: requests.record_disclosure(ctx, who, ref, "the person at risk"),
            "close": lambda: requests.close(ctx, who, ref, "withdrawn"),
        }
        self._attempt(do[step])

    @rule(ref=records, review_days=st.one_of(st.none(), st.integers(1, 30)))
    def adopt(self, ref: str, review_days: int | None) -> None:
        review = self.clock.now() + timedelta(days=review_days) if review_days else None
        self._attempt(lambda: plans.adopt(self.ctx, self.force.supervisor, ref, review))

    @rule(ref=records, hours=st.integers(1, 400), owner_is=st.integers(0, 2))
    def action(self, ref: str, hours: int, owner_is: int) -> None:
        owner = (self.force.officer, self.force.colleague, self.leaver)[owner_is]
        due = self.clock.now() + timedelta(hours=hours)
        self._attempt(
            lambda: plans.add_action(self.ctx, self.force.officer, ref, ActionKind.DISRUPT, owner, due, "an action")
        )

    @rule(ref=records, number=st.integers(1, 3))
    def action_done(self, ref: str, number: int) -> None:
        self._attempt(lambda: plans.action_done(self.ctx, self.force.officer, ref, number))

    @rule(ref=records, days=st.integers(1, 30))
    def review(self, ref: str, days: int) -> None:
        at = self.clock.now() + timedelta(days=days)
        self._attempt(lambda: plans.set_review(self.ctx, self.force.officer, ref, at))

    @rule(ref=records)
    def close_plan(self, ref: str) -> None:
        self._attempt(lambda: plans.close_plan(self.ctx, self.force.supervisor, ref, "risk reduced"))

    @rule(ref=records, review_days=st.one_of(st.none(), st.integers(1, 30)))
    def adopted_by_the_leaver(self, ref: str, review_days: int | None) -> None:
        review = self.clock.now() + timedelta(days=review_days) if review_days else None
        self._attempt(lambda: plans.adopt(self.ctx, self.leaver, ref, review))

    @rule(successor=st.sampled_from(["colleague", "other_officer"]))
    def the_leaver_leaves(self, successor: str) -> None:
        """Their requests, plan actions and plan reviews pass to a colleague in the team, or to an
        officer of Team B (their requests moving team with them)."""
        self._attempt(lambda: teams.deactivate(self.ctx, self.force.admin, self.leaver, getattr(self.force, successor)))
        self.left = True

    @rule(hours=st.integers(1, 24 * 10))
    def time_passes(self, hours: int) -> None:
        self.clock.advance(timedelta(hours=hours))

    @invariant()
    def every_casework_promise_holds(self) -> None:
        with Session(self.ctx.engine) as session:
            found = (
                casework_violations(session)
                + the_casework_counts_are_the_rows(session)
                + open_work_of_those_who_left(session, self.ctx)
            )
        assert found == [], "\n".join(found)

    def teardown(self) -> None:
        """Later runs share the database: this run's requests and plans are ended and their
        reminders put beyond the sweep's reach."""
        with self.ctx.engine.begin() as connection:
            connection.execute(
                sa.update(Reminder)
                .where(col(Reminder.order_id).is_(None), col(Reminder.state) == ReminderState.PENDING)
                .values(state=ReminderState.CANCELLED)
            )
            now = self.clock.now()
            connection.execute(
                sa.update(DisclosureRequest).where(col(DisclosureRequest.closed_at).is_(None)).values(closed_at=now)
            )
            connection.execute(
                sa.update(ManagementPlan).where(col(ManagementPlan.closed_at).is_(None)).values(closed_at=now)
            )


def test_every_casework_promise_holds_over_random_lives(ctx: ServiceContext, clock: ManualClock, force: Force) -> None:
    from hypothesis.stateful import run_state_machine_as_test

    machine = type("Machine", (CaseworkMachine,), {"ctx": ctx, "clock": clock, "force": force})
    run_state_machine_as_test(machine, settings=examples_per_database())
