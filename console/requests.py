"""Requests as Slack sends them: signed slash commands, button presses, select choices, modal
submissions and events, dispatched to the real Bolt app. The console types into Slack through
these, so the app cannot tell the console from a workspace."""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from slack_bolt import App, BoltRequest, BoltResponse
from slack_sdk.signature import SignatureVerifier

from console.slack_api import TEAM_ID, SlackWebAPI

JSONObject = dict[str, Any]
APP_ID = "ADVPNCONSOLE"
FORM = "application/x-www-form-urlencoded"


class DrainingExecutor(ThreadPoolExecutor):
    """Runs listeners on threads as production does, and lets the console wait for them to finish,
    so everything a command caused is shown before the next prompt."""

    def __init__(self) -> None:
        super().__init__(max_workers=4, thread_name_prefix="listener")
        self._futures: list[Future[Any]] = []

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        future = super().submit(fn, *args, **kwargs)
        self._futures.append(future)
        return future

    def drain(self, timeout: float = 30.0) -> list[BaseException]:
        """Wait for every listener; the exceptions that escaped Bolt's error handler, if any."""
        while pending := [f for f in self._futures if not f.done()]:
            wait(pending, timeout=timeout)
        failures = [error for f in self._futures if (error := f.exception()) is not None]
        self._futures.clear()
        return failures


def signed_headers(body: str, content_type: str, secret: str, *, age: int = 0) -> dict[str, str | Sequence[str]]:
    """The headers Slack adds: a timestamp and an HMAC signature Bolt verifies. `age` backdates the
    timestamp (a replayed request older than five minutes must be refused)."""
    timestamp = str(int(time.time()) - age)
    signature = SignatureVerifier(secret).generate_signature(timestamp=timestamp, body=body) or ""
    return {"content-type": content_type, "x-slack-request-timestamp": timestamp, "x-slack-signature": signature}


@dataclass(frozen=True)
class Answer:
    """What the app acknowledged with: HTTP status and its JSON body ({} for a plain ack)."""

    status: int
    body: JSONObject
    listener_errors: tuple[BaseException, ...] = ()

    @property
    def response_action(self) -> str | None:
        action = self.body.get("response_action")
        return str(action) if action else None


