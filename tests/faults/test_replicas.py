"""Three bot processes (two `dvpn-bot scheduler`, one `dvpn-bot serve`) against one PostgreSQL
database and one drill clock; 1,000 reminders and five team digests fall due over six minutes of
moved clock while one scheduler is killed with SIGKILL and restarted again and again, 1-3 s of wall
time after each restart is up. Every other kill lands at that random moment; the rest land just
after Slack took one of the victim's posts and before the victim could record it, the window in
which a crash makes a duplicate.
Every reminder and every digest reaches Slack exactly once, and the database holds the post
Slack has."""

from __future__ import annotations

import os
import random
import signal
import threading
import time
from collections import Counter
from collections.abc import Callable
from datetime import time as clock_time
from datetime import timedelta

from sqlalchemy.engine import Engine

from console.slack_api import Call, SlackWebAPI
from services.clock import DrillClock
from tests.support.drills import (
    START,
    BotProcess,
    add_reminders,
    bot_environment,
    digest_runs,
    in_slack,
    marked,
    posted,
    reminder_rows,
    seed_force,
)
from tests.support.network import free_port

REMINDERS = 1000
DIGEST_TIMES = tuple(clock_time(7, m) for m in range(5))  # 07:00 to 07:04
SPEED = 6  # seconds of drill clock per second of wall time
WALL_LIMIT = 150.0  # seconds: a run still unfinished by then has lost something


class TargetedKill:
    """Kills the victim from inside the stand-in, after Slack took its post and before it answered."""

    def __init__(self, victim: BotProcess, token: str) -> None:
        self.victim, self.token = victim, token
        self.armed = threading.Event()
        self.fired = threading.Event()
        self.hits: list[tuple[str, int]] = []  # (event type, id) of each post the victim never recorded

    def __call__(self, call: Call) -> None:
        if call.method != "chat.postMessage" or call.token != self.token or not self.armed.is_set():
            return
        self.armed.clear()
        for event_type in ("dvpn_reminder", "dvpn_digest"):
            if (taken := marked(call.args, event_type)) is not None:
                self.hits.append((event_type, taken))
        assert self.victim.process is not None
        self.victim.process.send_signal(signal.SIGKILL)
        self.fired.set()


