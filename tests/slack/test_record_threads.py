"""One thread per record in the team's channel, over a DVPN → DVPO life, through the real Bolt app,
the sweep and the local Slack stand-in: each record's post is the root, each later channel-visible
event (hearing booked, outcome, the notice superseded, a breach, the order's expiry) a reply in its
thread, in order, and the root is rewritten to the record's status. Nothing personal reaches the
channel. A reply whose post landed before its sender died is found in the thread, not posted again."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from blocks.record_thread import post_blocks, post_text
from config import ReminderPolicy
from console import slack_threads
from console.slack_api import SlackWebAPI
from scheduler.notifier import SlackNotifier, thread_marker
from scheduler.rollover import rollover
from scheduler.sweep import sweep_once
from scheduler.thread_sweep import post_threads
from services.clock import ManualClock
from services.context import ServiceContext
from services.reminders import threads as thread_queue
from tests.support.force import Force, london
from tests.support.records import PERSONAL, record
from tests.support.slack_driver import SlackDriver, blocks_text
from tests.support.sweeps import WORKER, make_notifier, rows

CHANNEL = "C0PPUA"
COURT = "Birmingham Magistrates"


@pytest.fixture
def notifier(slack_api: SlackWebAPI) -> SlackNotifier:
    return make_notifier(slack_api)


@pytest.fixture
def team_channel(slack: SlackDriver, force: Force) -> str:
    slack.command(force.admin, f"admin team channel Team A <#{CHANNEL}|ppu-a>")
    return CHANNEL


def thread_of(slack_api: SlackWebAPI, root_ts: str) -> list[dict[str, Any]]:
    """The thread as Slack answers conversations.replies: the root, then its replies, oldest first."""
    answer = slack_threads.replies(slack_api, {"channel": CHANNEL, "ts": root_ts})
    return list(answer["messages"])


def roots(slack_api: SlackWebAPI) -> dict[str, dict[str, Any]]:
    """The channel's top-level messages (what its history shows), by the reference they open with."""
    return {
        str(m["text"]).split(" ")[0]: m
        for m in slack_api.messages(CHANNEL)
        if not m.get("thread_ts") or m.get("thread_ts") == m["ts"]
    }


def texts(messages: list[dict[str, Any]]) -> list[str]:
    return [str(m["text"]) for m in messages]


def test_a_dvpn_to_dvpo_life_is_one_thread_per_record_that_follows_its_status(
    slack: SlackDriver,
    slack_api: SlackWebAPI,
    ctx: ServiceContext,
    clock: ManualClock,
    force: Force,
    notifier: SlackNotifier,
    team_channel: str,
) -> None:
    dvpn = record(ctx, force.officer).reference  # served Thu 02 Apr 20:00
    sweep_once(ctx, notifier, WORKER)
    [root] = roots(slack_api).values()
    assert root["text"].startswith(f"{dvpn} (APE) DVPN: Awaiting listing · next: breach check Fri 03 Apr")

    slack.command(force.officer, f"hearing {dvpn} monday 10:00 at {COURT}")
    sweep_once(ctx, notifier, WORKER)
    assert roots(slack_api)[dvpn]["text"].startswith(f"{dvpn} (APE) DVPN: Hearing listed · next: ")

    clock.set(london("2026-04-06 11:00"))
    slack.command(force.officer, f"granted {dvpn} 28 days")
    dvpo = next(str(o["reference"]) for o in rows(ctx, "protection_order") if "DVPO" in str(o["reference"]))
    sweep_once(ctx, notifier, WORKER)
    clock.set(london("2026-04-10 21:00"))
    slack.command(force.officer, f"breach {dvpo} today 20:30")
    sweep_once(ctx, notifier, WORKER)
    clock.set(london("2026-05-05 00:05"))  # the order ended at the end of Mon 04 May
    rollover(ctx)
    sweep_once(ctx, notifier, WORKER)

    found = roots(slack_api)
    assert list(found) == [dvpn, dvpo]  # one root per record, nothing else at the channel's top level
    assert texts(thread_of(slack_api, found[dvpn]["ts"]))[1:] == [
        "Hearing booked for Mon 06 Apr 2026 10:00 BST",
        "Hearing outcome: granted",
        "Ended: superseded by the order made on it",
    ]
    assert texts(thread_of(slack_api, found[dvpo]["ts"]))[1:] == [
        "Breach recorded (happened Fri 10 Apr 2026 20:30 BST)",
        "Expired",
    ]
    # The roots say where each record is now, rewritten in place (never posted again).
    assert found[dvpn]["text"] == f"{dvpn} (APE) DVPN: Ended: superseded by the order made on it"
    assert found[dvpo]["text"] == f"{dvpo} (APE) DVPO: Expired"
    assert len([c for c in slack_api.calls("chat.update") if c["channel"] == CHANNEL]) >= 2
    every_post = [c for c in slack_api.calls("chat.postMessage") if c["channel"] == CHANNEL]
    assert len(every_post) == 2 + 3 + 2  # each post once
    assert all(c.get("thread_ts") for c in every_post if not str(c["text"]).startswith(("WM-DVPN", "WM-DVPO")))

    channel_text = " ".join(str(m["text"]) + blocks_text(m.get("blocks") or []) for m in slack_api.messages(CHANNEL))
    assert not [word for word in (*PERSONAL, COURT) if word in channel_text]
    # DMs stay as they are: reminders still go to the officer, never to the channel.
    assert all(str(c["channel"]).startswith(("C0PPUA", "U", "D")) for c in slack_api.calls("chat.postMessage"))


