"""Through the real Bolt app and the local Slack stand-in, with the sweep running at every moment
something falls due: an adjournment typed before the hearing has sat is refused; a notice whose
first hearing was listed after its deadline lapses at the deadline, loudly, whatever is typed
later; and a hearing held with no outcome recorded stays an open item until the outcome is in."""

from __future__ import annotations

import pytest

from console.slack_api import SlackWebAPI
from scheduler.notifier import SlackNotifier
from services.clock import ManualClock
from services.context import ServiceContext
from services.records import lifecycle
from tests.support.database import row_counts
from tests.support.force import Force
from tests.support.records import record
from tests.support.slack_driver import SlackDriver, reply_text
from tests.support.sweeps import Seen, at, make_notifier, rows, run_until, user_ids


@pytest.fixture
def notifier(slack_api: SlackWebAPI) -> SlackNotifier:
    return make_notifier(slack_api)


def posted(slack_api: SlackWebAPI, since: int = 0) -> list[str]:
    return [str(c["text"]) for c in slack_api.calls("chat.postMessage")[since:]]


def answer(slack: SlackDriver, user: str, text: str) -> str:
    slack.command(user, text)
    return reply_text(slack.last_reply())


def test_an_adjournment_before_the_hearing_and_a_first_hearing_after_the_deadline(
    slack: SlackDriver,
    slack_api: SlackWebAPI,
    notifier: SlackNotifier,
    ctx: ServiceContext,
    clock: ManualClock,
    force: Force,
) -> None:
    ref = record(ctx, force.officer).reference  # served Thu 2 Apr 20:00; heard by Tue 7 Apr 20:00
    officer, supervisor = force.officer, force.supervisor
    me, sup = user_ids(ctx)[officer], user_ids(ctx)[supervisor]

    booked = answer(slack, officer, f"hearing {ref} 8/4/2026 10:00")
    assert "is after the statutory deadline (Tue 07 Apr 2026 20:00 BST, CSA 2010 s27(3)-(4))" in booked

    before = row_counts(ctx.engine)
    refused = answer(slack, officer, f"adjourned {ref} 9/4/2026 10:00")
    assert (
        f"You cannot record an adjournment of the hearing of {ref} (listed after the deadline): its hearing has "
        "not taken place yet (CSA 2010 s27; DAA 2021 s29(7)). Record the adjournment or the outcome once the "
        "hearing has sat."
    ) in refused
    assert row_counts(ctx.engine) == before

    seen = run_until(ctx, clock, slack_api, notifier, at("2026-04-07 20:10"))
    ids = {str(r["kind"]): r["id"] for r in rows(ctx, "reminder")}
    # A hearing listed after the deadline keeps none of the notice alive: the countdown runs to
    # the deadline and the officer and the supervisor are told it lapsed.
    assert seen == [
        Seen("Fri 03 20:00", officer, "breach_check_due:1"),
        Seen("Sat 04 08:00", supervisor, f"breach_check_overdue:1:{sup}"),  # after the quiet hours
        Seen("Sat 04 08:30", supervisor, f"renotify:{ids[f'breach_check_overdue:1:{sup}']}"),
        Seen("Mon 06 20:00", officer, "hearing_deadline_in_24h"),
        Seen("Mon 06 20:30", officer, f"renotify:{ids['hearing_deadline_in_24h']}"),
        Seen("Mon 06 20:30", supervisor, f"escalation:{ids['hearing_deadline_in_24h']}:{sup}"),
        Seen("Tue 07 12:00", officer, "hearing_deadline_in_8h"),
        Seen("Tue 07 12:30", officer, f"renotify:{ids['hearing_deadline_in_8h']}"),
        Seen("Tue 07 12:30", supervisor, f"escalation:{ids['hearing_deadline_in_8h']}:{sup}"),
        Seen("Tue 07 16:00", officer, "hearing_tomorrow"),  # the late hearing is still listed
        Seen("Tue 07 18:00", officer, "hearing_deadline_in_2h"),
        Seen("Tue 07 18:30", officer, f"renotify:{ids['hearing_deadline_in_2h']}"),
        Seen("Tue 07 18:30", supervisor, f"escalation:{ids['hearing_deadline_in_2h']}:{sup}"),
        Seen("Tue 07 20:00", officer, f"notice_lapsed:{me}"),
        Seen("Tue 07 20:00", supervisor, f"notice_lapsed:{sup}"),
    ]
    lapsed = [t for t in posted(slack_api) if "Notice lapsed" in t]
    assert lapsed == [f"{ref} (APE): Notice lapsed: remove it from the PNC"] * 2

    # Before the scheduler's next pass marks it, the card and the lapsed list already say so.
    card = answer(slack, officer, f"show {ref}")
    assert f"{ref} (DVPN, lapsed)" in card and "*Status*\n:red_circle: lapsed" in card
    assert ref in answer(slack, supervisor, "list lapsed")
    lifecycle.store_passed_deadlines(ctx)
    [notice] = [r for r in rows(ctx, "protection_order") if r["reference"] == ref]
    assert notice["status"] == "lapsed"

    clock.set(at("2026-04-08 11:00"))  # the late hearing has sat: it still cannot be recorded
    before = row_counts(ctx.engine)
    assert (
        f"You cannot record an adjournment of the hearing of {ref} (lapsed): the notice lapsed at its hearing "
        "deadline: no hearing was listed by then, and a later one cannot keep it alive (CSA 2010 s27(3); DAA 2021 "
        "s29(2)). Remove it from the PNC. If the deadline or the hearing time is wrong, correct the record."
    ) in answer(slack, officer, f"adjourned {ref} 9/4/2026 10:00")
    assert row_counts(ctx.engine) == before


