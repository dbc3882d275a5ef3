"""Drive the real Bolt app the way Slack does: signed slash commands, button presses, modal
submissions and events, with realistic payloads. The app's Web API calls go to a local stand-in."""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import urlencode

from slack_bolt import App, BoltRequest, BoltResponse

from console.requests import DEFAULT_MIN_QUERY_LENGTH, Answer, suggested_options
from console.requests import DrainingExecutor as ConsoleExecutor
from console.requests import signed_headers as console_signed_headers
from console.slack_api import TEAM_ID, Call, SlackWebAPI

SIGNING_SECRET = "test-signing-secret"
CHANNEL = "C0PPUNORTH"


class DrainingExecutor(ConsoleExecutor):
    """The console's executor; a listener that crashed outside Bolt's error handler fails the test."""

    def drain(self, timeout: float = 20.0) -> list[BaseException]:
        failures = super().drain(timeout)
        if failures:
            raise failures[0]
        return failures


def signed_headers(body: str, content_type: str, *, secret: str = SIGNING_SECRET, age: int = 0) -> dict[str, str]:
    return {key: str(value) for key, value in console_signed_headers(body, content_type, secret, age=age).items()}


class SlackDriver:
    def __init__(self, app: App, api: SlackWebAPI, executor: DrainingExecutor) -> None:
        self.app = app
        self.api = api
        self.executor = executor
        self._triggers = 0
        self.responses: list[dict[str, Any]] = []  # every JSON body the app acked with, in order

    # -- sending ---------------------------------------------------------------------------------

    def send(self, body: str, content_type: str, **sign: Any) -> BoltResponse:
        response = self.app.dispatch(BoltRequest(body=body, headers=signed_headers(body, content_type, **sign)))
        self.executor.drain()
        if response.body.startswith("{"):
            self.responses.append(json.loads(response.body))
        return response

    def _trigger(self) -> str:
        self._triggers += 1
        return f"{self._triggers}.000.trigger"

    def command(self, user: str, text: str, *, channel: str = CHANNEL) -> BoltResponse:
        body = urlencode(
            {
                "token": "legacy",
                "team_id": TEAM_ID,
                "channel_id": channel,
                "channel_name": "ppu-north" if channel.startswith("C") else "directmessage",
                "user_id": user,
                "user_name": user.lower(),
                "command": "/dvpn",
                "text": text,
                "api_app_id": "ADVPN",
                "response_url": self.api.response_url(),
                "trigger_id": self._trigger(),
            }
        )
        return self.send(body, "application/x-www-form-urlencoded")

    def interact(self, payload: dict[str, Any], **sign: Any) -> BoltResponse:
        body = urlencode({"payload": json.dumps(payload)})
        return self.send(body, "application/x-www-form-urlencoded", **sign)

    def press(
        self,
        user: str,
        action_id: str,
        value: str,
        *,
        where: str = "message",
        channel: str = CHANNEL,
        view: dict[str, Any] | None = None,
    ) -> BoltResponse:
        """Press a button in an (ephemeral) message, the App Home, or a modal."""
        payload: dict[str, Any] = {
            "type": "block_actions",
            "team": {"id": TEAM_ID},
            "user": {"id": user, "team_id": TEAM_ID},
            "api_app_id": "ADVPN",
            "trigger_id": self._trigger(),
            "actions": [
                {"type": "button", "action_id": action_id, "block_id": "b", "value": value, "action_ts": "1.2"}
            ],
        }
        if where == "message":
            payload |= {
                "container": {"type": "message", "channel_id": channel, "is_ephemeral": True},
                "channel": {"id": channel},
                "response_url": self.api.response_url(),
            }
        elif where == "home":
            payload |= {"container": {"type": "view", "view_id": "VHOME"}, "view": {"id": "VHOME", "type": "home"}}
        else:
            payload |= {"container": {"type": "view"}, "view": view or {"id": "VMODAL", "type": "modal"}}
        return self.interact(payload)

    def press_in_reminder(self, user: str, action_id: str, value: str, channel: str, ts: str) -> BoltResponse:
        payload = {
            "type": "block_actions",
            "team": {"id": TEAM_ID},
            "user": {"id": user},
            "api_app_id": "ADVPN",
            "trigger_id": self._trigger(),
            "container": {"type": "message", "channel_id": channel, "message_ts": ts},
            "channel": {"id": channel},
            "message": {"ts": ts, "text": ""},
            "response_url": self.api.response_url(),
            "actions": [{"type": "button", "action_id": action_id, "block_id": "b", "value": value}],
        }
        return self.interact(payload)

    def choose(
        self,
        user: str,
        view: dict[str, Any],
        block_id: str,
        action_id: str,
        value: str,
        typed: dict[str, Any] | None = None,
    ) -> BoltResponse:
        """Pick an option in a select with dispatch_action (the record form's type). `typed`: what
        was already entered in the form, which Slack sends along in the view's state."""
        payload = {
            "type": "block_actions",
            "team": {"id": TEAM_ID},
            "user": {"id": user},
            "api_app_id": "ADVPN",
            "trigger_id": self._trigger(),
            "container": {"type": "view", "view_id": view["id"]},
            "view": {**view, "hash": "h1", "state": {"values": fill(view, typed or {})}},
            "actions": [
                {
                    "type": "static_select",
                    "action_id": action_id,
                    "block_id": block_id,
                    "selected_option": {"text": {"type": "plain_text", "text": value}, "value": value},
                }
            ],
        }
        return self.interact(payload)

    def suggest(self, user: str, view: dict[str, Any], block_id: str, typed: str) -> list[dict[str, Any]]:
        """Type into an external_select: what Slack would offer (console.requests.suggested_options
        checks the answer as Slack does; nothing is asked below min_query_length)."""
        [element] = [b["element"] for b in view["blocks"] if b.get("block_id") == block_id]
        if len(typed) < int(element.get("min_query_length", DEFAULT_MIN_QUERY_LENGTH)):
            return []
        payload = {
            "type": "block_suggestion",
            "team": {"id": TEAM_ID},
            "user": {"id": user, "team_id": TEAM_ID},
            "api_app_id": "ADVPN",
            "action_id": element["action_id"],
            "block_id": block_id,
            "value": typed,
            "container": {"type": "view", "view_id": view["id"]},
            "view": view,
        }
        response = self.interact(payload)
        return suggested_options(Answer(response.status, ack_body(response)))

    def submit(self, user: str, view: dict[str, Any], answers: dict[str, Any]) -> BoltResponse:
        payload = {
            "type": "view_submission",
            "team": {"id": TEAM_ID},
            "user": {"id": user},
            "api_app_id": "ADVPN",
            "trigger_id": self._trigger(),
            "view": {**view, "state": {"values": fill(view, answers)}},
        }
        return self.interact(payload)

    def shortcut(self, user: str, callback_id: str) -> BoltResponse:
        payload = {
            "type": "shortcut",
            "callback_id": callback_id,
            "team": {"id": TEAM_ID},
            "user": {"id": user},
            "trigger_id": self._trigger(),
        }
        return self.interact(payload)

    def event(self, event: dict[str, Any], *, retry: int | None = None) -> BoltResponse:
        body = json.dumps(
            {
                "token": "legacy",
                "team_id": TEAM_ID,
                "api_app_id": "ADVPN",
                "type": "event_callback",
                "event_id": f"Ev{self._trigger()}",
                "event_time": int(time.time()),
                "event": event,
            }
        )
        return self.send(body, "application/json")

    # -- reading what the app sent -----------------------------------------------------------------

    def sent(self) -> list[Call]:
        """Every call the app made for the requests (not Bolt's one auth.test on its first request)."""
        return [c for c in self.api.calls() if c.method != "auth.test"]

    def replies(self) -> list[Call]:
        """Everything sent through response URLs, in order."""
        return self.api.calls("response_url")

    def last_reply(self) -> Call:
        found = self.replies()
        assert found, f"no reply; calls were {[c.method for c in self.api.calls()]}"
        return found[-1]

    def opened_view(self) -> dict[str, Any]:
        calls = [c for c in self.api.calls() if c.method in ("views.open", "views.push")]
        assert calls, f"no modal opened; calls were {[c.method for c in self.sent()]}"
        return self.api.newest_view()


