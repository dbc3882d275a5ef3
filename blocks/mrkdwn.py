"""Slack's text escaping, the one helper for user text in every message (blocks/common.py, and
typed text in service wording through blocks/wording.py).

In mrkdwn (and in a message's fallback `text`) Slack reads `<...>` as a link, a mention or a
broadcast (`<!channel>`, `<@U123>`, `<http://evil|click>`) and `&` as the start of an entity, so
typed text is escaped as Slack documents: & as &amp;, < as &lt;, > as &gt;, nothing else
(https://api.slack.com/reference/surfaces/formatting#escaping). Slack shows the characters as typed."""

from __future__ import annotations


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
