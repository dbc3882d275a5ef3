"""Attack fixtures: a real `dvpn-bot serve` on the test database, the local Slack stand-in, and the
attacker's own HTTP server, named as the `response_url` of forged requests, which records anything
the bot sends it. An attack is refused when the answer says so, the stand-in and the attacker heard
nothing, and no table's row count changed."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from console.slack_api import SlackWebAPI
from services.clock import DrillClock
from tests.support.attacks import SECRET, Attacker
from tests.support.drills import START, BotProcess, Served, bot_environment, bots, wait_until
from tests.support.force import Force
from tests.support.network import free_port

__all__ = ["bots"]  # the fixture, for the tests here


@pytest.fixture
def attacker() -> Iterator[Attacker]:
    server = Attacker()
    yield server
    server.close()


@pytest.fixture
def slack_api() -> Iterator[SlackWebAPI]:
    with SlackWebAPI() as api:
        yield api


@pytest.fixture
def serve(
    engine: Engine, force: Force, slack_api: SlackWebAPI, tmp_path: Path, bots: Callable[..., BotProcess]
) -> Callable[..., Served]:
    """Starts `dvpn-bot serve` with one work process on the test's database (SQLite file or
    PostgreSQL) holding a small force; `settings` are added to its environment."""

    def start(**settings: str) -> Served:
        clock = DrillClock(tmp_path / "drill-clock")
        clock.set(START)
        url = engine.url.render_as_string(hide_password=False)
        env = bot_environment(url, slack_api, clock, DVPN_WORK_PROCESSES="1", DVPN_WORK_THREADS="1", **settings)
        port = free_port()
        bot = bots("serve", ["serve", "--no-scheduler", "--port", str(port)], env).start()
        bot.wait_for_output("dvpn-bot serving Slack")
        running = Served(bot, port, slack_api, SECRET)
        wait_until(lambda: running.health() == 200, 30, "dvpn-bot serve to answer /healthz")
        return running

    return start


@pytest.fixture
def served(serve: Callable[..., Served]) -> Served:
    return serve()
