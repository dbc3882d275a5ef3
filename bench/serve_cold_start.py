"""How fast `dvpn-bot serve` answers a signed `/dvpn help` from a cold start (Slack allows 3 s).

Starts the production server as a fresh process on a migrated SQLite file, sends the signed slash
command as soon as the port accepts connections, and prints: time from process start to the
first acknowledged request, that request's own latency, and the latency of the next 20 requests.

    .venv/bin/python bench/serve_cold_start.py
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from slack_sdk.signature import SignatureVerifier  # noqa: E402

from console.slack_api import TEAM_ID, SlackWebAPI  # noqa: E402 - after the path is set
from models.db import make_engine  # noqa: E402
from models.schema import upgrade  # noqa: E402

SECRET = "bench-secret"


def signed(body: str) -> dict[str, str]:
    timestamp = str(int(time.time()))
    return {
        "content-type": "application/x-www-form-urlencoded",
        "x-slack-request-timestamp": timestamp,
        "x-slack-signature": SignatureVerifier(SECRET).generate_signature(timestamp=timestamp, body=body),
    }


def send_help(base: str, slack: SlackWebAPI) -> float:
    body = urlencode(
        {
            "team_id": TEAM_ID,
            "channel_id": "C0BENCH",
            "user_id": "UBENCH",
            "command": "/dvpn",
            "text": "help",
            "response_url": slack.response_url(),
            "trigger_id": "1.2.3",
        }
    )
    request = urllib.request.Request(f"{base}/slack/events", data=body.encode(), headers=signed(body), method="POST")
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=10) as answer:
        assert answer.status == 200, answer.status
    return time.perf_counter() - started


def main() -> None:
    with tempfile.TemporaryDirectory() as folder, SlackWebAPI() as slack:
        database = f"sqlite:///{folder}/bench.db"
        engine = make_engine(database)
        upgrade(engine)
        engine.dispose()
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        env = {
            **os.environ,
            "DATABASE_URL": database,
            "SLACK_BOT_TOKEN": "xoxb-bench",
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": slack.api_url,
            "DVPN_HTTP_HOST": "127.0.0.1",
            "DVPN_HTTP_PORT": str(port),
            "DVPN_LOG_LEVEL": "WARNING",
        }
        base = f"http://127.0.0.1:{port}"
        started = time.perf_counter()
        process = subprocess.Popen([sys.executable, str(ROOT / "bot.py"), "serve"], cwd=folder, env=env)
        try:
            while True:
                try:
                    first = send_help(base, slack)
                    break
                except (urllib.error.URLError, ConnectionError):
                    time.sleep(0.01)
            cold = time.perf_counter() - started
            warm = [send_help(base, slack) for _ in range(20)]
            slack.wait_for(21, "response_url", timeout=30)
        finally:
            process.terminate()
            process.wait(timeout=10)
    print(f"process start to first acknowledged /dvpn help: {cold * 1000:.0f} ms (Slack allows 3000 ms)")
    print(f"that first request's own latency:             {first * 1000:.1f} ms")
    print(f"next 20 requests: median {statistics.median(warm) * 1000:.1f} ms, max {max(warm) * 1000:.1f} ms")
    print("all 21 replies reached the response URL")


if __name__ == "__main__":
    main()