def test_a_hearing_held_with_no_outcome_recorded_stays_open_until_it_is(
    slack: SlackDriver,
    slack_api: SlackWebAPI,
    notifier: SlackNotifier,
    ctx: ServiceContext,
    clock: ManualClock,
    force: Force,
) -> None:
    ref = record(ctx, force.officer).reference  # served Thu 2 Apr 20:00; heard by Tue 7 Apr 20:00
    officer, supervisor = force.officer, force.supervisor
    sup = user_ids(ctx)[supervisor]
    answer(slack, officer, f"hearing {ref} 7/4/2026 10:00")
    run_until(ctx, clock, slack_api, notifier, at("2026-04-07 10:05"))
    since = len(slack_api.calls("chat.postMessage"))

    seen = run_until(ctx, clock, slack_api, notifier, at("2026-04-07 12:45"))
    ids = {str(r["kind"]): r["id"] for r in rows(ctx, "reminder")}
    missing = ids["hearing_outcome_missing:1"]
    # The hearing's time passed two hours ago with nothing recorded: the officer is told, and not
    # acknowledged, it goes to the supervisor. No deadline countdown: the hearing was listed in time,
    # and what is missing now is its outcome.
    assert seen == [
        Seen("Tue 07 12:00", officer, "hearing_outcome_missing:1"),
        Seen("Tue 07 12:30", officer, f"renotify:{missing}"),
        Seen("Tue 07 12:30", supervisor, f"escalation:{missing}:{sup}"),
    ]
    assert f"{ref} (APE): Hearing held: record the outcome" in posted(slack_api, since)

    # An open item on both lists and in the digest until the outcome is recorded.
    assert ref in answer(slack, officer, "list due")
    digest = answer(slack, supervisor, "digest")
    assert "*Needs action today*" in digest
    assert f"{ref}* (APE) DVPN: hearing Tue 07 Apr 2026 10:00 BST: record its outcome" in digest

    refused = answer(slack, officer, f"refused {ref}")
    assert f"Application refused: {ref} has ended." in refused
    after = len(slack_api.calls("chat.postMessage"))
    assert run_until(ctx, clock, slack_api, notifier, at("2026-04-09 12:00")) == []
    assert len(slack_api.calls("chat.postMessage")) == after
    live = [r["kind"] for r in rows(ctx, "reminder") if r["state"] == "pending"]
    assert live == []


def test_the_court_command_records_the_appearance_and_ends_the_countdown(
    slack: SlackDriver, ctx: ServiceContext, force: Force
) -> None:
    ref = record(ctx, force.officer).reference
    answer(slack, force.officer, f"breach {ref} 20:30 arrested 20:45")
    assert [r["kind"] for r in rows(ctx, "reminder") if str(r["kind"]).startswith("breach_court")] == [
        "breach_court_in_8h:1",
        "breach_court_in_2h:1",
    ]

    text = answer(slack, force.officer, f"court {ref} 20:55")

    assert f"Court appearance after the arrest on {ref} recorded." in text
    assert "Before the court: Thu 02 Apr 2026 20:55 BST" in text
    court = [r for r in rows(ctx, "reminder") if str(r["kind"]).startswith("breach_court")]
    assert {r["state"] for r in court} == {"cancelled"}
    before = row_counts(ctx.engine)
    assert f"No arrest on {ref} is waiting to go before the court." in answer(slack, force.officer, f"court {ref}")
    assert row_counts(ctx.engine) == before
