"""What an attack test needs: the attacker's own HTTP server, and the check that an attack was
refused with nothing sent and nothing written."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from sqlalchemy.engine import Engine

from console.slack_api import SlackWebAPI
from tests.support.database import row_counts

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


def assert_nothing_happened(
    engine: Engine, before: dict[str, int], slack_api: SlackWebAPI, attacker: Attacker, settle: float = 1.5
) -> None:
    """After an attack: no call reached the stand-in or the attacker, and no row changed. Waits
    `settle` seconds first, as the work after an ack runs after the answer."""
    time.sleep(settle)
    assert attacker.received == [], f"the bot sent the attacker {attacker.received!r}"
    assert slack_api.calls() == [], f"the bot called Slack: {[c.method for c in slack_api.calls()]}"
    assert row_counts(engine) == before
