"""Delivery guarantees: many sweepers at once post each reminder exactly once; a claim whose
sender died comes back after its lease; Slack's rate limits, errors and outages lose nothing."""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import replace
from datetime import timedelta

import pytest
from slack_sdk.errors import SlackApiError

from console.slack_api import SlackWebAPI
from console.slack_limits import SlackLimits
from scheduler.dm_directory import StoredDmChannels
from scheduler.notifier import ChannelPacer, SlackNotifier
from scheduler.sweep import SweepResult, sweep_once
from services.clock import ManualClock
from services.context import ServiceContext
from services.records import recording as records
from services.reminders import queue as reminder_queue
from tests.support.force import Force
from tests.support.records import dvpn
from tests.support.sweeps import WORKER, add_reminders, at, make_notifier, reminder_id_of, rows, user_ids


@pytest.fixture
def order(ctx: ServiceContext, force: Force) -> int:
    """A DVPN whose planned reminders are set aside, so each test sees only the ones it adds."""
    records.record(ctx, force.officer, dvpn())
    with ctx.engine.begin() as connection:
        connection.exec_driver_sql("UPDATE reminder SET state = 'cancelled'")
    return int(rows(ctx, "protection_order")[0]["id"])  # type: ignore[call-overload]


def posted_ids(slack: SlackWebAPI) -> Counter[int]:
    return Counter(reminder_id_of(call) for call in slack.calls("chat.postMessage"))


