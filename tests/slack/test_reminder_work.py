"""Reminders whose buttons do the work they name, through the real Bolt app and the local Slack
stand-in: the exact messages posted, in order, and what each press changed.

A DVPN served Thu 2 Apr 2026 20:00 (deadline Tue 7 Apr 20:00, Good Friday and Easter Monday
skipped); the clock starts at 21:00."""

from __future__ import annotations

import pytest

from blocks import actions as ids
from console.slack_api import SlackWebAPI
from scheduler.notifier import SlackNotifier
from services.clock import ManualClock
from services.context import ServiceContext
from services.records import breaches, hearings
from services.records import recording as records
from tests.support.block_limits import check_view
from tests.support.force import Force
from tests.support.records import dvpn
from tests.support.slack_driver import SlackDriver, action_ids, blocks_text
from tests.support.sweeps import Seen, at, make_notifier, rows, run_until, user_ids

REF = "WM-DVPN-2026-0001"
CRIME = "22/123456/26"  # in the force's format (DVPN_CRIME_REFERENCE_PATTERN)


@pytest.fixture
def notifier(slack_api: SlackWebAPI) -> SlackNotifier:
    return make_notifier(slack_api)


def reminder_row(ctx: ServiceContext, kind: str) -> dict[str, object]:
    [row] = [r for r in rows(ctx, "reminder") if r["kind"] == kind and r["state"] != "cancelled"]
    return row


def press(slack: SlackDriver, ctx: ServiceContext, user: str, action_id: str, kind: str) -> None:
    """Press a button on the message a reminder of `kind` was posted as."""
    row = reminder_row(ctx, kind)
    slack.press_in_reminder(user, action_id, str(row["id"]), str(row["slack_channel"]), str(row["slack_ts"]))


def posted(slack_api: SlackWebAPI) -> list[str]:
    return [str(c["text"]) for c in slack_api.calls("chat.postMessage")]


def updates(slack_api: SlackWebAPI) -> list[str]:
    return [str(c["text"]) for c in slack_api.calls("chat.update")]


def buttons(slack_api: SlackWebAPI, position: int = -1) -> list[str]:
    return action_ids(slack_api.calls("chat.postMessage")[position].blocks)


def booked_in_time(ctx: ServiceContext, force: Force) -> None:
    records.record(ctx, force.officer, dvpn())
    hearings.book_hearing(ctx, force.officer, REF, at("2026-04-07 13:30"))


# -- breach checks --------------------------------------------------------------------------------


def test_check_done_records_the_check_and_nobody_is_told_it_is_overdue(
    ctx: ServiceContext, force: Force, clock: ManualClock, slack: SlackDriver, slack_api: SlackWebAPI, notifier
) -> None:  # type: ignore[no-untyped-def]
    booked_in_time(ctx, force)
    seen = run_until(ctx, clock, slack_api, notifier, at("2026-04-03 20:05"))
    assert seen == [Seen("Fri 03 20:00", force.officer, "breach_check_due:1")]
    # Due Fri 20:00, the supervisors are told at 00:00: until 08:00 would pass that, 1 h and 4 h do not.
    snoozes = [ids.REMINDER_SNOOZE_PREFIX + "1h", ids.REMINDER_SNOOZE_PREFIX + "4h"]
    assert buttons(slack_api) == [
        ids.REMINDER_CHECK_DONE,
        ids.REMINDER_CHECK_FORM,
        ids.REMINDER_DISMISS,
        *snoozes,
        ids.OPEN_RECORD,
    ]

    press(slack, ctx, force.officer, ids.REMINDER_CHECK_DONE, "breach_check_due:1")

    check = rows(ctx, "breach_check")[0]
    assert (check["done_at"], check["done_by_id"]) == (at("2026-04-03 20:05"), user_ids(ctx)[force.officer])
    assert updates(slack_api) == [
        f"{REF} (APE): Breach check due (Check recorded by <@UOFFA1> at Fri 03 Apr 2026 20:05 BST)"
    ]
    assert run_until(ctx, clock, slack_api, notifier, at("2026-04-04 12:00")) == []  # no "overdue" to anyone
    assert posted(slack_api) == [f"{REF} (APE): Breach check due"]


