"""Promises about reminders, checked after every step of random sequences of clock moves, sweeps,
bookings, checks, snoozes and acknowledgements on a DVPN, on SQLite and PostgreSQL:

- no snooze ends after the deadline its reminder is about (a forged choice past it is refused);
- no escalation precedes the first notice to the owner: a re-send or escalation goes after the
  reminder it follows was first posted, and a supervisor's copy of an alert after the officer's
  own reminder was first posted (unless that could not be delivered).

Each example starts from the same moment with no records, and records a DVPN served then.
How many: HYPOTHESIS_PROFILE (tests/properties/conftest.py)."""

from __future__ import annotations

import contextlib
from dataclasses import replace
from datetime import datetime, timedelta
from http import HTTPStatus

import sqlalchemy as sa
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test

from console.slack_api import SlackWebAPI
from scheduler.sweep import sweep_once
from services.clock import ManualClock
from services.context import ServiceContext
from services.errors import DomainError
from services.records import checks, hearings
from services.records import recording as records
from services.reminders import actions as reminder_actions
from services.reminders.snoozing import SNOOZE_CHOICES
from tests.properties.conftest import examples_per_database
from tests.support.force import Force
from tests.support.records import dvpn
from tests.support.sweeps import WORKER, at, make_notifier, next_event, rows, user_ids

START = at("2026-04-02 20:30")  # every example starts here, so a failing one replays the same
# What a record leaves behind, emptied between examples (the audit trail is append-only and stays).
RECORD_TABLES = (
    "reminder",
    "breach_check",
    "breach",
    "notification",
    "identity_mismatch",
    "order_protected_person",
    "hearing",
    "protection_order",
)


def start_afresh(ctx: ServiceContext, clock: ManualClock) -> None:
    with ctx.engine.begin() as connection:
        for name in RECORD_TABLES:
            connection.execute(sa.text(f"DELETE FROM {name}"))  # fixed table names
    clock.set(START)


GRACE = timedelta(hours=4)  # DVPN_BREACH_CHECK_GRACE_HOURS, the default the context uses


def utc(value: object) -> datetime:
    assert isinstance(value, datetime)
    return value


def the_deadline(ctx: ServiceContext, row: dict[str, object]) -> datetime | None:
    """What a reminder is about falls due then, read straight from the tables."""
    kind = str(row["kind"])
    if kind.startswith(("renotify:", "escalation:")):
        source = next(r for r in rows(ctx, "reminder") if r["id"] == int(kind.split(":")[1]))
        return the_deadline(ctx, source)
    order = next(o for o in rows(ctx, "protection_order") if o["id"] == row["order_id"])
    if kind.startswith(("no_hearing_booked", "hearing_deadline_in_", "hearing_unbooked_supervisor:")):
        return utc(order["hearing_deadline_at"])
    if kind.startswith(("hearing_tomorrow", "hearing_in_")):
        pending = [h for h in rows(ctx, "hearing", order_id=order["id"]) if h["outcome"] is None]
        return utc(pending[0]["scheduled_at"]) if pending else None
    if kind.startswith("breach_check_due:"):
        check = next(c for c in rows(ctx, "breach_check") if c["id"] == int(kind.split(":")[1]))
        return max(utc(check["due_at"]), utc(row["due_at"])) + GRACE
    return None


def owner_kind(kind: str, officer_id: int) -> str | None:
    """The officer's own reminder a supervisor's copy of an alert is about."""
    head, _, rest = kind.partition(":")
    parts = rest.split(":")
    if head == "breach_check_overdue":
        return f"breach_check_due:{parts[0]}"
    if head == "hearing_unbooked_supervisor":
        return "no_hearing_booked"
    if head in ("notice_lapsed", "notification_missing") and parts[-1] != str(officer_id):
        return f"{head}:{officer_id}"
    return None


