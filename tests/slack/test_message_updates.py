"""Posted reminders follow the case: once what an alert speaks of changes (the hearing booked, the
record closed, someone else acknowledged it), the next sweep rewrites its message in place with
chat.update, saying what happened, with no buttons left. Through the real Bolt app and the local
Slack stand-in.

A DVPN served Thu 2 Apr 2026 20:00; its 'no hearing booked' alert goes to the officer at 22:00,
unacknowledged it is re-sent and escalated to the supervisor at 22:30."""

from __future__ import annotations

import logging

import pytest

from blocks import actions as ids
from console.slack_api import Call, SlackWebAPI
from scheduler.notifier import SlackNotifier
from scheduler.sweep import sweep_once
from services.clock import ManualClock
from services.context import ServiceContext
from services.records import lifecycle
from services.records import recording as records
from tests.support.force import Force
from tests.support.records import dvpn
from tests.support.slack_driver import SlackDriver, action_ids, blocks_text
from tests.support.sweeps import WORKER, at, make_notifier, reminder_id_of, rows, run_until

REF = "WM-DVPN-2026-0001"
ALERT = f"{REF} (APE): No hearing booked"
RESENT = f"{REF} (APE): Still not acknowledged: No hearing booked"
ESCALATED = f"{REF} (APE): Escalated: No hearing booked"


@pytest.fixture
def notifier(slack_api: SlackWebAPI) -> SlackNotifier:
    return make_notifier(slack_api)


def posts(slack_api: SlackWebAPI) -> dict[int, Call]:
    """Each posted reminder's message, by reminder id."""
    return {reminder_id_of(c): c for c in slack_api.calls("chat.postMessage")}


def ts_of(slack_api: SlackWebAPI, post: Call) -> str:
    position = [c for c in slack_api.calls("chat.postMessage") if c["channel"] == post["channel"]].index(post)
    return str(slack_api.messages(post["channel"])[position]["ts"])


def now_reads(slack_api: SlackWebAPI, post: Call) -> tuple[str, list[str]]:
    """What a posted message says now, and its buttons."""
    ts = ts_of(slack_api, post)
    [message] = [m for m in slack_api.messages(post["channel"]) if m["ts"] == ts]
    return str(message["text"]), action_ids(message["blocks"])


def reminder(ctx: ServiceContext, reminder_id: int) -> dict[str, object]:
    [row] = [r for r in rows(ctx, "reminder") if r["id"] == reminder_id]
    return row


def alert_posted(ctx: ServiceContext, force: Force, clock: ManualClock, slack_api: SlackWebAPI, notifier) -> Call:  # type: ignore[no-untyped-def]
    records.record(ctx, force.officer, dvpn())
    run_until(ctx, clock, slack_api, notifier, at("2026-04-02 22:05"))
    [alert] = slack_api.calls("chat.postMessage")
    assert alert["text"] == ALERT and ids.REMINDER_ACKNOWLEDGE in action_ids(alert.blocks)
    return alert


def escalated(ctx: ServiceContext, force: Force, clock: ManualClock, slack_api: SlackWebAPI, notifier) -> list[Call]:  # type: ignore[no-untyped-def]
    """The alert, its re-send to the officer and the supervisor's copy, all posted."""
    alert_posted(ctx, force, clock, slack_api, notifier)
    run_until(ctx, clock, slack_api, notifier, at("2026-04-02 22:35"))
    by_text = {str(c["text"]): c for c in slack_api.calls("chat.postMessage")}
    assert sorted(by_text) == sorted([ALERT, RESENT, ESCALATED])
    return [by_text[ALERT], by_text[RESENT], by_text[ESCALATED]]


def test_booking_the_hearing_rewrites_the_alert_and_posts_nothing(
    ctx: ServiceContext, force: Force, clock: ManualClock, slack: SlackDriver, slack_api: SlackWebAPI, notifier
) -> None:  # type: ignore[no-untyped-def]
    alert = alert_posted(ctx, force, clock, slack_api, notifier)
    clock.set(at("2026-04-02 22:10"))
    slack.command(force.officer, f"hearing {REF} 2026-04-07 10:00")
    assert rows(ctx, "hearing")[0]["order_id"] == rows(ctx, "protection_order")[0]["id"]  # booked

    result = sweep_once(ctx, notifier, WORKER)

    assert (result.updated, result.sent) == (1, 0)
    [update] = slack_api.calls("chat.update")
    booked = "Hearing booked for Tue 07 Apr 2026 10:00 BST by <@UOFFA1> at Thu 02 Apr 2026 22:10 BST ✓"
    assert update["text"] == f"{ALERT} ({booked})"
    assert action_ids(update.blocks) == []
    assert booked in blocks_text(update.blocks)
    assert "Book it" not in blocks_text(update.blocks)  # no stale instruction either
    assert now_reads(slack_api, alert) == (update["text"], [])
    assert len(slack_api.calls("chat.postMessage")) == 1
    row = reminder(ctx, reminder_id_of(alert))
    assert (row["update_reason"], row["update_due_at"], row["update_attempts"]) == ("moot_hearing_booked", None, 1)

    run_until(ctx, clock, slack_api, notifier, at("2026-04-03 12:00"))  # effectively once: never again
    assert len(slack_api.calls("chat.update")) == 1