def test_no_thread_without_a_team_channel_or_with_the_setting_off(
    slack: SlackDriver, slack_api: SlackWebAPI, ctx: ServiceContext, force: Force, notifier: SlackNotifier
) -> None:
    record(ctx, force.officer)
    sweep_once(ctx, notifier, WORKER)
    assert not rows(ctx, "record_thread_post")
    assert ReminderPolicy().record_threads is True  # on by default, where the team has a channel


def test_a_reply_that_landed_before_its_sender_died_is_found_in_the_thread_not_posted_again(
    slack: SlackDriver,
    slack_api: SlackWebAPI,
    ctx: ServiceContext,
    clock: ManualClock,
    force: Force,
    notifier: SlackNotifier,
    team_channel: str,
) -> None:
    dvpn = record(ctx, force.officer).reference
    sweep_once(ctx, notifier, WORKER)
    slack.command(force.officer, f"hearing {dvpn} monday 10:00")
    # Slack stores the reply and then answers 500: the sender cannot know it landed.
    slack_api.fail(500, method="chat.postMessage", error="internal_error", after_effect=True)
    first = post_threads(ctx, notifier, WORKER)
    assert (first.sent, first.retrying) == (0, 1)
    [root] = roots(slack_api).values()
    assert len(thread_of(slack_api, root["ts"])) == 2  # the reply is in the thread already

    clock.advance(timedelta(seconds=ctx.settings.reminders.retry_backoff_seconds))
    second = post_threads(ctx, notifier, WORKER)

    assert (second.sent, second.recovered) == (1, 1)
    assert texts(thread_of(slack_api, root["ts"]))[1:] == ["Hearing booked for Mon 06 Apr 2026 10:00 BST"]
    [reply] = [r for r in rows(ctx, "record_thread_post") if r["kind"] != "root"]
    assert reply["state"] == "sent" and reply["slack_ts"] == thread_of(slack_api, root["ts"])[1]["ts"]


def test_a_reply_waits_for_its_root(
    slack: SlackDriver,
    slack_api: SlackWebAPI,
    ctx: ServiceContext,
    force: Force,
    notifier: SlackNotifier,
    team_channel: str,
) -> None:
    dvpn = record(ctx, force.officer).reference
    slack.command(force.officer, f"hearing {dvpn} monday 10:00")
    slack_api.fail(503, method="chat.postMessage", times=10)  # Slack away: the root cannot go
    post_threads(ctx, notifier, WORKER)
    claim = thread_queue.claim_thread_posts(ctx, "another-worker")
    # The root is not recorded as sent: it may be claimed again, its reply not yet.
    assert [post.kind for post in claim.posts] == ["root"]
    assert not slack_api.messages(CHANNEL)


def test_a_reply_posted_by_a_sender_that_died_before_recording_it_is_not_posted_twice(
    slack: SlackDriver,
    slack_api: SlackWebAPI,
    ctx: ServiceContext,
    clock: ManualClock,
    force: Force,
    notifier: SlackNotifier,
    team_channel: str,
) -> None:
    dvpn = record(ctx, force.officer).reference
    sweep_once(ctx, notifier, WORKER)
    slack.command(force.officer, f"hearing {dvpn} monday 10:00")
    claim = thread_queue.claim_thread_posts(ctx, "doomed-worker")
    [reply] = claim.posts
    # The doomed worker posts the reply as the sweep does, then dies before recording it.
    notifier.post(
        user=None,
        channel=reply.channel,
        text=post_text(reply),
        blocks=post_blocks(reply),
        marker=thread_marker(reply.post_id),
        thread_ts=reply.thread_ts,
    )
    clock.advance(timedelta(seconds=ctx.settings.reminders.claim_lease_seconds))

    result = post_threads(ctx, notifier, WORKER)

    assert (result.sent, result.recovered) == (1, 1)
    [root] = roots(slack_api).values()
    assert texts(thread_of(slack_api, root["ts"]))[1:] == ["Hearing booked for Mon 06 Apr 2026 10:00 BST"]
    assert len(slack_api.calls("conversations.replies")) == 1  # looked for in the thread, once


def test_a_thread_post_is_not_begun_with_too_little_lease_left(
    slack_api: SlackWebAPI,
    ctx: ServiceContext,
    clock: ManualClock,
    force: Force,
    notifier: SlackNotifier,
    team_channel: str,
) -> None:
    """Two records' roots in one claim, the first post taking 95 s of the 120 s lease: the second
    would begin with 25 s left, under DVPN_POST_LEASE_MARGIN_SECONDS (30), and could land after
    another process re-claimed and posted it. It is handed back, and posted once under a fresh claim."""
    record(ctx, force.officer)
    record(ctx, force.officer)
    lease = timedelta(seconds=ctx.settings.reminders.claim_lease_seconds)
    started = clock.now()

    class SlowSlack:
        def post(self, **kwargs: Any) -> Any:
            clock.advance(timedelta(seconds=95))
            return notifier.post(**kwargs)

        def __getattr__(self, name: str) -> Any:
            return getattr(notifier, name)

    first = post_threads(ctx, SlowSlack(), WORKER)  # type: ignore[arg-type]

    assert (first.sent, first.released) == (2, 1)  # the second root: handed back, then claimed afresh
    assert clock.now() == started + timedelta(seconds=190) > started + lease
    assert post_threads(ctx, notifier, "another-worker").sent == 0
    assert len(roots(slack_api)) == 2 and len(slack_api.calls("chat.postMessage")) == 2
