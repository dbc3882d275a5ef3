"""The serving process's side of a request, where the work runs elsewhere (runtime.work_processes):
the listener's ack function is all it runs, so it runs on the request's own thread and the answer
goes back the moment it acks, with no thread handed the request and no waiting for a poll; and a
request the HTTP front door (handlers.wsgi) verified is not verified a second time in the app.
Everywhere else (no hand-off) Bolt still acks first and works after, on its pool."""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlencode

import pytest
from slack_bolt import Ack, App, BoltRequest
from slack_bolt.lazy_listener import LazyListenerRunner
from slack_sdk import WebClient
from slack_sdk.signature import SignatureVerifier
from sqlalchemy.engine import Engine

from blocks import actions as ids
from console.slack_api import TEAM_ID
from handlers.app import build_app
from handlers.wsgi import wsgi_app
from services.context import ServiceContext
from tests.support.slack_driver import signed_headers

SECRET = "serving-acks-signing-secret"
FORM = "application/x-www-form-urlencoded"
Listener = Callable[..., None]


class HandedOver(LazyListenerRunner):
    """Takes the work off the serving process as runtime.work_processes does (handlers.after_ack's
    HandOff), but keeps it in a list: which listener, and on which thread its ack ran."""

    def __init__(self) -> None:
        self.handed: list[tuple[str, int]] = []

    def acknowledging(self, listener: Listener) -> Listener:
        def hand_off(ack: Ack, body: dict[str, Any]) -> None:
            self.handed.append((listener.__name__, threading.get_ident()))
            ack()

        return hand_off

    def answering(self, listener: Listener) -> Listener:
        def ask(ack: Ack, body: dict[str, Any]) -> None:
            self.handed.append((listener.__name__, threading.get_ident()))
            ack(response_action="errors", errors={"served_at": "answered by the work process"})

        return ask

    def start(self, function: Callable[..., None], request: BoltRequest) -> None:
        raise AssertionError("a handed-off listener is never started as a Bolt lazy listener")


def serving_app(ctx: ServiceContext, work: LazyListenerRunner | None) -> App:
    client = WebClient(token="xoxb-serving", base_url="http://127.0.0.1:9/api/")  # never called here
    return build_app(ctx, client=client, signing_secret=SECRET, work=work)


def through_the_door(app: App, engine: Engine, body: str) -> tuple[str, bytes]:
    """`body` signed as Slack signs it, through the WSGI application as waitress would call it."""
    headers = signed_headers(body, FORM, secret=SECRET)
    raw = body.encode()
    environ = {
        "PATH_INFO": "/slack/events",
        "REQUEST_METHOD": "POST",
        "CONTENT_LENGTH": str(len(raw)),
        "CONTENT_TYPE": FORM,
        "wsgi.input": io.BytesIO(raw),
        "HTTP_X_SLACK_REQUEST_TIMESTAMP": headers["x-slack-request-timestamp"],
        "HTTP_X_SLACK_SIGNATURE": headers["x-slack-signature"],
    }
    status: list[str] = []
    answer: Iterable[bytes] = wsgi_app(app, engine, signing_secret=SECRET, max_body=1 << 20)(
        environ, lambda given, _headers: status.append(given)
    )
    return status[0], b"".join(answer)


def command(text: str = "help") -> str:
    return urlencode(
        {
            "team_id": TEAM_ID,
            "channel_id": "C0PPUNORTH",
            "user_id": "UOFFA1",
            "command": "/dvpn",
            "text": text,
            "response_url": "http://127.0.0.1:9/unused",
            "trigger_id": "1.2.serving",
        }
    )


def record_form_submitted() -> str:
    payload = {
        "type": "view_submission",
        "team": {"id": TEAM_ID},
        "user": {"id": "UOFFA1"},
        "trigger_id": "1.2.form",
        "view": {
            "id": "VSERVING",
            "type": "modal",
            "callback_id": ids.RECORD_FORM,
            "blocks": [],
            "state": {"values": {}},
        },
    }
    return urlencode({"payload": json.dumps(payload)})


@pytest.fixture
def handed() -> HandedOver:
    return HandedOver()


@pytest.fixture
def app(ctx: ServiceContext, handed: HandedOver) -> App:
    return serving_app(ctx, handed)


def test_a_command_is_acknowledged_on_its_own_thread(app: App, handed: HandedOver, ctx: ServiceContext) -> None:
    status, body = through_the_door(app, ctx.engine, command())
    assert status.startswith("200") and body == b""
    assert handed.handed == [("answer_command", threading.get_ident())]


def test_a_form_is_answered_on_its_own_thread_with_the_work_process_answer(
    app: App, handed: HandedOver, ctx: ServiceContext
) -> None:
    status, body = through_the_door(app, ctx.engine, record_form_submitted())
    assert status.startswith("200")
    assert json.loads(body) == {"response_action": "errors", "errors": {"served_at": "answered by the work process"}}
    assert handed.handed == [("submit_form", threading.get_ident())]


def test_only_a_serving_app_that_hands_its_work_over_runs_acks_on_the_request_thread(ctx: ServiceContext) -> None:
    assert serving_app(ctx, HandedOver()).process_before_response is True
    # In-process work (tests, the console, a work process): ack first on Bolt's pool, work after.
    assert serving_app(ctx, None).process_before_response is False


def test_a_request_verified_at_the_door_is_not_verified_again(
    app: App, handed: HandedOver, ctx: ServiceContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    checked: list[str] = []
    real = SignatureVerifier.is_valid

    def counted(self: SignatureVerifier, body: str | bytes, timestamp: str, signature: str) -> bool:
        checked.append(timestamp)
        return real(self, body, timestamp, signature)

    monkeypatch.setattr(SignatureVerifier, "is_valid", counted)
    status, _ = through_the_door(app, ctx.engine, command())
    assert status.startswith("200") and len(checked) == 1
    assert [name for name, _ in handed.handed] == ["answer_command"]


def test_a_request_that_did_not_come_through_the_door_is_still_checked(app: App, handed: HandedOver) -> None:
    # Marked by nobody: the app's own check runs, and an unsigned request goes no further.
    unsigned = BoltRequest(body=command(), headers={"content-type": FORM})
    answer = app.dispatch(unsigned)
    assert answer.status == 401 and handed.handed == []
