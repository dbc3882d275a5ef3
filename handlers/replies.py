"""Where a reply goes. Ephemeral to the user who asked unless they chose a channel."""

from __future__ import annotations

from typing import Any

from slack_bolt import Respond
from slack_sdk import WebClient

from handlers.router import Reply


def tell(body: dict[str, Any], client: WebClient, respond: Respond | None, reply: Reply) -> None:
    """Answer through the request's response URL when it has one (slash commands, message
    buttons); otherwise ephemerally in the channel; otherwise (App Home, modals) in the user's DM."""
    if respond is not None and body.get("response_url"):
        respond(
            blocks=reply.blocks,
            text=reply.text,
            response_type="in_channel" if reply.in_channel else "ephemeral",
            replace_original=False,
        )
        return
    user = user_of(body)
    channel = channel_of(body)
    if channel and not reply.in_channel:
        client.chat_postEphemeral(channel=channel, user=user, blocks=reply.blocks, text=reply.text)
        return
    client.chat_postMessage(
        channel=channel if reply.in_channel and channel else user, blocks=reply.blocks, text=reply.text
    )


def user_of(body: dict[str, Any]) -> str:
    user = body.get("user_id") or (body.get("user") or {}).get("id") or body.get("event", {}).get("user")
    return str(user or "")


def channel_of(body: dict[str, Any]) -> str | None:
    channel = body.get("channel_id") or (body.get("channel") or {}).get("id")
    return str(channel) if channel else None


def from_home(body: dict[str, Any]) -> bool:
    """Whether the button pressed is on the user's App Home."""
    return (body.get("view") or {}).get("type") == "home"
