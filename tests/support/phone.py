"""How long a message is on a phone: the rendered text lines across its blocks.

A phone shows about PHONE_WIDTH characters a line in a message. Each block's text is split at its
line breaks and each line wrapped at that width (an emoji code counts as two characters, a mention
as the name Slack shows, mrkdwn's markers as nothing). A header or context is its text; a section
is its text then each field; an actions block is a row per PHONE_BUTTONS buttons; a divider is a
line. So "under 12 lines" is counted the same way by every test that says it."""

from __future__ import annotations

import math
import re
from typing import Any

PHONE_WIDTH = 44  # a 375-point-wide phone at Slack's default text size
PHONE_BUTTONS = 2  # buttons a row on a phone
EMOJI = re.compile(r":[a-z0-9_+\-]+:")
LINK = re.compile(r"<([^|>]+)\|([^>]+)>")
MENTION = re.compile(r"<@[A-Z0-9]+>")
MARKERS = re.compile(r"[*_`~]|^> ")


def text_lines(text: str) -> int:
    shown = MENTION.sub("@someone", LINK.sub(r"\2", EMOJI.sub("xx", text)))
    lines = [MARKERS.sub("", line) for line in shown.split("\n")]
    return sum(max(1, math.ceil(len(line) / PHONE_WIDTH)) for line in lines)


def phone_lines(blocks: list[dict[str, Any]]) -> int:
    total = 0
    for block in blocks:
        kind = block.get("type")
        if kind in ("header", "section") and "text" in block:
            total += text_lines(block["text"]["text"])
        if kind == "section":
            total += sum(text_lines(f["text"]) for f in block.get("fields", []))
        elif kind == "context":
            total += text_lines(" ".join(e.get("text", "") for e in block["elements"]))
        elif kind == "actions":
            total += math.ceil(len(block["elements"]) / PHONE_BUTTONS)
        elif kind == "divider":
            total += 1
    return total
