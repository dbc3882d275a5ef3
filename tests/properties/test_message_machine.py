"""Random lives of records (tests/properties/test_lifecycle_machine.py's events) with their
reminders posted to Slack as the scheduler posts them: after every step the sweep runs, as it does
every few seconds, and someone may press a posted reminder's button through the real Bolt app.
After every step no message standing in Slack shows a button that no longer applies
(tests/properties/invariants.py: stale_buttons), on SQLite and PostgreSQL, and the lifecycle's
invariants hold too.

How many lives: HYPOTHESIS_PROFILE (tests/properties/conftest.py), a tenth of the lifecycle
machine's, since every step also goes through Slack."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import invariant, rule
from sqlmodel import col

from blocks import actions as ids
from console.slack_api import SlackWebAPI
from models import Reminder
from models.db import session_scope
from scheduler.notifier import SlackNotifier
from scheduler.sweep import sweep_once
from services.clock import ManualClock
from services.context import ServiceContext
from services.records import lifecycle
from tests.properties.conftest import examples_per_database
from tests.properties.invariants import stale_buttons
from tests.properties.test_lifecycle_machine import LifecycleMachine
from tests.support.force import Force
from tests.support.slack_app import ctx, slack, slack_api
from tests.support.slack_driver import SlackDriver
from tests.support.sweeps import WORKER, make_notifier, run_until

__all__ = ["ctx", "slack", "slack_api"]  # the real Bolt app over the stand-in, for this module's tests

PRESSES = [ids.REMINDER_ACKNOWLEDGE, ids.REMINDER_DISMISS, ids.REMINDER_SNOOZE_PREFIX + "1h"]


class MessageMachine(LifecycleMachine):
    """The lifecycle machine, with Slack: every step ends with a sweep."""

    slack: SlackDriver
    slack_api: SlackWebAPI
    notifier: SlackNotifier

    def __init__(self) -> None:
        super().__init__()
        # Earlier lives' messages are about their records, put beyond reach at their teardown.
        self.earlier = {m["ts"] for m in self.slack_api.messages()}  # the stand-in's ts are unique

    def _attempt(self, event: object) -> object | None:
        result = super()._attempt(event)
        sweep_once(self.ctx, self.notifier, WORKER)
        return result

    @rule(hours=st.integers(1, 72))
    def time_passes(self, hours: int) -> None:
        """The clock moves, the sweep posting each reminder as it falls due on the way, and the
        passed-deadlines job runs."""
        run_until(self.ctx, self.clock, self.slack_api, self.notifier, self.now + timedelta(hours=hours))
        lifecycle.store_passed_deadlines(self.ctx)
        sweep_once(self.ctx, self.notifier, WORKER)

    @rule()
    def rollover(self) -> None:
        super().rollover()
        sweep_once(self.ctx, self.notifier, WORKER)

    @rule(pick=st.integers(0, 50), press=st.sampled_from(PRESSES), by_supervisor=st.booleans())
    def press_a_button(self, pick: int, press: str, by_supervisor: bool) -> None:
        """Someone presses Acknowledge, Dismiss or Snooze on a posted reminder that offers it, then
        the sweep runs."""
        offering = [
            (channel, m)
            for channel, kept in self.slack_api.state.messages.items()
            for m in list(kept)
            if m["ts"] not in self.earlier
            and any(e.get("action_id") == press for b in m.get("blocks") or [] for e in b.get("elements", []))
        ]
        if not offering:
            return
        channel, message = offering[pick % len(offering)]
        [value] = [e["value"] for b in message["blocks"] for e in b.get("elements", []) if e.get("action_id") == press]
        user = self.force.supervisor if by_supervisor else self.force.officer
        self.slack.press_in_reminder(user, press, value, channel, message["ts"])
        sweep_once(self.ctx, self.notifier, WORKER)

    def teardown(self) -> None:
        """As the lifecycle machine's, and this life's posted reminders neither escalate nor wait
        for an update in a later life."""
        super().teardown()
        if self.order_ids:
            with self.ctx.engine.begin() as connection:
                connection.execute(
                    sa.update(Reminder)
                    .where(col(Reminder.order_id).in_(self.order_ids))
                    .values(escalate_at=None, update_due_at=None)
                )

    @invariant()
    def no_message_shows_a_button_that_no_longer_applies(self) -> None:
        with session_scope(self.ctx.engine) as session:
            mine = [m for m in self.slack_api.messages() if m["ts"] not in self.earlier]
            found = stale_buttons(session, self.ctx, self.now, mine)
        assert found == [], "\n".join(found)


def test_no_posted_message_keeps_a_stale_button(
    ctx: ServiceContext, clock: ManualClock, force: Force, slack: SlackDriver, slack_api: SlackWebAPI
) -> None:
    notifier = make_notifier(slack_api)
    machine = type(
        "Machine",
        (MessageMachine,),
        {"ctx": ctx, "clock": clock, "force": force, "slack": slack, "slack_api": slack_api, "notifier": notifier},
    )
    from hypothesis.stateful import run_state_machine_as_test

    base = examples_per_database()
    run_state_machine_as_test(machine, settings=settings(base, max_examples=max(1, base.max_examples // 10)))
