"""Attack fixtures: a real `dvpn-bot serve` on the test database, the local Slack stand-in, and the
attacker's own HTTP server, named as the `response_url` of forged requests, which records anything
the bot sends it. An attack is refused when the answer says so, the stand-in and the attacker heard
nothing, and no table's row count changed."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from console.slack_api import SlackWebAPI
from services.clock import DrillClock
from tests.conftest import Force, row_counts
from tests.faults.conftest import START, BotProcess, Served, bot_environment, bots, free_port, wait_until

__all__ = ["bots"]  # the fixture, for the tests here

SECRET = "fault-test-signing-secret"  # bot_environment's


class Attacker:
    """An HTTP server of the attacker's: every request that reaches it is kept."""

    def __init__(self) -> None:
        self.received: list[tuple[str, str, bytes]] = []
        lock = threading.Lock()
        received = self.received

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with lock:
                    received.append((self.command, self.path, body))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_GET = do_POST
            do_PUT = do_POST

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=lambda: self._server.serve_forever(poll_interval=0.02), daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/hook"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


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


def assert_nothing_happened(
    engine: Engine, before: dict[str, int], slack_api: SlackWebAPI, attacker: Attacker, settle: float = 1.5
) -> None:
    """After an attack: no call reached the stand-in or the attacker, and no row changed. Waits
    `settle` seconds first, as the work after an ack runs after the answer."""
    time.sleep(settle)
    assert attacker.received == [], f"the bot sent the attacker {attacker.received!r}"
    assert slack_api.calls() == [], f"the bot called Slack: {[c.method for c in slack_api.calls()]}"
    assert row_counts(engine) == before
