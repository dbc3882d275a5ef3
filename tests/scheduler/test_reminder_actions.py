"""Acknowledge, snooze and done: what they change, what they audit, who may press them; and the
escalation of a critical reminder nobody acknowledged."""

from __future__ import annotations

import pytest
from slack_bolt import App

from blocks import actions as ids
from blocks.reminder_wording import status_line
from blocks.wording import say
from console.slack_api import SlackWebAPI
from handlers import reminder_actions as reminder_buttons
from handlers.context import ProvideServices
from handlers.web_client import web_client
from scheduler.notifier import SlackNotifier
from scheduler.sweep import sweep_once
from services.clock import ManualClock
from services.context import ServiceContext
from services.errors import Conflict, NotAllowed, NotFound
from services.records import hearings
from services.records import recording as records
from services.reminders import actions as reminder_actions
from tests.support.block_limits import check_recorded_call
from tests.support.database import audit_rows, row_counts
from tests.support.force import Force
from tests.support.records import dvpn
from tests.support.slack_driver import SIGNING_SECRET, DrainingExecutor, SlackDriver
from tests.support.sweeps import WORKER, at, reminder_id_of, rows, run_until


def first_alert(
    ctx: ServiceContext, force: Force, clock: ManualClock, slack: SlackWebAPI, notifier: SlackNotifier
) -> int:
    """Record a DVPN and let its 'no hearing booked' alert (critical) go out at 22:00."""
    records.record(ctx, force.officer, dvpn())
    run_until(ctx, clock, slack, notifier, at("2026-04-02 22:05"))
    [call] = slack.calls("chat.postMessage")
    return reminder_id_of(call)


def reminder(ctx: ServiceContext, reminder_id: int) -> dict[str, object]:
    return next(r for r in rows(ctx, "reminder") if r["id"] == reminder_id)


def test_acknowledging_stops_the_escalation_and_is_audited(ctx, force, clock, slack, notifier) -> None:  # type: ignore[no-untyped-def]
    rid = first_alert(ctx, force, clock, slack, notifier)
    result = reminder_actions.acknowledge(ctx, force.officer, rid)

    row = reminder(ctx, rid)
    assert (row["state"], row["acknowledged_at"], row["escalate_at"]) == ("acknowledged", clock.now(), None)
    assert say(status_line(result)) == "Acknowledged by <@UOFFA1> at Thu 02 Apr 2026 22:05 BST"
    assert (result.channel, result.ts) == (row["slack_channel"], row["slack_ts"])
    [audit] = audit_rows(ctx.engine, entity_type="reminder", action="acknowledge")
    assert audit["actor"] == "slack:UOFFA1" and audit["entity_id"] == rid
    assert audit["after"]["state"] == "acknowledged"  # type: ignore[index]
    run_until(ctx, clock, slack, notifier, at("2026-04-03 12:00"))
    assert len(slack.calls("chat.postMessage")) == 1  # no re-send, no escalation
    again = reminder_actions.acknowledge(ctx, force.colleague, rid)  # a double press changes nothing
    assert again.action == "already" and len(audit_rows(ctx.engine, entity_type="reminder")) == 1


def test_unacknowledged_critical_reminders_are_resent_and_escalated(ctx, force, clock, slack, notifier) -> None:  # type: ignore[no-untyped-def]
    rid = first_alert(ctx, force, clock, slack, notifier)
    clock.set(at("2026-04-02 22:29"))
    assert sweep_once(ctx, notifier, WORKER).escalated == 0
    clock.set(at("2026-04-02 22:30"))  # DVPN_ESCALATE_AFTER_MINUTES=30 after it was sent
    assert sweep_once(ctx, notifier, WORKER).escalated == 1

    _, *followed = slack.calls("chat.postMessage")
    by_channel = {call["channel"]: call for call in followed}  # posted to both at once: either may come first
    assert sorted(by_channel) == ["DOFFA1", "DSUPA"] and len(followed) == 2
    resent, escalated = by_channel["DOFFA1"], by_channel["DSUPA"]
    assert "Still not acknowledged: No hearing booked" in resent["text"]
    assert "not acknowledged by <@UOFFA1>" in str(escalated.blocks)
    [audit] = audit_rows(ctx.engine, entity_type="reminder", action="escalate")
    assert audit["entity_id"] == rid and audit["actor"] == "system:scheduler"

    # The supervisor acknowledging the escalation settles the officer's alert too: nothing more is sent.
    reminder_actions.acknowledge(ctx, force.supervisor, reminder_id_of(escalated))
    assert reminder(ctx, rid)["state"] == "acknowledged"
    assert sweep_once(ctx, notifier, WORKER).escalated == 0
    assert len(slack.calls("chat.postMessage")) == 3


