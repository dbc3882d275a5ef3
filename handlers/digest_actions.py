"""The daily digest's "Nudge officer" button: the officer in charge is sent the record's open items
once; the presser is told it was done, or by whom and when it already was."""

from __future__ import annotations

import json
from typing import Any

from slack_bolt import App, BoltContext, Respond
from slack_sdk import WebClient

from blocks import actions as ids
from blocks.digest import nudge_message, nudge_reply
from handlers.after_ack import after_ack
from handlers.context import services
from handlers.errors import reported
from handlers.home import republish_home
from handlers.replies import from_home, tell, user_of
from handlers.router import Reply
from services.errors import DomainError
from services.reminders.nudges import nudge


def register(app: App) -> None:
    after_ack(app, app.action(ids.DIGEST_NUDGE))(nudge_officer)


@reported
def nudge_officer(body: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext) -> None:
    result = nudge(services(context), user_of(body), _reference(body))
    if result.first and result.officer.slack_id:
        blocks, text = nudge_message(result)
        client.chat_postMessage(channel=result.officer.slack_id, blocks=blocks, text=text)
    blocks, text = nudge_reply(result)
    tell(body, client, respond, Reply(blocks, text))
    if from_home(body):
        republish_home(services(context), client, user_of(body))


def _reference(body: dict[str, Any]) -> str:
    try:
        return str(json.loads(body["actions"][0]["value"])["reference"])
    except (KeyError, IndexError, ValueError, TypeError):
        raise DomainError("This button is from an older digest: use the newest one.") from None