def test_three_sweepers_at_once_post_each_of_1000_reminders_exactly_once(
    ctx: ServiceContext, force: Force, order: int, slack: SlackWebAPI, clock: ManualClock
) -> None:
    add_reminders(ctx, order, user_ids(ctx)[force.officer], 1000, at("2026-04-02 20:00"))
    # Small batches, so the three interleave many times over the thousand.
    ctx = replace(ctx, settings=replace(ctx.settings, reminders=replace(ctx.settings.reminders, sweep_batch_size=25)))
    start = threading.Barrier(3)
    results: dict[str, SweepResult] = {}

    def sweeper(name: str) -> None:
        notifier = make_notifier(slack)  # each its own client and connection, as separate processes would
        start.wait()
        results[name] = sweep_once(ctx, notifier, name)

    threads = [threading.Thread(target=sweeper, args=(f"worker-{n}",)) for n in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    counts = posted_ids(slack)
    assert all(r.sent > 0 for r in results.values()), results  # all three took part
    assert len(counts) == 1000
    assert set(counts.values()) == {1}  # none twice
    assert sum(r.sent for r in results.values()) == 1000
    sent = [r for r in rows(ctx, "reminder") if r["state"] == "sent"]
    assert len(sent) == 1000
    assert len({r["slack_ts"] for r in sent}) == 1000
    assert all(r["claimed_by"] is None for r in sent)


def test_a_sender_killed_between_claim_and_post_is_replaced_after_its_lease(
    ctx: ServiceContext, force: Force, order: int, slack: SlackWebAPI, notifier: SlackNotifier, clock: ManualClock
) -> None:
    add_reminders(ctx, order, user_ids(ctx)[force.officer], 3, at("2026-04-02 20:00"))
    claim = reminder_queue.claim_due(ctx, "doomed-worker")  # claims, then "dies" before posting
    assert len(claim.messages) == 3

    clock.advance(timedelta(seconds=ctx.settings.reminders.claim_lease_seconds - 1))
    assert sweep_once(ctx, notifier, WORKER).claimed == 0  # the lease still holds: nobody else sends
    assert slack.calls("chat.postMessage") == []

    clock.advance(timedelta(seconds=2))
    result = sweep_once(ctx, notifier, WORKER)
    assert (result.claimed, result.sent) == (3, 3)
    assert set(posted_ids(slack).values()) == {1}
    assert sweep_once(ctx, notifier, WORKER).claimed == 0
    due = [r for r in rows(ctx, "reminder") if r["state"] != "cancelled"]
    assert {(r["state"], r["attempts"], r["claimed_by"]) for r in due} == {("sent", 2, None)}
    # The dead worker's late bookkeeping cannot undo the send.
    assert reminder_queue.mark_sent(ctx, claim.messages[0].reminder_id, "doomed-worker", "D1", "1.1") is False


def test_429_with_retry_after_is_retried_by_the_client_and_a_500_is_left_to_the_sweep(
    ctx: ServiceContext, force: Force, order: int, slack: SlackWebAPI, notifier: SlackNotifier, clock: ManualClock
) -> None:
    add_reminders(ctx, order, user_ids(ctx)[force.officer], 1, at("2026-04-02 20:00"))
    slack.fail(429, method="chat.postMessage", retry_after=1)
    slack.fail(500, method="chat.postMessage")

    first = sweep_once(ctx, notifier, WORKER)
    # A 429 means Slack did not take the post: the client waits Retry-After and sends it again. A
    # 500 may come after Slack stored it, so the client does not re-send; the sweep backs off.
    assert [c["status"] for c in slack.faulted] == [429, 500]
    assert (first.sent, first.retrying) == (0, 1)
    assert slack.calls("chat.postMessage") == []
    clock.advance(timedelta(seconds=ctx.settings.reminders.retry_backoff_seconds))
    second = sweep_once(ctx, notifier, WORKER)

    assert (second.sent, second.recovered) == (1, 0)
    assert len(slack.calls("conversations.history")) == 1  # asked Slack first; it was not there
    assert len(slack.calls("chat.postMessage")) == 1
    [row] = [r for r in rows(ctx, "reminder") if r["state"] != "cancelled"]
    assert (row["state"], row["attempts"], row["last_error"]) == ("sent", 2, None)


@pytest.mark.parametrize("fault", ["500", "dropped connection"])
def test_a_post_slack_stored_before_failing_is_found_by_the_sweep_and_shows_once(
    ctx: ServiceContext,
    force: Force,
    order: int,
    slack: SlackWebAPI,
    notifier: SlackNotifier,
    clock: ManualClock,
    fault: str,
) -> None:
    add_reminders(ctx, order, user_ids(ctx)[force.officer], 1, at("2026-04-02 20:00"))
    # The notifier's client retries server errors and dropped connections (make_notifier, 2
    # retries): none of those may re-send a post.
    if fault == "500":
        slack.fail(500, method="chat.postMessage", error="internal_error", after_effect=True)
    else:
        slack.fail(0, method="chat.postMessage", after_effect=True, drop=True)

    first = sweep_once(ctx, notifier, WORKER)
    [dm] = {c["channel"] for c in slack.calls("chat.postMessage")}
    assert (first.sent, first.retrying, len(slack.messages(dm))) == (0, 1, 1)
    clock.advance(timedelta(seconds=ctx.settings.reminders.retry_backoff_seconds))
    second = sweep_once(ctx, notifier, WORKER)

    assert (second.sent, second.recovered) == (1, 1)
    assert len(slack.messages(dm)) == 1  # exactly one message in the officer's DM
    assert len(slack.calls("chat.postMessage")) == 1
    [row] = [r for r in rows(ctx, "reminder") if r["state"] != "cancelled"]
    assert (row["state"], row["slack_ts"], row["slack_channel"]) == ("sent", slack.messages(dm)[0]["ts"], dm)


def test_an_outage_longer_than_the_clients_retries_fails_nothing_and_each_sweep_probes_once(
    ctx: ServiceContext, force: Force, order: int, slack: SlackWebAPI, clock: ManualClock
) -> None:
    add_reminders(ctx, order, user_ids(ctx)[force.officer], 2, at("2026-04-02 20:00"))
    notifier = make_notifier(slack, retries=0)
    with slack.outage():
        first = sweep_once(ctx, notifier, WORKER)
    slack.stop()  # then Slack is unreachable altogether
    clock.advance(timedelta(hours=3))  # far longer than every backoff together
    second = sweep_once(ctx, notifier, WORKER)
    live = [r for r in rows(ctx, "reminder") if r["state"] != "cancelled"]
    during = {(r["state"], r["attempts"], r["claimed_by"], r["next_attempt_at"]) for r in live}
    slack.start()
    third = sweep_once(ctx, notifier, WORKER)

    assert (first.released, first.stopped) == (2, "service_unavailable (HTTP 503)")
    assert (second.released, second.stopped) == (2, "connection: ConnectionRefusedError")
    assert [c.method for c in slack.faulted] == ["conversations.open"]  # one probe per sweep, not one per reminder
    assert during == {("pending", 0, None, None)}  # no attempt spent, no backoff: Slack never took them
    assert third.sent == 2
    assert set(posted_ids(slack).values()) == {1}
    live = [r for r in rows(ctx, "reminder") if r["state"] != "cancelled"]
    assert {(r["state"], r["attempts"], r["last_error"]) for r in live} == {("sent", 1, None)}


def test_an_error_slack_may_have_answered_after_taking_the_post_is_retried_with_backoff(
    ctx: ServiceContext, force: Force, order: int, slack: SlackWebAPI, clock: ManualClock
) -> None:
    add_reminders(ctx, order, user_ids(ctx)[force.officer], 1, at("2026-04-02 20:00"))
    notifier = make_notifier(slack, retries=0)
    slack.fail(500, method="chat.postMessage", error="internal_error", times=2)
    first = sweep_once(ctx, notifier, WORKER)
    clock.advance(timedelta(seconds=30))
    second = sweep_once(ctx, notifier, WORKER)
    assert sweep_once(ctx, notifier, WORKER).claimed == 0  # waiting out the doubled backoff (60 s)
    clock.advance(timedelta(seconds=60))
    third = sweep_once(ctx, notifier, WORKER)

    assert (first.retrying, second.retrying, third.sent) == (1, 1, 1)
    assert len(slack.calls("conversations.history")) == 2  # each retry first asks whether it landed
    assert set(posted_ids(slack).values()) == {1}
    [row] = [r for r in rows(ctx, "reminder") if r["state"] != "cancelled"]
    assert (row["state"], row["attempts"], row["last_error"]) == ("sent", 3, None)


def test_after_the_last_attempt_a_reminder_fails_and_a_critical_one_is_escalated(
    ctx: ServiceContext, force: Force, order: int, slack: SlackWebAPI, clock: ManualClock
) -> None:
    add_reminders(ctx, order, user_ids(ctx)[force.officer], 1, at("2026-04-02 20:00"), critical=True)
    notifier = make_notifier(slack, retries=0)
    slack.fail(500, method="chat.postMessage", times=ctx.settings.reminders.max_send_attempts)
    states = []
    for _ in range(ctx.settings.reminders.max_send_attempts):
        sweep_once(ctx, notifier, WORKER)
        states.append(next(r for r in rows(ctx, "reminder") if r["state"] != "cancelled")["state"])
        clock.advance(timedelta(hours=1))

    assert states == ["pending"] * 4 + ["failed"]
    sweep_once(ctx, notifier, WORKER)  # the supervisor hears at once that it could not be delivered
    [call] = slack.calls("chat.postMessage")
    assert call["channel"] == "D" + force.supervisor[1:]
    assert "Escalated: Hearing deadline in 24 hours" in call["text"]
    assert "could not be delivered to <@UOFFA1>" in str(call.blocks)


def test_a_refused_post_fails_at_once_and_a_refused_token_stops_the_sweep_losing_nothing(
    ctx: ServiceContext, force: Force, order: int, slack: SlackWebAPI, notifier: SlackNotifier
) -> None:
    add_reminders(ctx, order, user_ids(ctx)[force.officer], 3, at("2026-04-02 20:00"))
    slack.fail(200, method="chat.postMessage", error="is_archived")
    slack.fail(200, method="chat.postMessage", error="invalid_auth")

    result = sweep_once(ctx, notifier, WORKER)

    assert (result.failed, result.released, result.stopped) == (1, 2, "invalid_auth (HTTP 200)")
    live = [r for r in rows(ctx, "reminder") if r["state"] != "cancelled"]
    assert [(r["state"], r["attempts"]) for r in live] == [("failed", 1), ("pending", 0), ("pending", 0)]
    assert sweep_once(ctx, notifier, WORKER).sent == 2  # token fixed: the rest go out


def test_against_slacks_limits_the_paced_sweep_is_never_refused_and_an_unpaced_burst_is_told_to_wait(
    ctx: ServiceContext, force: Force, order: int, clock: ManualClock
) -> None:
    officer, supervisor = user_ids(ctx)[force.officer], user_ids(ctx)[force.supervisor]
    add_reminders(ctx, order, officer, 3, at("2026-04-02 20:00"))
    add_reminders(ctx, order, supervisor, 3, at("2026-04-02 20:05"))
    with SlackWebAPI(limits=SlackLimits()) as slack:
        paced = SlackNotifier(make_notifier(slack).client, ChannelPacer(1.0))
        result = sweep_once(ctx, paced, WORKER)
        assert (result.sent, slack.rate_limited) == (6, 0)
        assert set(posted_ids(slack).values()) == {1}

        # Five posts at once to one channel: beyond Slack's short burst, 429 with Retry-After.
        client = make_notifier(slack, retries=0).client
        answers = []
        for n in range(5):
            try:
                answers.append(client.chat_postMessage(channel="CBURST", text=f"{n}").status_code)
            except SlackApiError as error:
                answers.append(error.response.status_code)
                assert int(error.response.headers["Retry-After"][0]) >= 1
        assert answers[:3] == [200, 200, 200]
        assert 429 in answers[3:]
        assert len(slack.messages("CBURST")) == answers.count(200)  # a refused post is not kept


def test_a_dm_opened_once_is_kept_so_a_restarted_process_does_not_open_it_again(
    ctx: ServiceContext, force: Force, order: int, slack: SlackWebAPI, clock: ManualClock
) -> None:
    officer = user_ids(ctx)[force.officer]
    add_reminders(ctx, order, officer, 2, at("2026-04-02 20:00"))
    first = SlackNotifier(make_notifier(slack).client, directory=StoredDmChannels(ctx))
    assert sweep_once(ctx, first, WORKER).sent == 2
    [opened] = slack.calls("conversations.open")
    add_reminders(ctx, order, officer, 2, at("2026-04-02 21:00"))
    clock.advance(timedelta(hours=1))

    restarted = SlackNotifier(make_notifier(slack).client, directory=StoredDmChannels(ctx))  # memory empty
    assert sweep_once(ctx, restarted, WORKER).sent == 2

    assert slack.calls("conversations.open") == [opened]
    [user] = rows(ctx, "app_user", slack_user_id=force.officer)
    assert {c["channel"] for c in slack.calls("chat.postMessage")} == {user["slack_dm_channel"]}