class SlackRequests:
    """Builds, signs and dispatches the payloads; waits for the listeners before returning."""

    def __init__(self, app: App, api: SlackWebAPI, executor: DrainingExecutor, secret: str, channel: str) -> None:
        self.app = app
        self.api = api
        self.executor = executor
        self.secret = secret
        self.channel = channel  # where the console's user "types": a channel of the demo force
        self._counter = itertools.count(1)

    def _trigger(self) -> str:
        return f"{next(self._counter)}.{int(time.time())}.console"

    def send(self, body: str, content_type: str) -> Answer:
        request = BoltRequest(body=body, headers=signed_headers(body, content_type, self.secret))
        response: BoltResponse = self.app.dispatch(request)
        errors = tuple(self.executor.drain())
        parsed = json.loads(response.body) if response.body.startswith("{") else {}
        return Answer(response.status, parsed, errors)

    def interact(self, payload: JSONObject) -> Answer:
        return self.send(urlencode({"payload": json.dumps(payload)}), FORM)

    def _base(self, kind: str, user: str) -> JSONObject:
        return {
            "type": kind,
            "team": {"id": TEAM_ID, "domain": "dvpn-demo"},
            "user": {"id": user, "team_id": TEAM_ID},
            "api_app_id": APP_ID,
            "token": "legacy",
            "trigger_id": self._trigger(),
        }

    def command(self, user: str, text: str) -> Answer:
        body = urlencode(
            {
                "token": "legacy",
                "team_id": TEAM_ID,
                "team_domain": "dvpn-demo",
                "channel_id": self.channel,
                "channel_name": "ppu-console",
                "user_id": user,
                "user_name": user.lower(),
                "command": "/dvpn",
                "text": text,
                "api_app_id": APP_ID,
                "response_url": self.api.response_url(),
                "trigger_id": self._trigger(),
            }
        )
        return self.send(body, FORM)

    def press(self, user: str, button: JSONObject, where: Where) -> Answer:
        """A button press in a message, the App Home or a modal: Slack's block_actions payload."""
        action = {
            "type": "button",
            "action_id": button["action_id"],
            "block_id": where.block_id or "console",
            "text": button.get("text", {}),
            "action_ts": f"{time.time():.6f}",
        }
        if "value" in button:
            action["value"] = button["value"]
        payload = self._base("block_actions", user) | {"actions": [action]} | where.container(self.api)
        return self.interact(payload)

    def choose(self, user: str, view: JSONObject, block_id: str, element: JSONObject, chosen: JSONObject) -> Answer:
        """A choice in a select that dispatches at once (the record form's type picker)."""
        action = {
            "type": element["type"],
            "action_id": element["action_id"],
            "block_id": block_id,
            "selected_option": chosen,
            "action_ts": f"{time.time():.6f}",
        }
        payload = self._base("block_actions", user) | {
            "container": {"type": "view", "view_id": view["id"]},
            "view": {**view, "hash": view.get("hash", "console"), "state": {"values": {}}},
            "actions": [action],
        }
        return self.interact(payload)

    def suggest(self, user: str, view: JSONObject, block_id: str, element: JSONObject, typed: str) -> list[JSONObject]:
        """What an external_select offers for `typed`, as Slack gets it: nothing is asked below the
        element's min_query_length (3 unless set), then a block_suggestion whose answer must hold
        `options` or `option_groups`, at most 100 of either; the options come back in order."""
        if len(typed) < int(element.get("min_query_length", DEFAULT_MIN_QUERY_LENGTH)):
            return []
        payload = self._base("block_suggestion", user) | {
            "action_id": element["action_id"],
            "block_id": block_id,
            "value": typed,
            "container": {"type": "view", "view_id": view.get("id")},
            "view": view,
        }
        return suggested_options(self.interact(payload))

    def submit(self, user: str, view: JSONObject, values: JSONObject) -> Answer:
        payload = self._base("view_submission", user) | {"view": {**view, "state": {"values": values}}}
        return self.interact(payload)

    def home_opened(self, user: str) -> Answer:
        body = json.dumps(
            {
                "token": "legacy",
                "team_id": TEAM_ID,
                "api_app_id": APP_ID,
                "type": "event_callback",
                "event_id": f"Ev{next(self._counter):08d}",
                "event_time": int(time.time()),
                "event": {"type": "app_home_opened", "user": user, "channel": "D" + user, "tab": "home"},
            }
        )
        return self.send(body, "application/json")


DEFAULT_MIN_QUERY_LENGTH = 3  # Slack's, for an external_select that does not set it
MAX_SUGGESTED = 100  # options, and option groups, in one options load


def suggested_options(answer: Answer) -> list[JSONObject]:
    """The options an options load answered, or ValueError where Slack would show none."""
    if answer.status != 200:
        raise ValueError(f"the options load answered HTTP {answer.status}")
    body = answer.body
    if ("options" in body) == ("option_groups" in body):
        raise ValueError(f"an options load answers options or option_groups: {sorted(body)}")
    groups = body.get("option_groups") or [{"options": body.get("options", [])}]
    if len(groups) > MAX_SUGGESTED or any(len(g["options"]) > MAX_SUGGESTED for g in groups):
        raise ValueError("more than 100 options or option groups")
    for group in groups:
        if "label" in group and (group["label"].get("type") != "plain_text" or not group["options"]):
            raise ValueError("an option group needs a plain_text label and options")
    return [option for group in groups for option in group["options"]]


@dataclass(frozen=True)
class Where:
    """Where a button was shown, which decides the container Slack reports with the press."""

    kind: str  # "ephemeral", "message", "home", "modal"
    channel: str | None = None
    ts: str | None = None
    view: JSONObject | None = None
    block_id: str | None = None

    def container(self, api: SlackWebAPI) -> JSONObject:
        if self.kind == "home":
            view_id = (self.view or {}).get("id", "VHOME")
            return {"container": {"type": "view", "view_id": view_id}, "view": {"id": view_id, "type": "home"}}
        if self.kind == "modal":
            view = self.view or {"type": "modal"}
            return {"container": {"type": "view", "view_id": view.get("id")}, "view": view}
        message: JSONObject = {"type": "message", "channel_id": self.channel, "is_ephemeral": self.kind == "ephemeral"}
        found: JSONObject = {"channel": {"id": self.channel}, "response_url": api.response_url()}
        if self.ts:
            message["message_ts"] = self.ts
            found["message"] = {"ts": self.ts, "text": ""}
        return {"container": message} | found
