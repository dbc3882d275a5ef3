"""Both connection modes, for real: `dvpn-bot serve` as a process answering signed HTTP requests,
and Socket Mode against a local WebSocket server speaking Slack's protocol."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.server import ServerConnection, serve

from config import Settings
from console.slack_api import TEAM_ID, SlackWebAPI
from handlers.app import build_app
from handlers.socket_mode import socket_mode_handler
from handlers.web_client import web_client
from models.db import make_engine
from models.schema import upgrade
from services.clock import ManualClock
from services.context import ServiceContext
from tests.support.drills import EXIT_ALLOWANCE_SECONDS
from tests.support.force import london
from tests.support.network import free_port
from tests.support.slack_driver import signed_headers

ROOT = Path(__file__).resolve().parents[2]
SECRET = "serve-test-secret"

SHUTDOWN_GRACE = 2  # seconds the serve process gives queued work when the test stops it


@pytest.fixture
def served(tmp_path: Path, slack_api: SlackWebAPI) -> Iterator[str]:
    """`dvpn-bot serve` in its own process on a migrated SQLite file; yields its base URL."""
    database = f"sqlite:///{tmp_path / 'serve.db'}"
    engine = make_engine(database)
    upgrade(engine)
    engine.dispose()
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database,
        "SLACK_BOT_TOKEN": "xoxb-serve-test",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": slack_api.api_url,
        "DVPN_HTTP_HOST": "127.0.0.1",
        "DVPN_HTTP_PORT": str(port),
        "DVPN_SHUTDOWN_GRACE_SECONDS": str(SHUTDOWN_GRACE),
    }
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "bot.py"), "serve"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_healthy(base, process)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=SHUTDOWN_GRACE + EXIT_ALLOWANCE_SECONDS)


def _wait_until_healthy(base: str, process: subprocess.Popen[bytes], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = process.stdout.read().decode() if process.stdout else ""
            raise AssertionError(f"dvpn-bot serve exited with {process.returncode}: {output}")
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=1) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.05)
    raise AssertionError("dvpn-bot serve never became healthy")


def post(url: str, body: str, headers: dict[str, str]) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=body.encode(), headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def slash_command(slack_api: SlackWebAPI, text: str) -> str:
    return urlencode(
        {
            "team_id": TEAM_ID,
            "channel_id": "C0PPUNORTH",
            "user_id": "UOFFSERVE",
            "command": "/dvpn",
            "text": text,
            "response_url": slack_api.response_url("serve"),
            "trigger_id": "1.2.3",
        }
    )


def test_serve_answers_a_signed_help_and_replies_through_the_response_url(served: str, slack_api: SlackWebAPI) -> None:
    body = slash_command(slack_api, "help")
    status, _ = post(
        f"{served}/slack/events", body, signed_headers(body, "application/x-www-form-urlencoded", secret=SECRET)
    )

    assert status == 200
    # The reply comes from a work process, which may still be starting on a loaded machine: what
    # is tested is that it arrives, through the response URL, not how soon.
    reply = slack_api.wait_for(1, "response_url", timeout=30)[0]
    assert reply["response_type"] == "ephemeral"
    assert "e.g. `/dvpn new DVPN`" in json.dumps(reply.blocks)
    assert slack_api.calls("auth.test") == []  # nothing before the ack waits on the Web API


def test_the_first_command_is_acknowledged_with_slack_unreachable(served: str, slack_api: SlackWebAPI) -> None:
    slack_api.stop()  # connections to the Web API are now refused
    body = slash_command(slack_api, "help")
    status, _ = post(
        f"{served}/slack/events", body, signed_headers(body, "application/x-www-form-urlencoded", secret=SECRET)
    )
    assert status == 200  # acknowledged: the ack path makes no Web API call (it used to fail here on auth.test)


def test_serve_refuses_bad_and_stale_signatures_and_touches_nothing(served: str, slack_api: SlackWebAPI) -> None:
    body = slash_command(slack_api, "help")
    forged = signed_headers(body, "application/x-www-form-urlencoded", secret="not-the-secret")
    stale = signed_headers(body, "application/x-www-form-urlencoded", secret=SECRET, age=6 * 60)

    assert post(f"{served}/slack/events", body, forged)[0] == 401
    assert post(f"{served}/slack/events", body, stale)[0] == 401
    time.sleep(0.3)  # a listener wrongly started would have called out by now
    assert slack_api.calls() == []


def test_serve_health_and_unknown_paths(served: str) -> None:
    with urllib.request.urlopen(f"{served}/healthz", timeout=5) as answer:
        assert json.loads(answer.read()) == {"ok": True, "database": "ok"}
    assert post(f"{served}/anything", "", {})[0] == 404


class SocketModeSlack:
    """Slack's side of Socket Mode: hello, then envelopes; records the acks the app sends back."""

    def __init__(self, envelopes: list[dict[str, Any]]) -> None:
        self.envelopes = envelopes
        self.acks: list[dict[str, Any]] = []
        self.acked = threading.Event()

    def __call__(self, connection: ServerConnection) -> None:
        connection.send(json.dumps({"type": "hello", "num_connections": 1, "debug_info": {"host": "local"}}))
        for envelope in self.envelopes:
            connection.send(json.dumps(envelope))
        while len(self.acks) < len(self.envelopes):
            self.acks.append(json.loads(connection.recv(timeout=10)))
        self.acked.set()
        with contextlib.suppress(ConnectionClosed):
            connection.recv()  # hold the socket open until the client closes it


def test_socket_mode_acks_the_envelope_and_replies(engine: Any, slack_api: SlackWebAPI) -> None:
    command = {
        "team_id": TEAM_ID,
        "channel_id": "C0PPUNORTH",
        "user_id": "UOFFSOCKET",
        "command": "/dvpn",
        "text": "deadline DVPN 2/4/2026 20:00",
        "response_url": slack_api.response_url("socket"),
        "trigger_id": "1.2.3",
    }
    envelope = {"envelope_id": "env-1", "type": "slash_commands", "payload": command, "accepts_response_payload": True}
    slack_side = SocketModeSlack([envelope])
    server = serve(slack_side, "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    slack_api.socket_mode_url = f"ws://127.0.0.1:{server.socket.getsockname()[1]}/link"
    settings = Settings(
        slack_api_url=slack_api.api_url,
        slack_bot_token="xoxb-sock",
        slack_app_token="xapp-sock",
        admins=("UOFFSOCKET",),  # placed: a user in no team is only told how to get placed
    )
    ctx = ServiceContext(engine=engine, settings=settings, clock=ManualClock(london("2026-04-02 21:00")))
    app = build_app(ctx, client=web_client(settings), signing_secret=None)
    handler = socket_mode_handler(app, settings)
    try:
        handler.connect()  # type: ignore[no-untyped-call]
        assert slack_side.acked.wait(10), "the app never acknowledged the envelope"
        reply = slack_api.wait_for(1, "response_url", timeout=10)[0]
    finally:
        handler.close()  # type: ignore[no-untyped-call]
        server.shutdown()

    assert slack_side.acks[0]["envelope_id"] == "env-1"
    opened = slack_api.calls("apps.connections.open")
    assert len(opened) == 1 and opened[0].token == "xapp-sock"  # the app-level token opens the socket
    assert "Tue 07 Apr 2026 20:00 BST" in json.dumps(reply.blocks)