def test_booking_the_hearing_withdraws_the_alert_so_it_does_not_escalate(ctx, force, clock, slack, notifier) -> None:  # type: ignore[no-untyped-def]
    rid = first_alert(ctx, force, clock, slack, notifier)
    hearings.book_hearing(ctx, force.officer, "WM-DVPN-2026-0001", at("2026-04-07 10:00"))
    assert reminder(ctx, rid)["escalate_at"] is None
    clock.set(at("2026-04-02 23:00"))
    assert sweep_once(ctx, notifier, WORKER).escalated == 0
    assert len(slack.calls("chat.postMessage")) == 1


def test_snooze_sends_it_again_later_not_marked_late(ctx, force, clock, slack, notifier) -> None:  # type: ignore[no-untyped-def]
    rid = first_alert(ctx, force, clock, slack, notifier)
    result = reminder_actions.snooze(ctx, force.officer, rid, "1h")
    assert result.snoozed_until == at("2026-04-02 23:05")
    assert say(status_line(result)) == "Snoozed by <@UOFFA1> until Thu 02 Apr 2026 23:05 BST"
    row = reminder(ctx, rid)
    assert (row["state"], row["attempts"], row["escalate_at"]) == ("pending", 0, None)
    [audit] = audit_rows(ctx.engine, entity_type="reminder", action="snooze")
    assert audit["after"]["snoozed_until"] == "2026-04-02T22:05:00+00:00"  # type: ignore[index]

    clock.set(at("2026-04-02 22:35"))
    assert sweep_once(ctx, notifier, WORKER).sent == 0  # not escalated, not sent while snoozed
    clock.set(at("2026-04-02 23:05"))
    assert sweep_once(ctx, notifier, WORKER).sent == 1
    assert slack.calls("chat.postMessage")[-1]["text"] == "WM-DVPN-2026-0001 (APE): No hearing booked"


@pytest.mark.parametrize(
    "now, expected", [("2026-04-02 22:05", "2026-04-03 08:00"), ("2026-04-03 06:30", "2026-04-03 08:00")]
)
def test_snooze_until_eight_is_the_next_eight_oclock_local(ctx, force, clock, slack, notifier, now, expected) -> None:  # type: ignore[no-untyped-def]
    rid = first_alert(ctx, force, clock, slack, notifier)
    clock.set(at(now))
    assert reminder_actions.snooze(ctx, force.officer, rid, "0800").snoozed_until == at(expected)


def test_dismiss_closes_the_reminder_for_a_supervisor_of_the_team(ctx, force, clock, slack, notifier) -> None:  # type: ignore[no-untyped-def]
    rid = first_alert(ctx, force, clock, slack, notifier)
    result = reminder_actions.dismiss(ctx, force.supervisor, rid)
    assert say(status_line(result)).startswith("Dismissed by <@USUPA> at")
    assert reminder(ctx, rid)["acknowledged_by_id"] is not None
    assert [a["action"] for a in audit_rows(ctx.engine, entity_type="reminder")] == ["dismiss"]