def test_a_snoozed_alert_gone_moot_no_longer_says_it_is_snoozed(
    ctx: ServiceContext, force: Force, clock: ManualClock, slack: SlackDriver, slack_api: SlackWebAPI, notifier
) -> None:  # type: ignore[no-untyped-def]
    alert = alert_posted(ctx, force, clock, slack_api, notifier)
    rid = reminder_id_of(alert)
    slack.press_in_reminder(
        force.officer, ids.REMINDER_SNOOZE_PREFIX + "1h", str(rid), alert["channel"], ts_of(slack_api, alert)
    )
    assert "Snoozed by <@UOFFA1>" in now_reads(slack_api, alert)[0]
    slack.command(force.officer, f"hearing {REF} 2026-04-07 10:00")

    run_until(ctx, clock, slack_api, notifier, at("2026-04-03 09:00"))

    booked = "Hearing booked for Tue 07 Apr 2026 10:00 BST by <@UOFFA1> at Thu 02 Apr 2026 22:05 BST ✓"
    assert now_reads(slack_api, alert) == (f"{ALERT} ({booked})", [])
    assert reminder(ctx, rid)["state"] == "cancelled" and len(slack_api.calls("chat.postMessage")) == 1


def test_the_officer_acknowledging_rewrites_the_supervisors_copy_and_the_resend(
    ctx: ServiceContext, force: Force, clock: ManualClock, slack: SlackDriver, slack_api: SlackWebAPI, notifier
) -> None:  # type: ignore[no-untyped-def]
    alert, resent, copy = escalated(ctx, force, clock, slack_api, notifier)
    clock.set(at("2026-04-02 22:40"))
    slack.press_in_reminder(
        force.officer, ids.REMINDER_ACKNOWLEDGE, str(reminder_id_of(alert)), alert["channel"], ts_of(slack_api, alert)
    )
    [pressed] = slack_api.calls("chat.update")  # the pressed message, at once, by the button's handler
    assert pressed["channel"] == alert["channel"]

    assert sweep_once(ctx, notifier, WORKER).updated == 2

    said = "Acknowledged by <@UOFFA1> at Thu 02 Apr 2026 22:40 BST"
    assert now_reads(slack_api, copy) == (f"{ESCALATED} ({said})", [])
    assert now_reads(slack_api, resent) == (f"{RESENT} ({said})", [])
    assert said in blocks_text(slack_api.calls("chat.update")[-1].blocks)
    assert len(slack_api.calls("chat.postMessage")) == 3


def test_the_supervisor_acknowledging_rewrites_the_officers_messages(
    ctx: ServiceContext, force: Force, clock: ManualClock, slack: SlackDriver, slack_api: SlackWebAPI, notifier
) -> None:  # type: ignore[no-untyped-def]
    alert, resent, copy = escalated(ctx, force, clock, slack_api, notifier)
    clock.set(at("2026-04-02 22:41"))
    slack.press_in_reminder(
        force.supervisor, ids.REMINDER_ACKNOWLEDGE, str(reminder_id_of(copy)), copy["channel"], ts_of(slack_api, copy)
    )
    assert sweep_once(ctx, notifier, WORKER).updated == 2

    said = "Acknowledged by <@USUPA> at Thu 02 Apr 2026 22:41 BST"
    assert now_reads(slack_api, alert) == (f"{ALERT} ({said})", [])
    assert now_reads(slack_api, resent) == (f"{RESENT} ({said})", [])


def test_closing_the_record_withdraws_every_posted_reminder(
    ctx: ServiceContext, force: Force, clock: ManualClock, slack: SlackDriver, slack_api: SlackWebAPI, notifier
) -> None:  # type: ignore[no-untyped-def]
    messages = escalated(ctx, force, clock, slack_api, notifier)
    clock.set(at("2026-04-02 23:00"))
    lifecycle.close(ctx, force.officer, REF, "Entered in error")

    result = sweep_once(ctx, notifier, WORKER)

    assert (result.updated, result.sent) == (3, 0)
    closed = "Withdrawn: the record was closed by <@UOFFA1> at Thu 02 Apr 2026 23:00 BST"
    for post in messages:  # the officer's, its re-send and the supervisor's copy all say who and when
        assert now_reads(slack_api, post) == (f"{post['text']} ({closed})", [])
    assert len(slack_api.calls("chat.update")) == 3
    run_until(ctx, clock, slack_api, notifier, at("2026-04-08 12:00"))  # nothing more, ever, for a closed record
    assert (len(slack_api.calls("chat.update")), len(slack_api.calls("chat.postMessage"))) == (3, 3)


