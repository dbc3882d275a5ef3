"""Attack: requests that Slack did not sign, sent to a real `dvpn-bot serve`. Whatever is wrong
with the signature, the timestamp or the body (including what once made the verifier itself
raise), the answer is 401, nothing is sent to Slack or to the `response_url` the attacker named,
no row changes, and the forged body is not written to the log."""

from __future__ import annotations

import http.client
import json
import time
from urllib.parse import urlencode

import pytest
from slack_sdk.signature import SignatureVerifier
from sqlalchemy.engine import Engine

from console.slack_api import TEAM_ID, SlackWebAPI
from tests.support.attacks import SECRET, Attacker, assert_nothing_happened
from tests.support.database import row_counts
from tests.support.drills import Served
from tests.support.force import Force

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
CHANNEL = "C0ATTACK"
MARKER = "Marcus Attackerson"  # text in each forged body that must not reach the log


def forged_command(attacker: Attacker, user: str) -> bytes:
    fields = {
        "team_id": TEAM_ID,
        "channel_id": CHANNEL,
        "user_id": user,
        "command": "/dvpn",
        "text": f"search {MARKER}",
        "response_url": attacker.url,
        "trigger_id": "1.2.forged",
    }
    return urlencode(fields).encode()


def forged_button(attacker: Attacker, user: str) -> bytes:
    payload = {
        "type": "block_actions",
        "team": {"id": TEAM_ID},
        "user": {"id": user},
        "channel": {"id": CHANNEL},
        "response_url": attacker.url,
        "trigger_id": "1.2.forged",
        "actions": [{"action_id": "dvpn_open_record", "value": MARKER, "type": "button"}],
    }
    return urlencode({"payload": json.dumps(payload)}).encode()


def signature(body: bytes, timestamp: str, secret: str = SECRET) -> str:
    return SignatureVerifier(secret).generate_signature(timestamp=timestamp, body=body) or ""


def post(served: Served, body: bytes, headers: dict[str, str]) -> int:
    """The request exactly as given: http.client adds nothing but Host and Content-Length."""
    connection = http.client.HTTPConnection(served.base.removeprefix("http://"), timeout=10)
    try:
        connection.request("POST", "/slack/events", body=body, headers=headers)
        answer = connection.getresponse()
        answer.read()
        return int(answer.status)
    finally:
        connection.close()


def attacks(attacker: Attacker, user: str) -> list[tuple[str, bytes, dict[str, str]]]:
    command, button = forged_command(attacker, user), forged_button(attacker, user)
    now = str(int(time.time()))
    fake = "v0=" + "0" * 64
    cases: list[tuple[str, bytes, dict[str, str]]] = []
    for kind, body in (("command", command), ("button", button)):
        for stamp in ("abc", "1e9", " ", "", "9" * 5000, "-1", f"{now}.5", "\u00b2", "0x10"):
            cases.append(
                (
                    f"{kind}: timestamp {stamp[:12]!r}",
                    body,
                    {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": fake},
                )
            )
        cases += [
            (f"{kind}: no signature headers", body, {}),
            (f"{kind}: no timestamp", body, {"X-Slack-Signature": signature(body, now)}),
            (f"{kind}: no signature", body, {"X-Slack-Request-Timestamp": now}),
            (f"{kind}: empty signature", body, {"X-Slack-Request-Timestamp": now, "X-Slack-Signature": ""}),
            (f"{kind}: bare v0=", body, {"X-Slack-Request-Timestamp": now, "X-Slack-Signature": "v0="}),
            (f"{kind}: non-hex signature", body, {"X-Slack-Request-Timestamp": now, "X-Slack-Signature": "v0=zz"}),
            (f"{kind}: latin-1 signature", body, {"X-Slack-Request-Timestamp": now, "X-Slack-Signature": "v0=\u00e9"}),
            (
                f"{kind}: another app's secret",
                body,
                {"X-Slack-Request-Timestamp": now, "X-Slack-Signature": signature(body, now, "not-ours")},
            ),
            (
                f"{kind}: replayed (10 minutes old)",
                body,
                {
                    "X-Slack-Request-Timestamp": str(int(now) - 600),
                    "X-Slack-Signature": signature(body, str(int(now) - 600)),
                },
            ),
        ]
    event = json.dumps(
        {"type": "event_callback", "team_id": TEAM_ID, "event": {"type": "app_home_opened", "user": user}}
    ).encode()
    cases += [
        (
            "JSON event, wrong signature",
            event,
            {"Content-Type": JSON, "X-Slack-Request-Timestamp": now, "X-Slack-Signature": fake},
        ),
        (
            "JSON that does not parse",
            b'{"response_url": "' + attacker.url.encode() + b'", ',
            {"Content-Type": JSON, "X-Slack-Request-Timestamp": "abc", "X-Slack-Signature": fake},
        ),
        (
            "form payload that does not parse",
            b"payload=%7Bnot-json",
            {"X-Slack-Request-Timestamp": now, "X-Slack-Signature": fake},
        ),
        (
            "not UTF-8",
            b"text=\xff\xfe&response_url=" + attacker.url.encode(),
            {"X-Slack-Request-Timestamp": now, "X-Slack-Signature": fake},
        ),
        ("ssl_check", b"ssl_check=1&token=x", {"X-Slack-Request-Timestamp": "abc", "X-Slack-Signature": fake}),
    ]
    return cases


@pytest.mark.parametrize("content_type", [FORM, None])
def test_unsigned_requests_get_401_and_make_the_bot_say_nothing(
    served: Served, engine: Engine, force: Force, slack_api: SlackWebAPI, attacker: Attacker, content_type: str | None
) -> None:
    before = row_counts(engine)
    answers = {}
    for name, body, headers in attacks(attacker, force.officer):
        if content_type and "Content-Type" not in headers:
            headers = {"Content-Type": content_type, **headers}
        answers[name] = post(served, body, headers)
    assert {name: status for name, status in answers.items() if status != 401} == {}
    assert_nothing_happened(engine, before, slack_api, attacker)
    assert MARKER not in served.bot.output(), "a forged body was written to the log"
    # and the server still answers Slack: a signed command is served as before
    reply, _ = served.command(force.officer, "help")
    assert "/dvpn" in reply
