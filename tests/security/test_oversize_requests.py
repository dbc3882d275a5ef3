"""Attack: memory exhaustion before authentication. Unsigned request bodies far larger than any
Slack payload, sent to a real `dvpn-bot serve`, declared by Content-Length or streamed chunked,
are refused with 413 before they are read: the server's memory does not grow with them, nothing
is sent anywhere and no row changes."""

from __future__ import annotations

import select
import socket
from pathlib import Path

from sqlalchemy.engine import Engine

from config import Settings
from console.slack_api import SlackWebAPI
from tests.support.attacks import Attacker, assert_nothing_happened
from tests.support.database import row_counts
from tests.support.drills import Served
from tests.support.force import Force

CAP = Settings().max_request_bytes
ATTEMPT = 64 * 1024 * 1024  # what each attack tries to send: 64 times the cap
PIECE = b"text=" + b"A" * (256 * 1024 - 5)


def rss_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS")


def attack(served: Served, headers: str, chunked: bool) -> bytes:
    """Send the headers, then body pieces until the server answers or stops reading; its answer."""
    host, port = served.base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(headers.encode())
        sent = 0
        try:
            while sent < ATTEMPT and not select.select([connection], [], [], 0)[0]:
                piece = b"%x\r\n%s\r\n" % (len(PIECE), PIECE) if chunked else PIECE
                connection.sendall(piece)
                sent += len(PIECE)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server closed the connection after refusing: the answer is still readable
        answer = b""
        try:
            while chunk := connection.recv(65536):
                answer += chunk
        except ConnectionResetError:
            pass
        assert sent < ATTEMPT, "the server read the whole oversize body"
        return answer


def test_oversize_unsigned_bodies_are_refused_unread(
    served: Served, engine: Engine, force: Force, slack_api: SlackWebAPI, attacker: Attacker
) -> None:
    assert served.bot.process is not None
    pid = served.bot.process.pid
    before, rss_before = row_counts(engine), rss_bytes(pid)
    start = "POST /slack/events HTTP/1.1\r\nHost: dvpn\r\nContent-Type: application/x-www-form-urlencoded\r\n"
    unsigned = "X-Slack-Request-Timestamp: abc\r\nX-Slack-Signature: v0=0\r\n"
    declared = attack(served, f"{start}{unsigned}Content-Length: {300 * 1024 * 1024}\r\n\r\n", chunked=False)
    streamed = attack(served, f"{start}{unsigned}Transfer-Encoding: chunked\r\n\r\n", chunked=True)
    just_over = attack(served, f"{start}{unsigned}Content-Length: {CAP + 1}\r\n\r\n", chunked=False)
    for answer in (declared, streamed, just_over):
        assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    growth = rss_bytes(pid) - rss_before
    assert growth < 8 * 1024 * 1024, f"the server grew by {growth} bytes"
    assert_nothing_happened(engine, before, slack_api, attacker)
    assert served.health() == 200  # still serving