def test_record_outcome_of_check_opens_the_form_and_saves_the_outcome(
    ctx: ServiceContext, force: Force, clock: ManualClock, slack: SlackDriver, slack_api: SlackWebAPI, notifier
) -> None:  # type: ignore[no-untyped-def]
    booked_in_time(ctx, force)
    run_until(ctx, clock, slack_api, notifier, at("2026-04-03 20:05"))
    press(slack, ctx, force.officer, ids.REMINDER_CHECK_FORM, "breach_check_due:1")
    form = slack.opened_view()
    assert form["callback_id"] == ids.CHECK_FORM

    slack.submit(force.officer, form, {"done_at": "today 19:30", "outcome": "Visited, no contact made"})

    check = rows(ctx, "breach_check")[0]
    assert (check["done_at"], check["outcome"]) == (at("2026-04-03 19:30"), "Visited, no contact made")
    assert updates(slack_api) == [
        f"{REF} (APE): Breach check due (Check recorded by <@UOFFA1> at Fri 03 Apr 2026 20:05 BST)"
    ]
    assert reminder_row(ctx, "breach_check_due:1")["state"] == "acknowledged"
    assert run_until(ctx, clock, slack_api, notifier, at("2026-04-04 12:00")) == []


def test_a_check_button_pressed_after_the_check_was_recorded_changes_nothing(
    ctx: ServiceContext, force: Force, clock: ManualClock, slack: SlackDriver, slack_api: SlackWebAPI, notifier
) -> None:  # type: ignore[no-untyped-def]
    booked_in_time(ctx, force)
    run_until(ctx, clock, slack_api, notifier, at("2026-04-03 20:05"))
    slack.command(force.colleague, "check WM-DVPN-2026-0001 done today 19:00")
    checks_before = rows(ctx, "breach_check")

    press(slack, ctx, force.officer, ids.REMINDER_CHECK_DONE, "breach_check_due:1")

    assert rows(ctx, "breach_check") == checks_before  # the next week's check was not recorded by mistake
    assert "already" in slack.last_reply()["text"] and slack.last_reply()["response_type"] == "ephemeral"
    assert updates(slack_api) == []


# -- crime references -----------------------------------------------------------------------------


def test_add_crime_reference_opens_a_form_for_that_breach_and_records_no_second_breach(
    ctx: ServiceContext, force: Force, clock: ManualClock, slack: SlackDriver, slack_api: SlackWebAPI, notifier
) -> None:  # type: ignore[no-untyped-def]
    booked_in_time(ctx, force)
    run_until(ctx, clock, slack_api, notifier, at("2026-04-03 20:05"))
    press(slack, ctx, force.officer, ids.REMINDER_CHECK_DONE, "breach_check_due:1")
    breaches.record_breach(ctx, force.officer, REF, at("2026-04-03 20:00"))
    breach_id = rows(ctx, "breach")[0]["id"]
    officer, sup = user_ids(ctx)[force.officer], user_ids(ctx)[force.supervisor]

    seen = run_until(ctx, clock, slack_api, notifier, at("2026-04-04 20:10"))
    # The officer is told first; the supervisor's copy follows, never before.
    assert seen == [
        Seen("Sat 04 20:05", force.officer, f"crime_reference_missing:{breach_id}:{officer}"),
        Seen("Sat 04 20:05", force.supervisor, f"crime_reference_missing:{breach_id}:{sup}"),
    ]
    message = slack_api.calls("chat.postMessage")[-2]
    assert f"`/dvpn crime {REF} <crime reference>`" in blocks_text(message.blocks)
    assert action_ids(message.blocks)[0] == ids.REMINDER_CRIME_REFERENCE

    press(slack, ctx, force.officer, ids.REMINDER_CRIME_REFERENCE, f"crime_reference_missing:{breach_id}:{officer}")
    form = slack.opened_view()
    assert form["callback_id"] == ids.CRIME_REFERENCE_FORM
    slack.submit(force.officer, form, {"crime_reference": CRIME})

    [breach] = rows(ctx, "breach")
    assert breach["crime_reference"] == CRIME
    assert updates(slack_api)[-1] == (
        f"{REF} (APE): Breach has no crime reference (Crime reference added by <@UOFFA1> at Sat 04 Apr 2026 20:10 BST)"
    )


