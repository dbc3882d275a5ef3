"""A Slack outage of ten minutes of moved clock while reminders and a digest fall due: five minutes of
503 Service Unavailable, then five of refused connections. `dvpn-bot scheduler` keeps every
reminder pending (none is marked sent, none fails, no attempt is spent on an outage), and when Slack
returns it delivers them all, in due order, each once, and the digest once."""

from __future__ import annotations

import signal
import threading
import time
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta
from datetime import time as clock_time

from sqlalchemy.engine import Engine

from console.slack_api import SlackWebAPI
from services.clock import DrillClock
from tests.support.drills import (
    START,
    BotProcess,
    add_reminders,
    bot_environment,
    digest_runs,
    in_slack,
    posted,
    reminder_rows,
    seed_force,
    wait_until,
)

SPEED = 20  # seconds of drill clock per second of wall time
OUTAGE_FROM = START + timedelta(seconds=90)  # 06:59:30
REFUSING_FROM = OUTAGE_FROM + timedelta(minutes=5)
BACK_AT = OUTAGE_FROM + timedelta(minutes=10)


def test_a_ten_minute_slack_outage_loses_fails_and_doubles_nothing(
    pg_engine: Engine,
    pg_url: str,
    slack_api: SlackWebAPI,
    drill_clock: DrillClock,
    bots: Callable[..., BotProcess],
) -> None:
    seeded = seed_force(pg_engine, officers=5, digests_at=(clock_time(7, 3),))
    add_reminders(pg_engine, seeded, 10, START + timedelta(seconds=10), timedelta(seconds=3))  # before
    add_reminders(pg_engine, seeded, 60, OUTAGE_FROM + timedelta(seconds=30), timedelta(seconds=9))  # during
    env = bot_environment(pg_url, slack_api, drill_clock, DVPN_SWEEP_SECONDS="1")
    bot = bots("scheduler", ["scheduler"], env).start()
    bot.wait_for_output("started (sweep every 1s)")

    moving = threading.Event()
    moving.set()

    def move_the_clock() -> None:
        while moving.is_set():
            drill_clock.advance(timedelta(seconds=SPEED / 10))
            time.sleep(0.1)

    def reach(moment: datetime) -> None:
        wait_until(lambda: drill_clock.now() >= moment, 60, f"the drill clock to reach {moment:%H:%M:%S}")

    outage: list[list[dict[str, object]]] = []  # the reminders as the database held them during the outage

    def watch_until(moment: datetime) -> None:
        while drill_clock.now() < moment:
            outage.append(reminder_rows(pg_engine))
            time.sleep(0.2)

    clock = threading.Thread(target=move_the_clock, daemon=True)
    clock.start()
    try:
        wait_until(lambda: len(posted(slack_api, "dvpn_reminder")) == 10, 30, "the first ten reminders")
        reach(OUTAGE_FROM)
        with slack_api.outage():  # 503 to every call
            watch_until(REFUSING_FROM)
        slack_api.stop()  # then nothing listens: connections are refused
        watch_until(BACK_AT)
        slack_api.start()
        wait_until(lambda: all(r["state"] == "sent" for r in reminder_rows(pg_engine)), 30, "every reminder sent")
        wait_until(lambda: digest_runs(pg_engine).get(2, {}).get("state") == "sent", 30, "the digest")
    finally:
        moving.clear()
        clock.join(5)
    bot.signal(signal.SIGTERM)
    assert bot.wait(15) == 0, bot.output()

    rows = reminder_rows(pg_engine)
    during = rows[10:]
    # While Slack was away: nothing sent, nothing failed; a sweep's claim is handed back whole when
    # its first post finds Slack away, without spending an attempt or waiting out a backoff.
    assert len(outage) > 20
    for seen in outage:
        assert [r["state"] for r in seen[:10]] == ["sent"] * 10
        assert {r["state"] for r in seen[10:]} <= {"pending", "claimed"}
        pending = {(r["attempts"], r["next_attempt_at"]) for r in seen[10:] if r["state"] == "pending"}
        claimed = {(r["attempts"], r["claimed_by"]) for r in seen[10:] if r["state"] == "claimed"}
        assert pending <= {(0, None)} and len(claimed) <= 1 and {a for a, _ in claimed} <= {1}
    assert slack_api.faulted, "the scheduler kept trying Slack during the 503s"
    assert "Slack unavailable (service_unavailable (HTTP 503))" in bot.output()
    assert "Slack unavailable (connection: ConnectionRefusedError)" in bot.output()

    # When it returned: all delivered, once each, the ones due during the outage in due order.
    every = Counter({int(r["id"]): 1 for r in rows})  # type: ignore[call-overload]
    assert in_slack(slack_api, "dvpn_reminder") == every
    assert Counter(posted(slack_api, "dvpn_reminder")) == every
    # Rows are in due order. The sweep posts to several officers at once, so each officer's
    # reminders arrive in due order; across officers they may interleave.
    recipient = {r["id"]: r["recipient_id"] for r in during}
    after = posted(slack_api, "dvpn_reminder")[10:]
    assert sorted(after) == sorted(recipient)
    for officer in set(recipient.values()):
        assert [i for i in after if recipient[i] == officer] == [
            r["id"] for r in during if r["recipient_id"] == officer
        ]
    assert {(r["state"], r["attempts"], r["last_error"]) for r in rows} == {("sent", 1, None)}
    assert all(r["sent_at"] >= BACK_AT for r in during)  # type: ignore[operator]
    run = digest_runs(pg_engine)[2]
    assert (run["state"], run["attempts"], run["late"]) == ("sent", 1, True)  # due 07:03, sent after 07:09:30
    assert [len(slack_api.messages(c)) for c in seeded.digest_channels] == [1]
