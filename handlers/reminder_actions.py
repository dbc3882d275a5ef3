"""The reminder message's buttons: acknowledge, done, snooze. Acknowledged at once; then the
service is called and the message updated in place; a refusal is told to the presser alone."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltContext, Respond
from slack_sdk import WebClient

from blocks import actions as ids
from blocks.reminder_wording import settled_text
from blocks.reminders import reminder_settled_blocks
from blocks.wording import problem
from handlers.after_ack import after_ack
from handlers.context import services
from handlers.errors import reported
from services.context import ServiceContext
from services.errors import DomainError
from services.reminders import actions as reminder_actions
from services.reminders.results import ReminderActionResult

Act = Callable[[ServiceContext, str, int, str], ReminderActionResult]  # presser's Slack id, reminder id, action id

SNOOZE = re.compile("^" + re.escape(ids.REMINDER_SNOOZE_PREFIX) + "(" + "|".join(ids.SNOOZE_CHOICES) + ")$")


def register(app: App) -> None:
    after_ack(app, app.action(ids.REMINDER_ACKNOWLEDGE))(acknowledge_reminder)
    after_ack(app, app.action(ids.REMINDER_DONE))(reminder_done)
    after_ack(app, app.action(SNOOZE))(snooze_reminder)


@reported
def acknowledge_reminder(body: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext) -> None:
    _settle(body, client, respond, context, _acknowledge)


@reported
def reminder_done(body: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext) -> None:
    _settle(body, client, respond, context, _done)


@reported
def snooze_reminder(body: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext) -> None:
    _settle(body, client, respond, context, _snooze)


def _acknowledge(ctx: ServiceContext, user: str, reminder_id: int, action_id: str) -> ReminderActionResult:
    return reminder_actions.acknowledge(ctx, user, reminder_id)


def _done(ctx: ServiceContext, user: str, reminder_id: int, action_id: str) -> ReminderActionResult:
    return reminder_actions.done(ctx, user, reminder_id)


def _snooze(ctx: ServiceContext, user: str, reminder_id: int, action_id: str) -> ReminderActionResult:
    return reminder_actions.snooze(ctx, user, reminder_id, action_id.removeprefix(ids.REMINDER_SNOOZE_PREFIX))


def _settle(body: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext, act: Act) -> None:
    action = body["actions"][0]
    user = str(body.get("user", {}).get("id", ""))
    try:
        result = act(services(context), user, _reminder_id(action.get("value")), str(action["action_id"]))
    except DomainError as error:
        respond(text=problem(error), response_type="ephemeral", replace_original=False)
        return
    # The pressed message (it may be a re-send or an escalation), else where the reminder went.
    container = body.get("container", {})
    channel = container.get("channel_id") or body.get("channel", {}).get("id") or result.channel
    ts = container.get("message_ts") or body.get("message", {}).get("ts") or result.ts
    if channel and ts:
        blocks, text = reminder_settled_blocks(result), settled_text(result)
        client.chat_update(channel=channel, ts=ts, text=text, blocks=blocks)


def _reminder_id(value: Any) -> int:
    try:
        return int(str(value))
    except ValueError:
        raise DomainError("That button is out of date. Open the record instead.") from None