@pytest.mark.parametrize("who", ["other_officer", "champion", "admin"])
def test_people_outside_the_team_are_refused_and_nothing_changes(ctx, force, clock, slack, notifier, who) -> None:  # type: ignore[no-untyped-def]
    rid = first_alert(ctx, force, clock, slack, notifier)
    before, row = row_counts(ctx.engine), reminder(ctx, rid)
    for press in (
        lambda: reminder_actions.acknowledge(ctx, getattr(force, who), rid),
        lambda: reminder_actions.dismiss(ctx, getattr(force, who), rid),
        lambda: reminder_actions.snooze(ctx, getattr(force, who), rid, "4h"),
    ):
        with pytest.raises(NotAllowed, match="WM-DVPN-2026-0001"):
            press()
    assert row_counts(ctx.engine) == before
    assert reminder(ctx, rid) == row


def test_bad_presses_are_refused(ctx, force, clock, slack, notifier) -> None:  # type: ignore[no-untyped-def]
    rid = first_alert(ctx, force, clock, slack, notifier)
    with pytest.raises(NotFound):
        reminder_actions.acknowledge(ctx, force.officer, 999_999)
    with pytest.raises(Exception, match="Snooze for one of"):
        reminder_actions.snooze(ctx, force.officer, rid, "2d")
    with ctx.engine.begin() as connection:
        connection.exec_driver_sql(f"UPDATE reminder SET state = 'claimed' WHERE id = {rid}")
    with pytest.raises(Conflict, match="being sent"):
        reminder_actions.acknowledge(ctx, force.officer, rid)


# -- the buttons, through the real Bolt app -------------------------------------------------------------


@pytest.fixture
def driver(ctx: ServiceContext, slack: SlackWebAPI):  # type: ignore[no-untyped-def]
    executor = DrainingExecutor()
    client = web_client(ctx.settings.__class__(slack_api_url=slack.api_url), token="xoxb-test", retries=0)
    app = App(
        client=client, signing_secret=SIGNING_SECRET, token_verification_enabled=False, listener_executor=executor
    )
    app.use(ProvideServices(ctx))  # as handlers.app does: the listeners find the services in the context
    reminder_buttons.register(app)
    yield SlackDriver(app, slack, executor)
    executor.shutdown(wait=True)
    for call in slack.calls():
        check_recorded_call(call.method, call.args)  # every message is valid Block Kit within Slack's limits


def test_pressing_a_button_updates_the_message_in_place(ctx, force, clock, slack, notifier, driver) -> None:  # type: ignore[no-untyped-def]
    rid = first_alert(ctx, force, clock, slack, notifier)
    [post] = slack.calls("chat.postMessage")
    channel, ts = post["channel"], slack.messages(post["channel"])[0]["ts"]
    buttons = [e["action_id"] for b in post.blocks if b["type"] == "actions" for e in b["elements"]]
    snoozes = [ids.REMINDER_SNOOZE_PREFIX + c for c in ids.SNOOZE_CHOICES]
    # Nothing booked: the alert's own work comes first; an urgent alert is acknowledged, not dismissed.
    assert buttons == [ids.REMINDER_BOOK_HEARING, ids.REMINDER_ACKNOWLEDGE, *snoozes, ids.OPEN_RECORD]

    driver.press_in_reminder(force.officer, ids.REMINDER_SNOOZE_PREFIX + "4h", str(rid), channel, ts)

    [update] = slack.calls("chat.update")
    assert (update["channel"], update["ts"]) == (channel, ts)
    assert "Snoozed by <@UOFFA1> until Fri 03 Apr 2026 02:05 BST" in str(update.blocks)
    assert [e["action_id"] for b in update.blocks if b["type"] == "actions" for e in b["elements"]] == [ids.OPEN_RECORD]
    assert reminder(ctx, rid)["state"] == "pending"


def test_a_refused_press_is_told_to_the_presser_alone(ctx, force, clock, slack, notifier, driver) -> None:  # type: ignore[no-untyped-def]
    rid = first_alert(ctx, force, clock, slack, notifier)
    [post] = slack.calls("chat.postMessage")
    driver.press_in_reminder(force.other_officer, ids.REMINDER_ACKNOWLEDGE, str(rid), post["channel"], "1.1")
    [reply] = slack.calls("response_url")
    assert reply["response_type"] == "ephemeral" and "not yours to act on" in reply["text"]
    assert slack.calls("chat.update") == []
    assert reminder(ctx, rid)["state"] == "sent"