def test_three_replicas_with_one_killed_again_and_again_post_every_reminder_and_digest_once(
    pg_engine: Engine,
    pg_url: str,
    slack_api: SlackWebAPI,
    drill_clock: DrillClock,
    bots: Callable[..., BotProcess],
) -> None:
    seeded = seed_force(pg_engine, officers=20, digests_at=DIGEST_TIMES)
    add_reminders(pg_engine, seeded, REMINDERS, START + timedelta(seconds=30), timedelta(seconds=0.3))
    last_due = START + timedelta(seconds=30 + 0.3 * (REMINDERS - 1))
    slack_api.answer_latency = 0.01  # Slack takes each post 10 ms before it answers: a window to die in
    settings = {
        "DVPN_SWEEP_SECONDS": "1",
        "DVPN_SWEEP_BATCH_SIZE": "20",
        "DVPN_CLAIM_LEASE_SECONDS": "30",  # 5 s of wall time at SPEED
        "DVPN_POST_LEASE_MARGIN_SECONDS": "10",  # a post takes 10 ms; the margin is 1.7 s of wall time
        "DVPN_SHUTDOWN_GRACE_SECONDS": "5",
    }

    def environment(token: str, **extra: str) -> dict[str, str]:
        return bot_environment(pg_url, slack_api, drill_clock, SLACK_BOT_TOKEN=token, **settings, **extra)

    victim = bots("victim", ["scheduler"], environment("xoxb-replica-victim"))
    others = [
        bots("scheduler", ["scheduler"], environment("xoxb-replica-scheduler")),
        bots("serve", ["serve"], environment("xoxb-replica-serve", DVPN_HTTP_PORT=str(free_port()))),
    ]
    for bot in (victim, *others):
        bot.start()
    for bot in (victim, *others):
        bot.wait_for_output("started (sweep every 1s)")
    targeted = TargetedKill(victim, "xoxb-replica-victim")
    slack_api.listeners.append(targeted)

    moving = threading.Event()
    moving.set()

    def move_the_clock() -> None:
        while moving.is_set():
            drill_clock.advance(timedelta(seconds=SPEED / 10))
            time.sleep(0.1)

    def finished() -> bool:
        rows = reminder_rows(pg_engine)
        runs = digest_runs(pg_engine)
        return (
            drill_clock.now() > last_due
            and all(r["state"] == "sent" for r in rows)
            and all(runs.get(team, {}).get("state") == "sent" for team in range(2, 2 + len(DIGEST_TIMES)))
        )

    seed = int(os.environ.get("DVPN_FAULT_SEED", time.time_ns() % 1_000_000))
    rng = random.Random(seed)
    kills = Counter[str]()
    clock = threading.Thread(target=move_the_clock, daemon=True)
    began = time.monotonic()
    clock.start()

    def pause(seconds: float) -> bool:
        """Sleep, but True as soon as everything is delivered."""
        until = time.monotonic() + seconds
        while time.monotonic() < until:
            if finished():
                return True
            time.sleep(0.25)
        return False

    try:
        while not finished():
            assert time.monotonic() - began < WALL_LIMIT, _diagnosis(pg_engine, seed, kills)
            targeted.fired.clear()
            victim.wait_for_output("started (sweep every 1s)")  # start-up takes seconds on a busy machine
            if pause(rng.uniform(1, 3)):
                break
            if sum(kills.values()) % 2 == 1:
                targeted.armed.set()
                targeted.fired.wait(3)  # the victim's next post; with none in 3 s, kill it anyway
                targeted.armed.clear()
            kills["after a post Slack took" if targeted.fired.is_set() else "at a random moment"] += 1
            victim.kill()  # SIGKILL (or only reaping, after a targeted kill), then a new process
            victim.start()
    finally:
        moving.clear()
        clock.join(5)
    took = time.monotonic() - began

    victim.wait_for_output("started (sweep every 1s)")  # its SIGTERM handler is in place
    for bot in (victim, *others):
        bot.signal(signal.SIGTERM)
    assert [bot.wait(15) for bot in (victim, *others)] == [0, 0, 0]

    rows = reminder_rows(pg_engine)
    every = Counter({int(r["id"]): 1 for r in rows})  # type: ignore[call-overload]
    assert len(rows) == REMINDERS and {r["state"] for r in rows} == {"sent"}
    assert in_slack(slack_api, "dvpn_reminder") == every  # each reminder in Slack exactly once
    assert Counter(posted(slack_api, "dvpn_reminder")) == every  # and posted once
    ts_in_slack = {marked(m, "dvpn_reminder"): m["ts"] for m in slack_api.messages()}
    assert all(r["slack_ts"] == ts_in_slack[r["id"]] for r in rows)  # the database holds Slack's post

    runs = digest_runs(pg_engine)
    digest_teams = range(2, 2 + len(DIGEST_TIMES))
    assert in_slack(slack_api, "dvpn_digest") == Counter({int(runs[t]["id"]): 1 for t in digest_teams})  # type: ignore[call-overload]
    assert [len(slack_api.messages(c)) for c in seeded.digest_channels] == [1] * len(DIGEST_TIMES)
    assert {runs[t]["state"] for t in digest_teams} == {"sent"}

    logs = "".join(bot.output() for bot in (victim, *others))
    recovered = logs.count("was already in Slack")
    print(f"seed {seed}: kills {dict(kills)}; {recovered} posts found in Slack, not re-sent; {took:.0f} s")
    assert sum(kills.values()) >= 5, kills
    assert kills["after a post Slack took"] >= 2, kills
    assert len(targeted.hits) == kills["after a post Slack took"]
    assert recovered >= len(targeted.hits)  # each post the victim died before recording was found, not re-sent


def _diagnosis(engine: Engine, seed: int, kills: Counter[str]) -> str:
    states = Counter((r["state"], r["attempts"]) for r in reminder_rows(engine))
    return f"seed {seed}, kills {dict(kills)}: unfinished; reminders by (state, attempts): {dict(states)}"