def action_ids(blocks: list[dict[str, Any]]) -> list[str]:
    """The buttons a message or view offers, in order, by action id."""
    found = [e["action_id"] for b in blocks if b.get("type") == "actions" for e in b["elements"]]
    return found + [b["accessory"]["action_id"] for b in blocks if "action_id" in b.get("accessory", {})]


def ack_body(response: BoltResponse) -> dict[str, Any]:
    """What the app acked with: {} for a plain ack (a modal closes), else the JSON it sent."""
    return json.loads(response.body) if response.body else {}


def blocks_text(blocks: list[dict[str, Any]]) -> str:
    """Every text in blocks (a view's or a builder's), joined."""
    return " ".join(_texts(blocks))


def reply_text(call: Call) -> str:
    """Every text in a reply's blocks, joined, for asserting on what a user reads."""
    return " ".join(_texts(call.blocks)) + " " + str(call.get("text", ""))


def _texts(value: Any) -> list[str]:
    if isinstance(value, dict):
        found = [value["text"]] if isinstance(value.get("text"), str) else []
        return found + [t for v in value.values() if isinstance(v, dict | list) for t in _texts(v)]
    if isinstance(value, list):
        return [t for v in value for t in _texts(v)]
    return []


def _number(element: dict[str, Any], block_id: str, answer: Any) -> str | None:
    """What Slack's client lets through a number_input: digits within its bounds, or nothing."""
    if answer is None:
        return None
    text = str(answer)
    low, high = float(element.get("min_value", "-inf")), float(element.get("max_value", "inf"))
    if not text.isdigit() or not low <= int(text) <= high:
        raise AssertionError(f"Slack would not submit {text!r} in {block_id} (a whole number from {low} to {high})")
    return text