def check_reminders(ctx: ServiceContext, force: Force, clock: ManualClock) -> None:
    officer_id = user_ids(ctx)[force.officer]

    class Reminders(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            start_afresh(ctx, clock)
            # A Slack stand-in of its own, so no fault left over from another example changes this one.
            self.slack = SlackWebAPI().__enter__()
            self.notifier = make_notifier(self.slack, retries=0)  # a failed post is retried by the sweep
            now = clock.now()
            self.reference = records.record(ctx, force.officer, replace(dvpn(), served_at=now)).reference
            self.order_id = next(
                int(o["id"]) for o in rows(ctx, "protection_order") if o["reference"] == self.reference
            )  # type: ignore[call-overload]
            self.first_sent: dict[int, datetime] = {}
            self.undelivered: set[int] = set()
            self.booked = False
            self._note_sent()

        def _mine(self) -> list[dict[str, object]]:
            return rows(ctx, "reminder", order_id=self.order_id)

        def _note_sent(self) -> None:
            for r in rows(ctx, "reminder"):
                if r["state"] == "failed":  # could not be delivered: its escalation says so, at once
                    self.undelivered.add(int(r["id"]))  # type: ignore[call-overload]
                if r["sent_at"] is not None and int(r["id"]) not in self.first_sent:  # type: ignore[call-overload]
                    self.first_sent[int(r["id"])] = utc(r["sent_at"])  # type: ignore[call-overload]

        @rule(minutes=st.integers(min_value=1, max_value=36 * 60))
        def time_passes(self, minutes: int) -> None:
            """The scheduler sweeps at every moment something falls due."""
            to = clock.now() + timedelta(minutes=minutes)
            while (moment := next_event(ctx)) is not None and moment <= to:
                clock.set(max(moment, clock.now()))
                sweep_once(ctx, self.notifier, WORKER)
                self._note_sent()
            clock.set(max(to, clock.now()))

        @precondition(lambda self: not self.booked)
        @rule(hours=st.integers(min_value=1, max_value=120))
        def hearing_booked(self, hours: int) -> None:
            try:
                hearings.book_hearing(ctx, force.officer, self.reference, clock.now() + timedelta(hours=hours))
                self.booked = True
            except DomainError:
                pass  # refused (e.g. the notice has lapsed): nothing changed

        @rule(hours=st.integers(min_value=1, max_value=72))
        def check_planned(self, hours: int) -> None:
            """A check at any hour, night ones included (quiet hours hold the officer's reminder)."""
            with contextlib.suppress(DomainError):
                checks.plan_check(ctx, force.officer, self.reference, clock.now() + timedelta(hours=hours))

        @rule(calls=st.integers(min_value=1, max_value=9))
        def slack_fails(self, calls: int) -> None:
            """Slack answers the next posts with a server error: they are retried later."""
            self.slack.fail(HTTPStatus.INTERNAL_SERVER_ERROR, method="chat.postMessage", times=calls)

        @rule(choice=st.sampled_from([*SNOOZE_CHOICES]), pick=st.integers(min_value=0, max_value=50))
        def snoozed(self, choice: str, pick: int) -> None:
            sent = [r for r in self._mine() if r["state"] in ("sent", "acknowledged")]
            if not sent:
                return
            row = sent[pick % len(sent)]
            deadline = the_deadline(ctx, row)
            try:
                result = reminder_actions.snooze(ctx, force.officer, int(row["id"]), choice)  # type: ignore[call-overload]
            except DomainError:
                return
            assert result.snoozed_until is not None
            assert deadline is None or result.snoozed_until <= deadline

        @rule(pick=st.integers(min_value=0, max_value=50))
        def acknowledged(self, pick: int) -> None:
            sent = [r for r in self._mine() if r["state"] == "sent"]
            if sent:
                reminder_actions.acknowledge(ctx, force.supervisor, int(sent[pick % len(sent)]["id"]))  # type: ignore[call-overload]

        @rule(pick=st.integers(min_value=0, max_value=50))
        def check_done_pressed(self, pick: int) -> None:
            sent = [r for r in self._mine() if str(r["kind"]).startswith("breach_check_due:") and r["state"] == "sent"]
            if sent:
                with contextlib.suppress(DomainError):  # refused: nothing changed
                    reminder_actions.record_check(ctx, force.officer, int(sent[pick % len(sent)]["id"]))  # type: ignore[call-overload]

        @invariant()
        def no_snooze_ends_after_its_deadline(self) -> None:
            for row in rows(ctx, "reminder", state="pending"):
                if row["snoozed_until"] is not None:
                    deadline = the_deadline(ctx, row)
                    assert deadline is None or utc(row["snoozed_until"]) <= deadline, row

        @invariant()
        def no_escalation_precedes_the_first_notice_to_the_owner(self) -> None:
            every = {int(r["id"]): r for r in rows(ctx, "reminder")}  # type: ignore[call-overload]
            for rid, sent_at in self.first_sent.items():
                row = every[rid]
                kind = str(row["kind"])
                if kind.startswith(("renotify:", "escalation:")):
                    source = every[int(kind.split(":")[1])]
                    source_id = int(source["id"])  # type: ignore[call-overload]
                    assert source_id in self.undelivered or self.first_sent[source_id] <= sent_at, row
                    continue
                owner = owner_kind(kind, officer_id)
                if owner is None:
                    continue
                owners = [
                    r
                    for r in every.values()
                    if r["order_id"] == row["order_id"] and r["kind"] == owner and r["state"] != "cancelled"
                ]
                for found in owners:
                    undelivered = int(found["id"]) in self.undelivered  # type: ignore[call-overload]
                    if not undelivered and utc(found["due_at"]) <= utc(row["due_at"]):
                        assert int(found["id"]) in self.first_sent, (row, found)  # type: ignore[call-overload]
                        assert self.first_sent[int(found["id"])] <= sent_at, (row, found)  # type: ignore[call-overload]

        def teardown(self) -> None:
            self.slack.__exit__(None, None, None)

    run_state_machine_as_test(
        Reminders,
        settings=settings(
            max_examples=examples_per_database().max_examples,  # HYPOTHESIS_PROFILE, as the lifecycle machine
            stateful_step_count=12,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )


def test_snoozes_and_escalations_keep_their_promises(ctx: ServiceContext, force: Force, clock: ManualClock) -> None:  # type: ignore[no-untyped-def]
    check_reminders(ctx, force, clock)