def test_the_command_the_crime_reference_reminder_suggests_works(
    ctx: ServiceContext, force: Force, slack: SlackDriver
) -> None:  # type: ignore[no-untyped-def]
    booked_in_time(ctx, force)
    breaches.record_breach(ctx, force.officer, REF, at("2026-04-02 20:30"))

    slack.command(force.officer, f"crime {REF} {CRIME}")

    [breach] = rows(ctx, "breach")
    assert breach["crime_reference"] == CRIME
    assert "Crime reference added to the breach of WM-DVPN-2026-0001." in str(slack.last_reply()["text"])
    slack.command(force.officer, f"crime {REF} 22/654321/26")  # nothing left without one: refused, unchanged
    assert "already has a crime reference" in str(slack.last_reply()["text"])
    assert rows(ctx, "breach")[0]["crime_reference"] == CRIME


# -- hearings -------------------------------------------------------------------------------------


def test_book_hearing_on_the_no_hearing_alert_books_it_and_stops_the_escalation(
    ctx: ServiceContext, force: Force, clock: ManualClock, slack: SlackDriver, slack_api: SlackWebAPI, notifier
) -> None:  # type: ignore[no-untyped-def]
    records.record(ctx, force.officer, dvpn())
    assert run_until(ctx, clock, slack_api, notifier, at("2026-04-02 22:05")) == [
        Seen("Thu 02 22:00", force.officer, "no_hearing_booked")
    ]
    assert buttons(slack_api)[:2] == [ids.REMINDER_BOOK_HEARING, ids.REMINDER_ACKNOWLEDGE]
    assert "Not acknowledged, this goes to your supervisor." in blocks_text(
        slack_api.calls("chat.postMessage")[0].blocks
    )

    press(slack, ctx, force.officer, ids.REMINDER_BOOK_HEARING, "no_hearing_booked")
    form = slack.opened_view()
    assert form["callback_id"] == ids.HEARING_FORM
    check_view(form)
    # The same form as the record's own Book hearing button: the statutory deadline said first.
    # Served Thu 02 Apr 20:00; 48 hours not counting Good Friday, Easter Sunday and Easter Monday.
    [alert] = [block for block in form["blocks"] if block["type"] == "alert"]
    assert (alert["level"], alert["text"]["text"]) == (
        "info",
        "Must be heard by Tue 07 Apr 2026 20:00 BST (the statutory deadline). A later time is flagged.",
    )
    slack.submit(force.officer, form, {"scheduled_at": "7/4/2026 13:30", "court": ""})

    assert [r["scheduled_at"] for r in rows(ctx, "hearing")] == [at("2026-04-07 13:30")]
    assert updates(slack_api) == [
        f"{REF} (APE): No hearing booked (Hearing booked by <@UOFFA1> at Thu 02 Apr 2026 22:05 BST)"
    ]
    # No escalation at 22:30, and no deadline countdowns: the hearing is listed before the deadline.
    seen = run_until(ctx, clock, slack_api, notifier, at("2026-04-07 20:00"))
    sup = user_ids(ctx)[force.supervisor]
    overdue = reminder_row(ctx, f"breach_check_overdue:1:{sup}")["id"]
    # The hearing sat at 13:30 with nothing recorded: two hours on, the officer is asked for the
    # outcome (urgent, so it is sent again and escalated), and the lapse alarm stays.
    outcome = reminder_row(ctx, "hearing_outcome_missing:1")["id"]
    assert seen == [
        Seen("Fri 03 20:00", force.officer, "breach_check_due:1"),
        Seen("Sat 04 08:00", force.supervisor, f"breach_check_overdue:1:{sup}"),
        Seen("Sat 04 08:30", force.supervisor, f"renotify:{overdue}"),
        Seen("Mon 06 16:00", force.officer, "hearing_tomorrow"),
        Seen("Tue 07 11:30", force.officer, "hearing_in_2h"),
        Seen("Tue 07 15:30", force.officer, "hearing_outcome_missing:1"),
        Seen("Tue 07 16:00", force.officer, f"renotify:{outcome}"),
        Seen("Tue 07 16:00", force.supervisor, f"escalation:{outcome}:{sup}"),
        Seen("Tue 07 20:00", force.officer, f"notice_lapsed:{user_ids(ctx)[force.officer]}"),
        Seen("Tue 07 20:00", force.supervisor, f"notice_lapsed:{sup}"),
    ]


