"""`dvpn-bot serve` hands the work after each ack to work processes (runtime.work_processes).
Against a real serving process on PostgreSQL: the work is done there, once, even when Slack sends
a request twice; a form's inline errors and its closing come back from there; a work process
killed is replaced; SIGTERM lets the queued work finish; and a serving process killed outright
leaves no work process behind."""

from __future__ import annotations

import json
import os
import signal
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from console.slack_api import TEAM_ID, SlackWebAPI
from models import metadata
from services.clock import DrillClock
from tests.support.drills import (
    START,
    BotProcess,
    Served,
    bot_environment,
    form_answers,
    reply_to,
    seed_force,
    wait_until,
)
from tests.support.network import free_port
from tests.support.slack_driver import fill

SECRET = "fault-test-signing-secret"  # bot_environment's
OFFICER = "UOFF001"
LONDON = ZoneInfo("Europe/London")


def children(pid: int) -> set[int]:
    """The work processes `pid` started, from /proc (Linux): spawned ones, not the resource
    tracker that multiprocessing also starts."""
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            cmdline = Path(f"/proc/{child}/cmdline")
            if cmdline.exists() and b"spawn_main" in cmdline.read_bytes():
                found.add(int(child))
    return found


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    status = Path(f"/proc/{pid}/status")
    return status.exists() and "State:\tZ" not in status.read_text()


def breaches(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(sa.select(sa.func.count()).select_from(metadata.tables["breach"])).scalar_one())


def reference(engine: Engine) -> str:
    with engine.connect() as connection:
        return str(connection.execute(sa.select(metadata.tables["protection_order"].c.reference)).scalar_one())


@pytest.fixture
def served(
    pg_engine: Engine,
    pg_url: str,
    slack_api: SlackWebAPI,
    drill_clock: DrillClock,
    bots: Callable[..., BotProcess],
) -> Iterator[Served]:
    seed_force(pg_engine, officers=2)
    port = free_port()
    env = bot_environment(pg_url, slack_api, drill_clock, DVPN_WORK_PROCESSES="2", DVPN_WORK_THREADS="2")
    bot = bots("serve", ["serve", "--no-scheduler", "--port", str(port)], env).start()
    bot.wait_for_output("dvpn-bot serving Slack")
    running = Served(bot, port, slack_api, SECRET)
    wait_until(lambda: running.health() == 200, 30, "dvpn-bot serve to answer /healthz")
    assert bot.process is not None
    wait_until(lambda: len(children(bot.process.pid)) == 2, 30, "two work processes")
    yield running


def test_commands_are_answered_by_the_work_processes(served: Served) -> None:
    assert served.bot.process is not None
    workers = children(served.bot.process.pid)

    answers = [served.command(OFFICER, "help") for _ in range(10)]

    assert all("dvpn-bot commands" in text for text, _ in answers)
    assert children(served.bot.process.pid) == workers  # the same two did the work


def test_postgresql_tells_the_serving_and_the_work_processes_connections_apart(
    served: Served, pg_engine: Engine
) -> None:
    served.command(OFFICER, "help")  # the serving process has checked its schema; a work process has worked
    names = sa.text(
        "SELECT DISTINCT application_name FROM pg_stat_activity"
        " WHERE datname = current_database() AND application_name LIKE 'dvpn-bot%'"
    )
    with pg_engine.connect() as connection:
        named = set(connection.execute(names).scalars())
    assert {"dvpn-bot serve", "dvpn-bot work"} <= named  # beside this test's own ("dvpn-bot")


def test_a_command_slack_sends_twice_records_one_breach(served: Served, pg_engine: Engine) -> None:
    ref = reference(pg_engine)
    body, key = served.command_body(OFFICER, f"breach {ref} today 06:30 details at the address")

    first = served.post(body)
    again = served.post(body, **{"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"})

    assert (first[0], again[0]) == (200, 200)  # both acknowledged, so Slack stops retrying
    assert f"Breach of {ref} recorded" in reply_to(served.slack_api, key)
    served.command(OFFICER, "help")  # the retry was queued before this; its work is over by its reply
    assert breaches(pg_engine) == 1
    assert len([c for c in served.slack_api.calls("response_url") if c.get("url_key") == key]) == 1


def submission(served: Served, form: dict[str, Any], answers: dict[str, str]) -> dict[str, Any]:
    return {
        "type": "view_submission",
        "team": {"id": TEAM_ID},
        "user": {"id": OFFICER},
        "api_app_id": "ADVPN",
        "trigger_id": served.trigger(),
        "view": form | {"state": {"values": fill(form, answers)}},
    }


def test_a_form_is_answered_from_a_work_process_inline_errors_included(
    served: Served, pg_engine: Engine, slack_api: SlackWebAPI
) -> None:
    served.command(OFFICER, "new DVPN", replied=False)
    [opened] = slack_api.wait_for(1, "views.open", timeout=10)
    form = opened.view | {"id": "VWORK", "hash": "h1"}
    an_hour_ago = (START - timedelta(hours=1)).astimezone(LONDON)
    answers = form_answers(an_hour_ago)

    refused = served.interact(submission(served, form, answers | {"served_at": "yesterday-ish"}))
    saved = submission(served, form, answers)
    accepted = served.interact(saved)
    again = served.post(urlencode({"payload": json.dumps(saved)}), **{"X-Slack-Retry-Num": "1"})

    assert refused[0] == 200 and refused[1]["response_action"] == "errors"
    assert "served_at" in refused[1]["errors"]
    assert accepted[:2] == (200, {})  # closes the modal
    assert again[:2] == (200, {})
    assert len(slack_api.wait_for(1, "chat.postEphemeral", timeout=10)) == 1  # the confirmation, once
    with pg_engine.connect() as connection:
        orders = metadata.tables["protection_order"]
        assert connection.execute(sa.select(sa.func.count()).select_from(orders)).scalar_one() == 2  # seeded + this


def test_killed_work_processes_are_replaced_and_the_others_keep_working(served: Served) -> None:
    assert served.bot.process is not None
    serving = served.bot.process.pid
    first, second = sorted(children(serving))

    os.kill(first, signal.SIGKILL)  # whatever it was doing: each has queues of its own
    wait_until(lambda: not alive(first), 5, "the killed work process to be gone")
    assert all("dvpn-bot commands" in served.command(OFFICER, "help")[0] for _ in range(4))
    wait_until(lambda: len(children(serving) - {first, second}) == 1, 10, "a replacement work process")
    os.kill(second, signal.SIGKILL)
    wait_until(lambda: len(children(serving) - {first, second}) == 2, 10, "a second replacement")

    assert served.bot.output().count("starting another") == 2
    assert all("dvpn-bot commands" in served.command(OFFICER, "help")[0] for _ in range(6))


def test_sigterm_lets_the_queued_work_finish_and_exits_0(served: Served) -> None:
    bodies = [served.command_body(OFFICER, "list mine") for _ in range(30)]
    for body, _ in bodies:
        assert served.post(body)[0] == 200

    served.bot.signal(signal.SIGTERM)

    assert served.bot.wait(30) == 0
    for _, key in bodies:
        reply_to(served.slack_api, key, timeout=1)


def test_work_processes_end_when_the_serving_process_is_killed(served: Served) -> None:
    assert served.bot.process is not None
    workers = children(served.bot.process.pid)

    served.bot.kill()

    # Work processes run at a lower CPU priority, so on a loaded machine one may still be starting
    # when its server dies: what is proven is that each ends by itself, not how soon.
    wait_until(lambda: not any(alive(pid) for pid in workers), 60, "the orphaned work processes to end")
