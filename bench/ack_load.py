"""The load generator for the ack benchmarks: requests signed exactly as Slack signs them, sent by
simulated users over loopback with asyncio, and the latency figures of a run.

Each user sends its requests one after another (a closed loop): the next leaves when the previous
was acknowledged, which is how Slack's own client behaves towards one app. Latency is the time
from sending the request to having the whole HTTP response, measured on the client."""

from __future__ import annotations

import asyncio
import itertools
import json
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

from console.requests import FORM, signed_headers
from console.slack_api import TEAM_ID

APP_ID = "ADVPNBENCH"
CHANNEL = "C0BENCHPPU"

Payload = Callable[[int], str]  # request number -> form-encoded body


@dataclass(frozen=True)
class Figures:
    """One run's acknowledgements: latency percentiles in milliseconds and throughput."""

    requests: int
    failures: int
    p50: float
    p95: float
    p99: float
    worst: float
    per_second: float

    @classmethod
    def of(cls, latencies: Sequence[float], failures: int, seconds: float) -> Figures:
        ordered = sorted(latencies)
        return cls(
            requests=len(ordered) + failures,
            failures=failures,
            p50=_percentile(ordered, 50),
            p95=_percentile(ordered, 95),
            p99=_percentile(ordered, 99),
            worst=ordered[-1] * 1000 if ordered else math.nan,
            per_second=len(ordered) / seconds if seconds > 0 else math.nan,
        )


def _percentile(ordered: Sequence[float], percent: int) -> float:
    """Nearest-rank percentile in milliseconds: a value that was actually observed."""
    if not ordered:
        return math.nan
    rank = max(1, math.ceil(percent / 100 * len(ordered)))
    return ordered[rank - 1] * 1000


def command_body(user: str, text: str, response_url: str, trigger: str) -> str:
    """A slash command as Slack posts it (application/x-www-form-urlencoded)."""
    return urlencode(
        {
            "token": "legacy",
            "team_id": TEAM_ID,
            "team_domain": "dvpn-bench",
            "channel_id": CHANNEL,
            "channel_name": "ppu-bench",
            "user_id": user,
            "user_name": user.lower(),
            "command": "/dvpn",
            "text": text,
            "api_app_id": APP_ID,
            "response_url": response_url,
            "trigger_id": trigger,
        }
    )


def interaction_body(payload: dict[str, Any]) -> str:
    """Interactivity (buttons, modal submissions): one form field, `payload`, holding JSON."""
    return urlencode({"payload": json.dumps(payload)})


def button_press(user: str, action_id: str, value: str, response_url: str, trigger: str) -> dict[str, Any]:
    """A button in an ephemeral message in a channel (a record card the user was shown)."""
    return {
        "type": "block_actions",
        "team": {"id": TEAM_ID, "domain": "dvpn-bench"},
        "user": {"id": user, "team_id": TEAM_ID},
        "api_app_id": APP_ID,
        "token": "legacy",
        "trigger_id": trigger,
        "container": {"type": "message", "channel_id": CHANNEL, "is_ephemeral": True},
        "channel": {"id": CHANNEL, "name": "ppu-bench"},
        "response_url": response_url,
        "actions": [
            {
                "type": "button",
                "action_id": action_id,
                "block_id": "card",
                "value": value,
                "action_ts": f"{time.time():.6f}",
            }
        ],
    }


def view_submission(user: str, view: dict[str, Any], answers: dict[str, Any], trigger: str) -> dict[str, Any]:
    """A modal's submission: the view as Slack holds it, with the typed answers as its state."""
    return {
        "type": "view_submission",
        "team": {"id": TEAM_ID, "domain": "dvpn-bench"},
        "user": {"id": user, "team_id": TEAM_ID},
        "api_app_id": APP_ID,
        "token": "legacy",
        "trigger_id": trigger,
        "view": {**view, "state": {"values": view_state(view, answers)}},
    }


def view_state(view: dict[str, Any], answers: dict[str, Any]) -> dict[str, Any]:
    """`state.values` as Slack sends it, from {block_id: answer}; unanswered inputs are empty."""
    values: dict[str, Any] = {}
    for block in view["blocks"]:
        if block.get("type") != "input":
            continue
        element, answer = block["element"], answers.get(block["block_id"])
        kind = element["type"]
        if kind == "static_select":
            option = next((o for o in element["options"] if o["value"] == answer), None)
            state: dict[str, Any] = {"type": kind, "selected_option": option}
        elif kind == "datepicker":
            state = {"type": kind, "selected_date": answer}
        elif kind == "users_select":
            state = {"type": kind, "selected_user": answer}
        elif kind == "checkboxes":
            state = {"type": kind, "selected_options": element["options"] if answer else []}
        else:
            state = {"type": kind, "value": answer}
        values[block["block_id"]] = {element["action_id"]: state}
    return values


class Triggers:
    """Trigger ids and response URLs, unique per request, as Slack hands out."""

    def __init__(self, slack_url: str) -> None:
        self.slack_url = slack_url
        self._numbers = itertools.count(1)

    def trigger(self) -> str:
        return f"{next(self._numbers)}.{int(time.time())}.bench"

    def response_url(self) -> str:
        return f"{self.slack_url}/response/bench{next(self._numbers)}"


class Connection:
    """One keep-alive HTTP/1.1 connection, as Slack keeps to an app. Written on asyncio streams
    rather than a general client so that at 50 users the generator's own overhead (a few tens of
    microseconds a request) stays out of the latencies it measures."""

    def __init__(self, host: str, port: int, path: str) -> None:
        self.host, self.port, self.path = host, port, path
        self._streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def post(self, body: bytes, headers: dict[str, str]) -> int:
        """Send one request; the response's status once its whole body has arrived."""
        if self._streams is None:
            self._streams = await asyncio.open_connection(self.host, self.port)
        reader, writer = self._streams
        lines = [f"POST {self.path} HTTP/1.1", f"Host: {self.host}:{self.port}", f"Content-Length: {len(body)}"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        await writer.drain()
        head = await reader.readuntil(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        length = next((int(h.split(":", 1)[1]) for h in header_lines if h.lower().startswith("content-length:")), 0)
        await reader.readexactly(length)
        if any(h.lower() == "connection: close" for h in header_lines):
            await self.close()
        return int(status_line.split()[1])

    async def close(self) -> None:
        if self._streams is not None:
            self._streams[1].close()
            self._streams = None


async def drive(url: str, secret: str, users: int, per_user: int, payload: Payload) -> Figures:
    """`users` users each sending `per_user` requests back to back; `payload(n)` is request n's body."""
    where = urlsplit(url)
    numbers = itertools.count()
    latencies: list[float] = []
    failures = 0

    async def user() -> None:
        nonlocal failures
        connection = Connection(where.hostname or "127.0.0.1", where.port or 80, where.path)
        for _ in range(per_user):
            body = payload(next(numbers))
            headers = {k: str(v) for k, v in signed_headers(body, FORM, secret).items()}
            started = time.perf_counter()
            try:
                status = await connection.post(body.encode(), headers)
            except (OSError, asyncio.IncompleteReadError):
                failures += 1
                await connection.close()
                continue
            took = time.perf_counter() - started
            if status == 200:
                latencies.append(took)
            else:
                failures += 1
        await connection.close()

    started = time.perf_counter()
    await asyncio.gather(*(user() for _ in range(users)))
    seconds = time.perf_counter() - started
    return Figures.of(latencies, failures, seconds)


def run_load(url: str, secret: str, users: int, per_user: int, payload: Payload) -> Figures:
    return asyncio.run(drive(url, secret, users, per_user, payload))
