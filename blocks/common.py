"""Block Kit primitives and Slack's limits. Every builder in blocks/ is made of these, so escaping
and the length limits are handled once."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from blocks.mrkdwn import escape as escape  # user text in every builder: the one helper

Block = dict[str, Any]

# Slack's limits (https://api.slack.com/reference/block-kit). slack_sdk checks some; tests check all.
MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
MAX_SECTION_TEXT = 3000
MAX_HEADER_TEXT = 150
MAX_BUTTON_TEXT = 75
MAX_BUTTON_VALUE = 2000
MAX_OPTION_VALUE = 150
MAX_MODAL_TITLE = 24
MAX_CONTEXT_ELEMENTS = 10
MAX_FIELDS = 10
MAX_FIELD_TEXT = 2000
MAX_PRIVATE_METADATA = 3000
MAX_TEXT_INPUT = 3000  # a plain_text_input's value and max_length
MAX_ACTIONS_ELEMENTS = 25


def cut(text: str, limit: int) -> str:
    """Shorten to `limit` characters with an ellipsis: a long free-text field never breaks a block."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def plain(text: str, limit: int = MAX_SECTION_TEXT) -> dict[str, Any]:
    return {"type": "plain_text", "text": cut(text, limit), "emoji": True}


def mrkdwn(text: str, limit: int = MAX_SECTION_TEXT) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": cut(text, limit)}


def header(text: str) -> Block:
    return {"type": "header", "text": plain(text, MAX_HEADER_TEXT)}


def section(text: str, *, accessory: Block | None = None, fields: Sequence[str] = ()) -> Block:
    block: Block = {"type": "section", "text": mrkdwn(text)}
    if fields:
        block["fields"] = [mrkdwn(f, MAX_FIELD_TEXT) for f in fields[:MAX_FIELDS]]
    if accessory is not None:
        block["accessory"] = accessory
    return block


def fields_section(fields: Sequence[str]) -> Block:
    return {"type": "section", "fields": [mrkdwn(f, MAX_FIELD_TEXT) for f in fields[:MAX_FIELDS]]}


def context(*texts: str) -> Block:
    return {"type": "context", "elements": [mrkdwn(t) for t in texts[:MAX_CONTEXT_ELEMENTS]]}


def divider() -> Block:
    return {"type": "divider"}


def button(text: str, action_id: str, value: str = "", *, style: str | None = None, url: str | None = None) -> Block:
    element: Block = {"type": "button", "text": plain(text, MAX_BUTTON_TEXT), "action_id": action_id}
    if value:
        element["value"] = cut(value, MAX_BUTTON_VALUE)
    if style in ("primary", "danger"):
        element["style"] = style
    if url:
        element["url"] = url
    return element


def actions(*elements: Block, block_id: str | None = None) -> Block:
    block: Block = {"type": "actions", "elements": list(elements[:MAX_ACTIONS_ELEMENTS])}
    if block_id:
        block["block_id"] = block_id
    return block


def option(text: str, value: str) -> dict[str, Any]:
    return {"text": plain(text, 75), "value": cut(value, MAX_OPTION_VALUE)}


def when(instant: datetime | None, tz: ZoneInfo) -> str:
    """How an instant reads on screen: 'Thu 02 Apr 2026 20:00 BST'."""
    if instant is None:
        return "—"
    local = instant.astimezone(tz)
    return f"{local:%a %d %b %Y %H:%M} {local.tzname()}"


def fit(blocks: list[Block], limit: int, more: str) -> list[Block]:
    """Keep within `limit` blocks: drop from the end and say what was left out, never fail."""
    if len(blocks) <= limit:
        return blocks
    kept = blocks[: limit - 1]
    return [*kept, context(more.format(count=len(blocks) - len(kept)))]


def bullet_lines(lines: Sequence[str], *, limit_chars: int = MAX_SECTION_TEXT) -> str:
    """Lines as one mrkdwn list, cut with '… and N more' before it would break the section limit."""
    text = ""
    for shown, line in enumerate(lines):
        candidate = f"{text}• {line}\n"
        tail = f"… and {len(lines) - shown} more"
        if len(candidate) + len(tail) + 1 > limit_chars:
            return text + tail
        text = candidate
    return text.rstrip("\n")


# The table block (https://docs.slack.dev/reference/block-kit/blocks/table-block): messages only
# here, at most one per message, 100 rows of at most 20 cells. Clients that do not draw it show the
# message's text, so a message with a table also says its rows in its text (table_text).
MAX_TABLE_ROWS = 100
MAX_TABLE_COLUMNS = 20
Cell = str | int | Block  # text, a number, or a rich_text cell (e.g. a user mention)


def table(heading: Sequence[str], rows: Sequence[Sequence[Cell]], *, right: Sequence[int] = ()) -> Block:
    """A header row then `rows`, cut to Slack's limits; columns listed in `right` are aligned right (figures)."""
    width = min(len(heading), MAX_TABLE_COLUMNS)
    shown = [list(heading), *rows][:MAX_TABLE_ROWS]
    block: Block = {"type": "table", "rows": [[_cell(c) for c in row[:width]] for row in shown]}
    if right:
        block["column_settings"] = [{"align": "right" if i in right else "left"} for i in range(max(right) + 1)]
    return block


def user_cell(user_id: str) -> Block:
    return {
        "type": "rich_text",
        "elements": [{"type": "rich_text_section", "elements": [{"type": "user", "user_id": user_id}]}],
    }


def table_text(heading: Sequence[str], rows: Sequence[Sequence[str | int]]) -> str:
    """The table's rows as plain lines, for the message's text."""
    return "\n".join(" · ".join(str(c) for c in row) for row in [heading, *rows])


def _cell(value: Cell) -> Block:
    if isinstance(value, dict):
        return value
    return {"type": "raw_text", "text": str(value) or "—"}