def test_record_outcome_on_a_past_hearing_opens_the_outcome_form(
    ctx: ServiceContext, force: Force, clock: ManualClock, slack: SlackDriver, slack_api: SlackWebAPI, notifier
) -> None:  # type: ignore[no-untyped-def]
    booked_in_time(ctx, force)
    officer = user_ids(ctx)[force.officer]
    clock.set(at("2026-04-07 20:00"))  # heard at 13:30, nothing recorded by the deadline
    run_until(ctx, clock, slack_api, notifier, at("2026-04-07 20:01"))
    lapse = next(c for c in slack_api.calls("chat.postMessage") if c["channel"] == "DOFFA1" and "outcome" in c["text"])
    assert action_ids(lapse.blocks)[0] == ids.REMINDER_RECORD_OUTCOME

    press(slack, ctx, force.officer, ids.REMINDER_RECORD_OUTCOME, f"notice_lapsed:{officer}")
    form = slack.opened_view()
    assert form["callback_id"] == ids.OUTCOME_FORM
    slack.submit(force.officer, form, {"outcome": "granted", "decided_at": "today 14:00", "duration": "28 days"})

    [hearing] = rows(ctx, "hearing")
    assert hearing["outcome"] == "granted"
    assert updates(slack_api)[-1].endswith("(Outcome recorded by <@UOFFA1> at Tue 07 Apr 2026 20:01 BST)")


# -- snoozes --------------------------------------------------------------------------------------


def test_snoozes_shrink_as_the_deadline_nears_and_a_forged_one_is_refused(
    ctx: ServiceContext, force: Force, clock: ManualClock, slack: SlackDriver, slack_api: SlackWebAPI, notifier
) -> None:  # type: ignore[no-untyped-def]
    records.record(ctx, force.officer, dvpn())
    clock.set(at("2026-04-07 17:59"))
    slack_api.clear()
    run_until(ctx, clock, slack_api, notifier, at("2026-04-07 18:01"))
    countdown = next(c for c in slack_api.calls("chat.postMessage") if "Hearing deadline in 2 hours" in c["text"])
    snoozes = [a for a in action_ids(countdown.blocks) if a.startswith(ids.REMINDER_SNOOZE_PREFIX)]
    assert snoozes == [ids.REMINDER_SNOOZE_PREFIX + "1h"]  # 4 h and 08:00 would end after 20:00
    before = reminder_row(ctx, "hearing_deadline_in_2h")

    press(slack, ctx, force.officer, ids.REMINDER_SNOOZE_PREFIX + "0800", "hearing_deadline_in_2h")

    assert slack.last_reply()["response_type"] == "ephemeral"
    assert "cannot end after the deadline it is about (Tue 07 Apr 20:00)" in str(slack.last_reply()["text"])
    assert reminder_row(ctx, "hearing_deadline_in_2h") == before
    assert updates(slack_api) == []
