"""Attack: unsigned requests dispatched straight to the real Bolt app (the path of the in-process
work threads, the console and Socket Mode), and the error handler given a body nobody verified.
Refused with 401, and nothing reaches Slack or the attacker's `response_url`."""

from __future__ import annotations

import json
import time
from urllib.parse import urlencode

from slack_bolt import BoltContext, BoltRequest
from slack_bolt.context.respond import Respond
from sqlalchemy.engine import Engine

from console.slack_api import TEAM_ID, SlackWebAPI
from handlers.errors import on_error
from handlers.verification import VERIFIED
from handlers.web_client import web_client
from services.context import ServiceContext
from tests.support.attacks import Attacker, assert_nothing_happened
from tests.support.database import row_counts
from tests.support.force import Force
from tests.support.slack_app import ctx, slack
from tests.support.slack_driver import SIGNING_SECRET, SlackDriver, signed_headers

__all__ = ["ctx", "slack"]  # the real app on the stand-in, as tests/slack drives it


def forged(attacker: Attacker, user: str) -> list[str]:
    command = urlencode(
        {
            "team_id": TEAM_ID,
            "channel_id": "C0ATTACK",
            "user_id": user,
            "command": "/dvpn",
            "text": "help",
            "response_url": attacker.url,
            "trigger_id": "1.2.forged",
        }
    )
    button = urlencode(
        {
            "payload": json.dumps(
                {
                    "type": "block_actions",
                    "team": {"id": TEAM_ID},
                    "user": {"id": user},
                    "channel": {"id": "C0ATTACK"},
                    "response_url": attacker.url,
                    "trigger_id": "1.2.forged",
                    "actions": [{"action_id": "dvpn_open_record", "value": "1", "type": "button"}],
                }
            )
        }
    )
    return [command, button]


def test_the_app_refuses_every_badly_signed_request(
    slack: SlackDriver, engine: Engine, force: Force, slack_api: SlackWebAPI, attacker: Attacker
) -> None:
    before = row_counts(engine)
    now = str(int(time.time()))
    statuses = []
    for body in forged(attacker, force.officer):
        good = signed_headers(body, "application/x-www-form-urlencoded")
        for stamp in ("abc", "1e9", " ", "", "9" * 5000, "\u00b2", f"{now}.0"):
            statuses.append(
                slack.app.dispatch(BoltRequest(body=body, headers={**good, "x-slack-request-timestamp": stamp})).status
            )
        for signature in ("", "v0=", "v0=\u00e9", "v0=" + "0" * 64):
            statuses.append(
                slack.app.dispatch(BoltRequest(body=body, headers={**good, "x-slack-signature": signature})).status
            )
        statuses.append(
            slack.app.dispatch(BoltRequest(body=body, headers={"content-type": good["content-type"]})).status
        )
        stale = signed_headers(body, "application/x-www-form-urlencoded", age=600)
        statuses.append(slack.app.dispatch(BoltRequest(body=body, headers=stale)).status)
        other = signed_headers(body, "application/x-www-form-urlencoded", secret="not-" + SIGNING_SECRET)
        statuses.append(slack.app.dispatch(BoltRequest(body=body, headers=other)).status)
    assert slack.executor.drain() == []
    assert set(statuses) == {401}
    assert_nothing_happened(engine, before, slack_api, attacker, settle=0.5)


def test_the_error_handler_answers_only_a_verified_request(
    ctx: ServiceContext, engine: Engine, slack_api: SlackWebAPI, attacker: Attacker
) -> None:
    """The global error handler is the one place that answers a request Bolt failed on; given a
    request not marked verified it only logs, whatever the body names."""
    before = row_counts(engine)
    client = web_client(ctx.settings, retries=0)
    body = {"command": "/dvpn", "response_url": attacker.url, "channel_id": "C0ATTACK", "user_id": "UVICTIM"}
    for context in (None, BoltContext(), BoltContext({VERIFIED: ""})):
        on_error(RuntimeError("failed before verification"), body, client, Respond(response_url=attacker.url), context)
        on_error(RuntimeError("failed before verification"), {**body, "response_url": None}, client, None, context)
    assert_nothing_happened(engine, before, slack_api, attacker, settle=0.2)
    # the same error on a verified request is answered where it asks: the attacker's server hears it
    on_error(
        RuntimeError("after verification"),
        body,
        client,
        Respond(response_url=attacker.url),
        BoltContext({VERIFIED: "signature"}),
    )
    assert len(attacker.received) == 1