def test_an_update_answered_429_is_retried_after_retry_after_and_applied_once(
    ctx: ServiceContext, force: Force, clock: ManualClock, slack: SlackDriver, slack_api: SlackWebAPI, notifier
) -> None:  # type: ignore[no-untyped-def]
    alert = alert_posted(ctx, force, clock, slack_api, notifier)
    lifecycle.close(ctx, force.officer, REF, "Entered in error")
    slack_api.fail(429, method="chat.update", retry_after=1)

    assert sweep_once(ctx, notifier, WORKER).updated == 1

    assert [c.method for c in slack_api.faulted] == ["chat.update"]  # answered 429 once
    [update] = slack_api.calls("chat.update")  # then applied, once
    assert update.at - slack_api.faulted[0].at >= 1  # after waiting out Retry-After
    closed = "Withdrawn: the record was closed by <@UOFFA1> at Thu 02 Apr 2026 22:05 BST"
    assert now_reads(slack_api, alert) == (f"{ALERT} ({closed})", [])
    assert reminder(ctx, reminder_id_of(alert))["update_due_at"] is None


def test_an_update_for_a_deleted_message_is_given_up_and_logged_without_personal_data(
    ctx: ServiceContext,
    force: Force,
    clock: ManualClock,
    slack: SlackDriver,
    slack_api: SlackWebAPI,
    notifier,
    caplog: pytest.LogCaptureFixture,
) -> None:  # type: ignore[no-untyped-def]
    alert = alert_posted(ctx, force, clock, slack_api, notifier)
    slack_api.delete_message(alert["channel"], ts_of(slack_api, alert))  # deleted in Slack by someone
    lifecycle.close(ctx, force.officer, REF, "Entered in error")

    with caplog.at_level(logging.INFO):
        result = sweep_once(ctx, notifier, WORKER)

    assert (result.updated, result.update_dropped, result.update_retrying) == (0, 1, 0)
    rid = reminder_id_of(alert)
    assert reminder(ctx, rid)["update_due_at"] is None
    [line] = [r.getMessage() for r in caplog.records if "gone from Slack" in r.getMessage()]
    assert line == f"reminder {rid}: its message is gone from Slack (message_not_found (HTTP 200)): not updated"
    logged = caplog.text
    for personal in ("APE", "Entered in error", REF):
        assert personal not in logged
    run_until(ctx, clock, slack_api, notifier, at("2026-04-08 12:00"))
    assert len(slack_api.calls("chat.update")) == 1  # the one answered message_not_found: not tried again


def test_an_admin_adding_a_bank_holiday_withdraws_a_moved_countdown_without_claiming_the_record_changed(
    ctx: ServiceContext, force: Force, clock: ManualClock, slack: SlackDriver, slack_api: SlackWebAPI, notifier
) -> None:  # type: ignore[no-untyped-def]
    """The DVPN is due in court by Tue 7 Apr 20:00; its 24-hour countdown is posted Mon 6 Apr 20:00.
    An admin then makes Tue 7 Apr an excluded day: the deadline moves a day, the posted countdown no
    longer applies, and its message says the bank holidays changed (and who changed them): not that
    the record was corrected, which nobody did."""
    records.record(ctx, force.officer, dvpn())
    run_until(ctx, clock, slack_api, notifier, at("2026-04-06 20:05"))
    [countdown] = [
        c for c in slack_api.calls("chat.postMessage") if c["text"] == f"{REF} (APE): Hearing deadline in 24 hours"
    ]
    before = len(slack_api.calls("chat.update"))
    clock.set(at("2026-04-06 20:10"))
    slack.command(force.admin, 'admin holiday add 7/4/2026 "Day of national mourning"')

    sweep_once(ctx, notifier, WORKER)

    [update] = slack_api.calls("chat.update")[before:]
    said = "Withdrawn: the deadline moved as bank holidays were changed by <@UADMIN> at Mon 06 Apr 2026 20:10 BST"
    assert update["text"] == f"{countdown['text']} ({said})" and action_ids(update.blocks) == []
    assert now_reads(slack_api, countdown) == (update["text"], [])
    assert {r["update_reason"] for r in rows(ctx, "reminder") if r["update_reason"]} == {"moot_calendar"}
