"""Graceful shutdown: SIGTERM to `dvpn-bot scheduler` (or `serve` with its scheduler) in the middle
of a sweep against a slowed Slack. The post under way finishes, nothing more is claimed, every other
claim is released, and the process exits 0 within DVPN_SHUTDOWN_GRACE_SECONDS. A post that outlives
the grace is left claimed; the next process finds it in Slack instead of posting it again."""

from __future__ import annotations

import re
import signal
import threading
import time
from collections import Counter
from collections.abc import Callable
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from console.slack_api import Call, SlackWebAPI
from models import metadata
from services.clock import DrillClock
from tests.support.drills import (
    EXIT_ALLOWANCE_SECONDS,
    START,
    BotProcess,
    add_reminders,
    bot_environment,
    in_slack,
    posted,
    reminder_rows,
    seed_force,
    wait_until,
)
from tests.support.network import free_port

GRACE = 5
SLOW_POST_SECONDS = 15.0


def claimed_ids(engine: Engine) -> set[int]:
    table = metadata.tables["reminder"]
    with engine.connect() as connection:
        return set(connection.execute(sa.select(table.c.id).where(table.c.state == "claimed")).scalars())


def sweep_claims(log: str) -> list[int]:
    """What each sweep of the process claimed, from its log lines."""
    return [int(n) for n in re.findall(r"sweep \S+: SweepResult\(escalated=\d+, claimed=(\d+)", log)]


@pytest.mark.parametrize("command", [["scheduler"], ["serve"]])
def test_sigterm_mid_sweep_finishes_the_post_under_way_releases_the_rest_and_exits_0(
    command: list[str],
    pg_engine: Engine,
    pg_url: str,
    slack_api: SlackWebAPI,
    drill_clock: DrillClock,
    bots: Callable[..., BotProcess],
) -> None:
    seeded = seed_force(pg_engine, officers=5)
    add_reminders(pg_engine, seeded, 40, START - timedelta(minutes=5), timedelta(seconds=1))
    slack_api.latency = 0.3  # every call takes 0.3 s: a batch of 10 takes seconds to post
    env = bot_environment(
        pg_url,
        slack_api,
        drill_clock,
        DVPN_SWEEP_SECONDS="1",
        DVPN_SWEEP_BATCH_SIZE="10",
        DVPN_SHUTDOWN_GRACE_SECONDS=str(GRACE),
        DVPN_HTTP_PORT=str(free_port()),
    )
    bot = bots("bot", command, env).start()
    slack_api.wait_for(2, "chat.postMessage", timeout=30)  # mid-way through the first batch
    before = claimed_ids(pg_engine)
    assert before, "the first batch should be claimed while it is being posted"

    signalled = time.monotonic()
    bot.signal(signal.SIGTERM)
    seen_claimed: list[set[int]] = []
    while bot.running and time.monotonic() - signalled < GRACE + EXIT_ALLOWANCE_SECONDS:
        seen_claimed.append(claimed_ids(pg_engine))
        time.sleep(0.02)
    status = bot.wait(10)
    took = time.monotonic() - signalled

    assert status == 0, bot.output()
    assert took < GRACE + EXIT_ALLOWANCE_SECONDS, f"exited {took:.1f}s after SIGTERM with a {GRACE} s grace"
    assert all(ids <= before for ids in seen_claimed), "nothing is claimed after the signal"
    assert sweep_claims(bot.output()) == [10], "one batch only: claiming stopped at the signal"
    rows = reminder_rows(pg_engine)
    sent = {int(r["id"]) for r in rows if r["state"] == "sent"}  # type: ignore[call-overload]
    assert 2 <= len(sent) <= 10
    assert Counter(posted(slack_api, "dvpn_reminder")) == Counter({i: 1 for i in sent})  # each post recorded
    waiting = [r for r in rows if r["state"] != "sent"]
    assert {(r["state"], r["claimed_by"], r["claimed_until"], r["attempts"]) for r in waiting} == {
        ("pending", None, None, 0)
    }
    assert "claimed reminders released" in bot.output()


def test_a_post_outliving_the_grace_stays_claimed_and_is_found_in_slack_not_posted_twice(
    pg_engine: Engine,
    pg_url: str,
    slack_api: SlackWebAPI,
    drill_clock: DrillClock,
    bots: Callable[..., BotProcess],
) -> None:
    seeded = seed_force(pg_engine, officers=1)
    add_reminders(pg_engine, seeded, 5, START - timedelta(minutes=5), timedelta(seconds=1))
    first_post_taken = threading.Event()

    def slow_first_post(call: Call) -> None:
        # Slack has the post but takes far longer to answer than the 1 s grace and the allowance
        # for exiting, so a process that waited for it could not exit in time.
        if call.method == "chat.postMessage" and not first_post_taken.is_set():
            first_post_taken.set()
            time.sleep(SLOW_POST_SECONDS)

    slack_api.listeners.append(slow_first_post)
    env = bot_environment(
        pg_url,
        slack_api,
        drill_clock,
        DVPN_SWEEP_SECONDS="1",
        DVPN_SHUTDOWN_GRACE_SECONDS="1",
        DVPN_CLAIM_LEASE_SECONDS="30",
        DVPN_POST_LEASE_MARGIN_SECONDS="10",
    )
    first = bots("first", ["scheduler"], env).start()
    assert first_post_taken.wait(30), first.output()
    signalled = time.monotonic()
    first.signal(signal.SIGTERM)
    status = first.wait(SLOW_POST_SECONDS)
    took = time.monotonic() - signalled

    assert status == 0, first.output()
    assert took < 1 + EXIT_ALLOWANCE_SECONDS < SLOW_POST_SECONDS, f"exited {took:.1f}s after SIGTERM with a 1 s grace"
    rows = reminder_rows(pg_engine)
    in_flight = int(rows[0]["id"])  # type: ignore[call-overload]
    assert [(r["state"], r["attempts"]) for r in rows] == [("claimed", 1)] + [("pending", 0)] * 4
    assert "outlived the 1s shutdown grace" in first.output()

    wait_until(lambda: in_slack(slack_api, "dvpn_reminder")[in_flight] == 1, SLOW_POST_SECONDS, "the slow post to land")
    drill_clock.advance(timedelta(seconds=31))  # past the lease of the claim left behind
    second = bots("second", ["scheduler"], env).start()
    wait_until(lambda: all(r["state"] == "sent" for r in reminder_rows(pg_engine)), 30, "every reminder sent")
    second.signal(signal.SIGTERM)
    assert second.wait(10) == 0

    assert in_slack(slack_api, "dvpn_reminder") == Counter({int(r["id"]): 1 for r in rows})  # type: ignore[call-overload]
    landed = slack_api.calls("chat.postMessage")[0]
    recorded = reminder_rows(pg_engine)[0]
    assert landed["metadata"]["event_payload"]["reminder_id"] == in_flight
    assert recorded["slack_ts"] == slack_api.messages(landed["channel"])[0]["ts"]
    assert f"reminder {in_flight} was already in Slack" in second.output()
