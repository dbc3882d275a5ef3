"""Threads as Slack keeps them, for the local Slack stand-in (console.slack_api).

A message posted with `thread_ts` is a reply in the thread of the message with that ts (a reply's
own ts names its thread's root, as Slack files it). The root then carries `thread_ts` (its own ts),
`reply_count`, `reply_users_count`, `latest_reply` and `reply_users`; each reply carries `thread_ts`
and `parent_user_id`. conversations.history lists only the channel's own messages: a reply shows
there only if it was posted with `reply_broadcast` (subtype `thread_broadcast`).
conversations.replies answers the root and its replies, oldest first, in pages
(https://docs.slack.dev/reference/methods/conversations.replies; chat.postMessage's `thread_ts`
and `reply_broadcast`, https://docs.slack.dev/reference/methods/chat.postMessage).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from console.slack_api import SlackWebAPI

JSONObject = dict[str, Any]
BOT_USER = "UDVPNBOT"


def is_reply(message: JSONObject) -> bool:
    return bool(message.get("thread_ts")) and message.get("thread_ts") != message.get("ts")


def in_history(message: JSONObject) -> bool:
    """Whether conversations.history lists it: not a reply, unless broadcast to the channel."""
    return not is_reply(message) or message.get("subtype") == "thread_broadcast"


def root_of(messages: list[JSONObject], thread_ts: str) -> JSONObject | None:
    """The root of the thread `thread_ts` names in a channel (a reply's ts names its root's thread)."""
    named = next((m for m in messages if m["ts"] == thread_ts), None)
    if named is None or not is_reply(named):
        return named
    return next((m for m in messages if m["ts"] == named["thread_ts"]), None)


def attach_reply(messages: list[JSONObject], message: JSONObject, thread_ts: str, broadcast: bool) -> str | None:
    """Make `message` a reply in the thread; the root's reply fields follow. An error code if the
    thread's root is not in the channel (Slack has no such message to thread under)."""
    root = root_of(messages, thread_ts)
    if root is None:
        return "thread_not_found"
    root["thread_ts"] = root["ts"]
    root["reply_count"] = int(root.get("reply_count", 0)) + 1
    root["latest_reply"] = message["ts"]
    users = list(root.get("reply_users") or [])
    if BOT_USER not in users:
        users.append(BOT_USER)
    root["reply_users"], root["reply_users_count"] = users, len(users)
    message["thread_ts"], message["parent_user_id"] = root["ts"], root.get("user", BOT_USER)
    if broadcast:
        message["subtype"] = "thread_broadcast"
    return None


def replies(api: SlackWebAPI, args: JSONObject) -> JSONObject:
    """conversations.replies: the root, then its replies, oldest first, `limit` a page."""
    channel, ts = str(args.get("channel", "")), str(args.get("ts", ""))
    if channel not in api.state.messages:
        return {"ok": False, "error": "channel_not_found"}
    messages = api.state.messages[channel]
    root = root_of(messages, ts)
    if root is None:
        return {"ok": False, "error": "thread_not_found"}
    thread = [root] + [m for m in messages if is_reply(m) and m["thread_ts"] == root["ts"]]
    start, limit = int(args.get("cursor") or 0), min(int(args.get("limit") or 1000), 1000)
    with_metadata = str(args.get("include_all_metadata", "")).lower() in {"1", "true"}
    page = [
        {"type": "message", **{k: v for k, v in m.items() if with_metadata or k != "metadata"}}
        for m in thread[start : start + limit]
    ]
    more = start + limit < len(thread)
    return {
        "ok": True,
        "messages": page,
        "has_more": more,
        "response_metadata": {"next_cursor": str(start + limit) if more else ""},
    }
