"""The Slack stand-in keeps threads as Slack does, through the real slack_sdk WebClient: a post
with thread_ts is a reply under its root (a reply's ts names its root's thread), the root carries
reply_count and latest_reply, conversations.history lists only roots and broadcast replies, and
conversations.replies answers the root then its replies in pages."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from console.slack_api import SlackWebAPI

CHANNEL = "CTEAMA"


@pytest.fixture
def client() -> Iterator[tuple[SlackWebAPI, WebClient]]:
    with SlackWebAPI() as api:
        yield api, WebClient(token="xoxb-test", base_url=api.api_url)


def test_a_reply_goes_under_its_root_and_only_the_root_is_in_the_history(
    client: tuple[SlackWebAPI, WebClient],
) -> None:
    api, web = client
    root = web.chat_postMessage(channel=CHANNEL, text="WM-DVPN-2026-0001 (AE): awaiting listing")["ts"]
    first = web.chat_postMessage(channel=CHANNEL, text="hearing booked", thread_ts=root)["ts"]
    web.chat_postMessage(channel=CHANNEL, text="breach", thread_ts=first)  # a reply's ts: the same thread
    shown = web.chat_postMessage(channel=CHANNEL, text="lapsed", thread_ts=root, reply_broadcast=True)["ts"]

    history = web.conversations_history(channel=CHANNEL)["messages"]
    assert [m["text"] for m in history] == ["lapsed", "WM-DVPN-2026-0001 (AE): awaiting listing"]
    assert history[0]["subtype"] == "thread_broadcast"
    assert (history[1]["reply_count"], history[1]["latest_reply"], history[1]["thread_ts"]) == (3, shown, root)

    thread = web.conversations_replies(channel=CHANNEL, ts=root, limit=2)
    assert [m["text"] for m in thread["messages"]] == ["WM-DVPN-2026-0001 (AE): awaiting listing", "hearing booked"]
    rest = web.conversations_replies(channel=CHANNEL, ts=root, cursor=thread["response_metadata"]["next_cursor"])
    assert [m["text"] for m in rest["messages"]] == ["breach", "lapsed"]
    assert {m["thread_ts"] for m in rest["messages"]} == {root} and not rest["has_more"]

    web.chat_update(channel=CHANNEL, ts=root, text="WM-DVPN-2026-0001 (AE): hearing listed")  # the root follows
    assert web.conversations_replies(channel=CHANNEL, ts=first)["messages"][0]["text"].endswith("hearing listed")
    assert len(api.messages(CHANNEL)) == 4


def test_a_reply_to_a_message_not_in_the_channel_is_refused(client: tuple[SlackWebAPI, WebClient]) -> None:
    api, web = client
    with pytest.raises(SlackApiError, match="thread_not_found"):
        web.chat_postMessage(channel=CHANNEL, text="orphan", thread_ts="1.000100")
    assert api.messages(CHANNEL) == []
    web.chat_postMessage(channel=CHANNEL, text="a root")
    with pytest.raises(SlackApiError, match="thread_not_found"):
        web.conversations_replies(channel=CHANNEL, ts="1.000100")
    with pytest.raises(SlackApiError, match="channel_not_found"):
        web.conversations_replies(channel="CELSEWHERE", ts="1.000100")
