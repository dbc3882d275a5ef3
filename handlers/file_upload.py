"""Sharing a file in Slack (files_upload_v2: get an upload URL, send the bytes, complete the upload).

Called after the request was acknowledged: an upload is several Web API round trips and must never
sit in Slack's 3 seconds."""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

log = logging.getLogger("dvpn.handlers")


def direct_message_channel(client: WebClient, user_id: str) -> str:
    return str(client.conversations_open(users=user_id)["channel"]["id"])


def share_file(
    client: WebClient,
    *,
    user_id: str,
    channel_id: str | None,
    content: bytes,
    filename: str,
    title: str,
    comment: str,
    alt_text: str | None = None,
) -> str:
    """Share in `channel_id`; where that channel cannot take the file (the bot is not in it, it is
    archived, files are restricted) or none is given, in the requester's direct message instead.
    Returns the channel it was shared in."""
    if channel_id:
        try:
            _upload(client, channel_id, content, filename, title, comment, alt_text)
            return channel_id
        except SlackApiError as error:
            reason = error.response.get("error")
            log.info("file not shared in %s (%s); sending it by direct message", channel_id, reason)
    dm = direct_message_channel(client, user_id)
    _upload(client, dm, content, filename, title, comment, alt_text)
    return dm


def _upload(
    client: WebClient, channel: str, content: bytes, filename: str, title: str, comment: str, alt_text: str | None
) -> None:
    client.files_upload_v2(
        channel=channel, content=content, filename=filename, title=title, initial_comment=comment, alt_txt=alt_text
    )