def fill(view: dict[str, Any], answers: dict[str, Any]) -> dict[str, Any]:
    """A view's state as Slack sends it, from {block_id: answer}; unanswered inputs are empty."""
    values: dict[str, Any] = {}
    for block in view["blocks"]:
        if block.get("type") != "input":
            continue
        element = block["element"]
        answer = answers.get(block["block_id"])
        kind = element["type"]
        if kind == "plain_text_input":
            state: dict[str, Any] = {"type": kind, "value": answer}
        elif kind == "datepicker":
            state = {"type": kind, "selected_date": answer}
        elif kind == "static_select":
            option = next((o for o in element["options"] if o["value"] == answer), None)
            if answer is not None and option is None:
                raise AssertionError(f"{answer!r} is not an option of {block['block_id']}")
            state = {"type": kind, "selected_option": option}
        elif kind == "external_select":  # `answer`: an option the app offered (suggest)
            state = {"type": kind, "selected_option": answer}
        elif kind == "users_select":
            state = {"type": kind, "selected_user": answer}
        elif kind == "checkboxes":
            state = {"type": kind, "selected_options": element["options"] if answer else []}
        elif kind == "number_input":
            state = {"type": kind, "value": _number(element, block["block_id"], answer)}
        else:
            raise AssertionError(f"unhandled element {kind}")
        values[block["block_id"]] = {element["action_id"]: state}
    unknown = set(answers) - set(values)
    assert not unknown, f"the form has no fields {unknown}"
    return values


def open_record_form(slack: SlackDriver, user: str, order_type: str) -> dict[str, Any]:
    """/dvpn new, then pick the type: the form is redrawn in place with that type's fields."""
    slack.command(user, "new")
    picker = slack.opened_view()
    slack.choose(user, picker, "order_type", "record_form_order_type", order_type)
    return slack.api.view(picker["id"])
