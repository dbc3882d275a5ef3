"""A sender can die after Slack accepted its post and before it recorded it. Each post carries its
reminder's (or digest run's) marker as message metadata; whoever takes the delivery over finds it
in Slack's history and records it instead of posting again. And a stopping sweep claims nothing
more, hands back what it has not begun, and keeps the claim of a post under way."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import datetime, timedelta
from typing import Any

import pytest

from blocks.reminder_wording import reminder_text
from blocks.reminders import reminder_blocks
from console.slack_api import SlackWebAPI
from scheduler.digests import send_due_digests
from scheduler.notifier import HISTORY_MARGIN, HISTORY_PAGE, SlackNotifier, digest_marker, reminder_marker
from scheduler.stopping import StopSignal
from scheduler.sweep import sweep_once
from services.clock import ManualClock
from services.context import ServiceContext
from services.records import recording as records
from services.reminders import digest_runs
from services.reminders import queue as reminder_queue
from tests.support.force import Force
from tests.support.records import dvpn
from tests.support.sweeps import WORKER, add_reminders, at, reminder_id_of, rows, user_ids


@pytest.fixture
def order(ctx: ServiceContext, force: Force) -> int:
    """A DVPN whose planned reminders are set aside, so each test sees only the ones it adds."""
    records.record(ctx, force.officer, dvpn())
    with ctx.engine.begin() as connection:
        connection.exec_driver_sql("UPDATE reminder SET state = 'cancelled'")
    return int(rows(ctx, "protection_order")[0]["id"])  # type: ignore[call-overload]


def posted_ids(slack: SlackWebAPI) -> Counter[int]:
    return Counter(reminder_id_of(call) for call in slack.calls("chat.postMessage"))


def live(ctx: ServiceContext) -> list[dict[str, object]]:
    return [r for r in rows(ctx, "reminder") if r["state"] != "cancelled"]


def test_a_post_that_landed_before_its_sender_died_is_recorded_not_posted_again(
    ctx: ServiceContext, force: Force, order: int, slack: SlackWebAPI, notifier: SlackNotifier, clock: ManualClock
) -> None:
    add_reminders(ctx, order, user_ids(ctx)[force.officer], 3, at("2026-04-02 20:00"))
    claim = reminder_queue.claim_due(ctx, "doomed-worker")
    first = claim.messages[0]
    # The doomed worker posts the first reminder, as the sweep does, then dies before recording it.
    landed = notifier.post(
        user=first.recipient_slack_id,
        channel=first.channel,
        text=reminder_text(first),
        blocks=reminder_blocks(first),
        marker=reminder_marker(first.reminder_id),
    )
    clock.advance(timedelta(seconds=ctx.settings.reminders.claim_lease_seconds))

    result = sweep_once(ctx, notifier, WORKER)

    assert (result.claimed, result.sent, result.recovered) == (3, 3, 1)
    assert set(posted_ids(slack).values()) == {1}  # each of the three in Slack once
    assert len(slack.calls("conversations.history")) == 1  # one read of the DM served the whole batch
    history = slack.calls("conversations.history")[0]
    assert history["include_all_metadata"] in ("1", "true") and history["channel"] == landed.channel
    by_id = {r["id"]: r for r in live(ctx)}
    assert (by_id[first.reminder_id]["state"], by_id[first.reminder_id]["slack_ts"]) == ("sent", landed.ts)
    assert {r["state"] for r in by_id.values()} == {"sent"}


def test_a_first_attempt_posts_without_reading_history_and_marks_the_post(
    ctx: ServiceContext, force: Force, order: int, slack: SlackWebAPI, notifier: SlackNotifier
) -> None:
    add_reminders(ctx, order, user_ids(ctx)[force.officer], 2, at("2026-04-02 20:00"))

    assert sweep_once(ctx, notifier, WORKER).sent == 2

    assert slack.calls("conversations.history") == []
    ids = [r["id"] for r in live(ctx)]
    assert [call["metadata"] for call in slack.calls("chat.postMessage")] == [
        {"event_type": "dvpn_reminder", "event_payload": {"reminder_id": reminder_id}} for reminder_id in ids
    ]


def test_a_retry_after_a_failed_post_asks_slack_first_and_history_pages_are_followed(
    ctx: ServiceContext, force: Force, order: int, slack: SlackWebAPI, notifier: SlackNotifier, clock: ManualClock
) -> None:
    officer = user_ids(ctx)[force.officer]
    add_reminders(ctx, order, officer, 1, at("2026-04-02 20:00"))
    # The post is accepted but its answer never arrives (Slack's 503 after taking it): one attempt used.
    reminder_id = int(live(ctx)[0]["id"])  # type: ignore[call-overload]
    claim = reminder_queue.claim_due(ctx, "worker-a")
    message = claim.messages[0]
    landed = notifier.post(
        user=message.recipient_slack_id, channel=None, text="x", blocks=[], marker=reminder_marker(reminder_id)
    )
    assert reminder_queue.mark_not_sent(ctx, reminder_id, "worker-a", "timeout", retryable=True) == "pending"
    # Then 20 other messages arrive in that DM: the marker is on the second page of history.
    for n in range(20):
        notifier.post(user=message.recipient_slack_id, channel=None, text=f"other {n}", blocks=[])
    posts_before = len(slack.calls("chat.postMessage"))
    clock.advance(timedelta(seconds=ctx.settings.reminders.retry_backoff_seconds))

    result = sweep_once(ctx, notifier, WORKER)

    assert (result.sent, result.recovered) == (1, 1)
    assert len(slack.calls("chat.postMessage")) == posts_before  # not posted again
    reads = slack.calls("conversations.history")
    assert [c.get("cursor") for c in reads] == [None, str(HISTORY_PAGE)]
    # Only the window since the reminder fell due (less the margin) is read, in pages Slack allows
    # apps outside the Marketplace: 15 messages.
    since = (at("2026-04-02 20:00") - HISTORY_MARGIN).timestamp()
    assert {(float(c["oldest"]), int(c["limit"])) for c in reads} == {(since, 15)}
    [row] = live(ctx)
    assert (row["state"], row["slack_ts"]) == ("sent", landed.ts)


def test_a_digest_posted_by_a_process_that_died_is_not_posted_again(
    ctx: ServiceContext, force: Force, clock: ManualClock, slack: SlackWebAPI, notifier: SlackNotifier
) -> None:
    with ctx.engine.begin() as connection:
        connection.exec_driver_sql("UPDATE team SET digest_channel = 'CPPUA' WHERE name = 'Team A'")
    clock.set(at("2026-04-03 07:00"))
    [due, _] = digest_runs.due_digests(ctx)
    claimed = digest_runs.claim(ctx, due, "doomed-worker")
    assert claimed is not None
    notifier.post(user=None, channel="CPPUA", text="digest", blocks=[], marker=digest_marker(claimed.run_id))
    clock.advance(timedelta(seconds=ctx.settings.reminders.claim_lease_seconds))

    result = send_due_digests(ctx, notifier, WORKER)

    assert result.sent == ["Team A"]  # recorded as sent (Team B has nowhere to send one)
    assert [c["channel"] for c in slack.calls("chat.postMessage")] == ["CPPUA"]  # only the dead process's post
    # The channel's history is read from the digest's time on (less the margin), not further back.
    assert [float(c["oldest"]) for c in slack.calls("conversations.history")] == [
        (due.due_at - HISTORY_MARGIN).timestamp()
    ]
    runs = {r["team_id"]: r for r in rows(ctx, "digest_run")}
    assert (runs[1]["state"], runs[1]["attempts"], runs[1]["delivered"]) == ("sent", 2, ["CPPUA"])


def test_a_stopping_sweep_claims_nothing_more_and_hands_back_what_it_has_not_begun(
    ctx: ServiceContext, force: Force, order: int, slack: SlackWebAPI, notifier: SlackNotifier
) -> None:
    add_reminders(ctx, order, user_ids(ctx)[force.officer], 10, at("2026-04-02 20:00"))
    stop = StopSignal()
    posted = threading.Event()

    def stop_after_the_second_post(call: object) -> None:
        if len(slack.calls("chat.postMessage")) == 2:
            stop.set()
            posted.set()

    slack.listeners.append(stop_after_the_second_post)
    result = sweep_once(ctx, notifier, WORKER, stop)

    assert posted.is_set()
    assert (result.claimed, result.sent, result.released, result.stopped) == (10, 2, 8, "shutting down")
    states = Counter((r["state"], r["claimed_by"], r["attempts"]) for r in live(ctx))
    assert states == Counter({("sent", None, 1): 2, ("pending", None, 0): 8})
    assert sweep_once(ctx, notifier, WORKER, stop).claimed == 0  # once stopping, nothing is claimed


def test_release_at_shutdown_keeps_the_claim_of_a_post_under_way(ctx: ServiceContext, force: Force, order: int) -> None:
    add_reminders(ctx, order, user_ids(ctx)[force.officer], 3, at("2026-04-02 20:00"))
    claim = reminder_queue.claim_due(ctx, WORKER)
    in_flight = claim.messages[0].reminder_id

    assert reminder_queue.release(ctx, WORKER, keep={in_flight}) == 2

    states = {r["id"]: (r["state"], r["claimed_by"]) for r in live(ctx)}
    assert states.pop(in_flight) == ("claimed", WORKER)
    assert set(states.values()) == {("pending", None)}


def test_without_the_history_scope_a_retried_reminder_is_still_sent_rather_than_held(
    ctx: ServiceContext, force: Force, order: int, slack: SlackWebAPI, notifier: SlackNotifier, clock: ManualClock
) -> None:
    add_reminders(ctx, order, user_ids(ctx)[force.officer], 2, at("2026-04-02 20:00"))
    reminder_queue.claim_due(ctx, "doomed-worker")  # died before posting either
    clock.advance(timedelta(seconds=ctx.settings.reminders.claim_lease_seconds))
    slack.fail(200, method="conversations.history", error="missing_scope")

    result = sweep_once(ctx, notifier, WORKER)

    assert (result.sent, result.recovered, result.stopped) == (2, 0, None)
    assert [c["status"] for c in slack.faulted] == [200]  # the one history read, refused
    assert set(posted_ids(slack).values()) == {1}


class SlowSlack:
    """A Slack whose every post takes `seconds` (of the test's clock); while one is under way past
    the sweep's lease, another process sweeps, as a second bot process would."""

    def __init__(self, ctx: ServiceContext, notifier: SlackNotifier, clock: ManualClock, seconds: int) -> None:
        self.ctx, self.notifier, self.clock, self.seconds = ctx, notifier, clock, seconds
        self.lease_until: datetime | None = None
        self.other: list[object] = []

    def post(self, **kwargs: Any) -> Any:
        self.clock.advance(timedelta(seconds=self.seconds))
        if self.lease_until is not None and self.clock.now() >= self.lease_until and not self.other:
            self.other.append(sweep_once(self.ctx, self.notifier, "other-process"))
        return self.notifier.post(**kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.notifier, name)


def test_a_post_is_not_begun_with_too_little_lease_left_so_a_re_claim_cannot_double_it(
    ctx: ServiceContext, force: Force, order: int, slack: SlackWebAPI, notifier: SlackNotifier, clock: ManualClock
) -> None:
    """Five reminders for one officer, each post taking 25 s of a 120 s lease. The fifth would begin
    with 20 s left and land after the lease ran out, when another process has re-claimed it, found
    nothing in Slack yet, and posted it too. Begun only with DVPN_POST_LEASE_MARGIN_SECONDS (30) left,
    it is handed back instead and posted once, by whoever claims it next."""
    policy = ctx.settings.reminders
    assert (policy.claim_lease_seconds, policy.post_lease_margin_seconds) == (120, 30)
    add_reminders(ctx, order, user_ids(ctx)[force.officer], 5, at("2026-04-02 20:00"))
    slow = SlowSlack(ctx, notifier, clock, seconds=25)
    slow.lease_until = clock.now() + timedelta(seconds=policy.claim_lease_seconds)

    result = sweep_once(ctx, slow, WORKER)  # type: ignore[arg-type]

    assert (result.claimed, result.sent, result.released) == (5, 4, 1)
    assert slow.other == []  # no post was under way when the lease ran out
    assert clock.now() == slow.lease_until - timedelta(seconds=20)
    assert sweep_once(ctx, notifier, "other-process").sent == 1  # handed back: claimable at once
    assert sorted(posted_ids(slack).values()) == [1, 1, 1, 1, 1]
    assert {(r["state"], r["attempts"]) for r in live(ctx)} == {("sent", 1)}
