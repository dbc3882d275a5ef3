"""Block Kit validation for every payload the app builds.

(a) A round trip through slack_sdk's models: `Block.parse_all` then `to_dict()` must give back the
    original, and so must `View(**view).to_dict()`. slack_sdk drops keys it does not know, so a
    misspelled or unknown key shows up as a difference; its own validators raise on the limits
    it knows.
(b) The limits slack_sdk does not check (https://api.slack.com/reference/block-kit): blocks per
    message and per view, plain_text where Slack insists on it, modal title and button label
    lengths, option values, private_metadata, unique block ids, no empty texts.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
MAX_MODAL_TITLE = 24
MAX_MODAL_BUTTON = 24
MAX_BUTTON_LABEL = 75
MAX_BUTTON_VALUE = 2000
MAX_OPTION_TEXT = 75
MAX_OPTION_VALUE = 150
MAX_OPTIONS = 100
MAX_PRIVATE_METADATA = 3000
MAX_HEADER_TEXT = 150
MAX_SECTION_TEXT = 3000
MAX_FIELDS = 10
MAX_FIELD_TEXT = 2000
MAX_CONTEXT_ELEMENTS = 10
MAX_ACTIONS_ELEMENTS = 25
MAX_ID = 255
MAX_INPUT_LABEL = 2000
MAX_PLACEHOLDER = 150
MAX_TEXT_INPUT = 3000
MAX_MESSAGE_TEXT = 40_000
# https://docs.slack.dev/reference/block-kit/blocks/table-block: one per message, 100 rows of at
# most 20 cells, raw_text or rich_text; Slack's blocks.json lists it for messages and Home tabs.
MAX_TABLE_ROWS = 100
MAX_TABLE_CELLS = 20
# https://docs.slack.dev/reference/block-kit/blocks/alert-block: modals only, text up to 200.
MAX_ALERT_TEXT = 200
ALERT_LEVELS = frozenset({"default", "info", "warning", "error", "success"})

# Keys Slack adds to a view it returns, which the app never sends.
SLACK_VIEW_KEYS = frozenset(
    {"id", "team_id", "state", "hash", "root_view_id", "previous_view_id", "app_id", "bot_id", "app_installed_team_id"}
)


class BlockKitError(AssertionError):
    pass


def _fail(problems: list[str], where: str) -> None:
    if problems:
        raise BlockKitError(f"{where}: " + "; ".join(problems))


def round_trip_blocks(blocks: list[dict[str, Any]]) -> None:
    parsed = Block.parse_all(blocks)
    again = [b.to_dict() for b in parsed]
    for index, (original, rebuilt) in enumerate(zip(blocks, again, strict=True)):
        if original != rebuilt:
            raise BlockKitError(
                f"block {index} changes in a slack_sdk round trip:\n{json.dumps(original)}\n{json.dumps(rebuilt)}"
            )


def round_trip_view(view: dict[str, Any]) -> None:
    sent = {k: v for k, v in view.items() if k not in SLACK_VIEW_KEYS}
    rebuilt = View(**sent).to_dict()
    if rebuilt != sent:
        changed = sorted(k for k in set(sent) | set(rebuilt) if sent.get(k) != rebuilt.get(k))
        raise BlockKitError(f"view changes in a slack_sdk round trip at {changed}")


def _texts(value: Any, path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every text object (a dict with 'type' plain_text or mrkdwn and a 'text'), with its path."""
    if isinstance(value, dict):
        if value.get("type") in ("plain_text", "mrkdwn") and "text" in value:
            yield path, value
        for key, child in value.items():
            yield from _texts(child, f"{path}.{key}")
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _texts(child, f"{path}[{index}]")


def _elements(value: Any) -> Iterator[dict[str, Any]]:
    """Every interactive element (anything with an action_id) anywhere in a structure."""
    if isinstance(value, dict):
        if "action_id" in value:
            yield value
        for child in value.values():
            yield from _elements(child)
    elif isinstance(value, list):
        for child in value:
            yield from _elements(child)


def _plain(problems: list[str], where: str, text: Any, limit: int) -> None:
    if not isinstance(text, dict) or text.get("type") != "plain_text":
        problems.append(f"{where} must be plain_text")
        return
    if len(text.get("text", "")) > limit:
        problems.append(f"{where} is {len(text['text'])} characters, over {limit}")


def block_problems(blocks: list[dict[str, Any]], limit: int) -> list[str]:
    problems: list[str] = []
    if not isinstance(blocks, list):
        return ["blocks is not a list"]
    if len(blocks) > limit:
        problems.append(f"{len(blocks)} blocks, over {limit}")
    ids = [b["block_id"] for b in blocks if "block_id" in b]
    if len(ids) != len(set(ids)):
        problems.append(f"duplicate block ids {sorted(i for i in ids if ids.count(i) > 1)}")
    for index, block in enumerate(blocks):
        where = f"block {index} ({block.get('type')})"
        if len(str(block.get("block_id", ""))) > MAX_ID:
            problems.append(f"{where} block_id over {MAX_ID}")
        kind = block.get("type")
        if kind == "header":
            _plain(problems, f"{where} header text", block.get("text"), MAX_HEADER_TEXT)
        if kind == "section":
            if "text" not in block and "fields" not in block:
                problems.append(f"{where} has neither text nor fields")
            if len(block.get("text", {}).get("text", "")) > MAX_SECTION_TEXT:
                problems.append(f"{where} text over {MAX_SECTION_TEXT}")
            fields = block.get("fields", [])
            if len(fields) > MAX_FIELDS:
                problems.append(f"{where} has {len(fields)} fields, over {MAX_FIELDS}")
            problems += [f"{where} field over {MAX_FIELD_TEXT}" for f in fields if len(f["text"]) > MAX_FIELD_TEXT]
        if kind == "context" and len(block.get("elements", [])) > MAX_CONTEXT_ELEMENTS:
            problems.append(f"{where} has over {MAX_CONTEXT_ELEMENTS} elements")
        if kind == "actions":
            elements = block.get("elements", [])
            if not elements or len(elements) > MAX_ACTIONS_ELEMENTS:
                problems.append(f"{where} has {len(elements)} elements")
            action_ids = [e["action_id"] for e in elements if "action_id" in e]
            if len(action_ids) != len(set(action_ids)):
                problems.append(f"{where} repeats an action_id")
        if kind == "table":
            problems += _table_problems(block, where)
        if kind == "alert":
            _plain(problems, f"{where} text", block.get("text"), MAX_ALERT_TEXT)
            if block.get("level", "default") not in ALERT_LEVELS:
                problems.append(f"{where} level {block.get('level')!r}")
        if kind == "input":
            _plain(problems, f"{where} label", block.get("label"), MAX_INPUT_LABEL)
            if "hint" in block:
                _plain(problems, f"{where} hint", block["hint"], MAX_INPUT_LABEL)
    for path, text in _texts(blocks):
        if not str(text["text"]).strip():
            problems.append(f"empty text at {path}")
    for element in _elements(blocks):
        problems += _element_problems(element)
    return problems


def _table_problems(block: dict[str, Any], where: str) -> list[str]:
    rows = block.get("rows") or []
    problems = [] if 1 <= len(rows) <= MAX_TABLE_ROWS else [f"{where} has {len(rows)} rows"]
    widths = {len(row) for row in rows}
    if len(widths) > 1 or not widths <= set(range(1, MAX_TABLE_CELLS + 1)):
        problems.append(f"{where} rows of {sorted(widths)} cells")
    for cell in (c for row in rows for c in row):
        if cell.get("type") not in ("raw_text", "rich_text"):
            problems.append(f"{where} cell of type {cell.get('type')!r}")
        elif cell["type"] == "raw_text" and not str(cell.get("text", "")).strip():
            problems.append(f"{where} empty cell")
    if len(block.get("column_settings") or []) > MAX_TABLE_CELLS:
        problems.append(f"{where} over {MAX_TABLE_CELLS} column settings")
    return problems


def _element_problems(element: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    kind = element.get("type")
    where = f"{kind} {element.get('action_id')}"
    if len(str(element["action_id"])) > MAX_ID:
        problems.append(f"{where} action_id over {MAX_ID}")
    if kind == "button":
        _plain(problems, f"{where} label", element.get("text"), MAX_BUTTON_LABEL)
        if len(str(element.get("value", ""))) > MAX_BUTTON_VALUE:
            problems.append(f"{where} value over {MAX_BUTTON_VALUE}")
    if kind == "plain_text_input":
        initial, most = str(element.get("initial_value", "")), int(element.get("max_length", MAX_TEXT_INPUT))
        if len(initial) > min(most, MAX_TEXT_INPUT):
            problems.append(f"{where} initial_value is {len(initial)} characters, over its max_length {most}")
        if most > MAX_TEXT_INPUT:
            problems.append(f"{where} max_length over {MAX_TEXT_INPUT}")
    if kind == "number_input":
        low, high = element.get("min_value"), element.get("max_value")
        if low is not None and high is not None and float(low) > float(high):
            problems.append(f"{where} min_value over max_value")
        initial = element.get("initial_value")
        if initial is not None and not float(low or initial) <= float(initial) <= float(high or initial):
            problems.append(f"{where} initial_value outside its bounds")
    if "placeholder" in element:
        _plain(problems, f"{where} placeholder", element["placeholder"], MAX_PLACEHOLDER)
    options = list(element.get("options", []))
    if "options" in element and not 1 <= len(options) <= MAX_OPTIONS:
        problems.append(f"{where} has {len(options)} options")
    options += list(element.get("initial_options", []))
    if "initial_option" in element:
        options.append(element["initial_option"])
        if element["initial_option"] not in element.get("options", []):
            problems.append(f"{where} initial_option is not one of its options")
    for opt in options:
        if len(str(opt.get("value", ""))) > MAX_OPTION_VALUE:
            problems.append(f"{where} option value over {MAX_OPTION_VALUE}")
        if str(kind).endswith("select"):  # a select's option text is 75; checkbox and radio texts 150
            _plain(problems, f"{where} option text", opt.get("text"), MAX_OPTION_TEXT)
    return problems


def check_message(blocks: list[dict[str, Any]], text: str | None = None) -> None:
    """A message (chat.post*, response_url): the limits, then the round trip."""
    problems = block_problems(blocks, MAX_MESSAGE_BLOCKS)
    if sum(b.get("type") == "table" for b in blocks) > 1:
        problems.append("more than one table in a message")
    problems += [
        f"an alert block in a message (modals only): {b.get('text')}" for b in blocks if b.get("type") == "alert"
    ]
    if text is not None and len(text) > MAX_MESSAGE_TEXT:
        problems.append("notification text over 40,000")
    _fail(problems, "message")
    round_trip_blocks(blocks)


def check_view(view: dict[str, Any]) -> None:
    """A modal or home view: the limits, then the round trip."""
    problems = block_problems(view["blocks"], MAX_VIEW_BLOCKS)
    if view["type"] == "modal":
        _plain(problems, "modal title", view.get("title"), MAX_MODAL_TITLE)
        for key in ("submit", "close"):
            if key in view:
                _plain(problems, f"modal {key}", view[key], MAX_MODAL_BUTTON)
        if any(b.get("type") == "input" for b in view["blocks"]) and "submit" not in view:
            problems.append("a modal with inputs needs a submit button")
    elif view["type"] != "home":
        problems.append(f"unknown view type {view['type']!r}")
    if view["type"] == "home":
        problems += ["an alert block on the Home tab (modals only)" for b in view["blocks"] if b.get("type") == "alert"]
    problems += [
        "a table block in a view (this app puts tables in messages)" for b in view["blocks"] if b.get("type") == "table"
    ]
    if len(view.get("private_metadata", "")) > MAX_PRIVATE_METADATA:
        problems.append(f"private_metadata over {MAX_PRIVATE_METADATA}")
    if len(view.get("callback_id", "")) > MAX_ID:
        problems.append(f"callback_id over {MAX_ID}")
    _fail(problems, f"{view['type']} view")
    round_trip_view(view)
    round_trip_blocks(view["blocks"])


def _decoded(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def check_recorded_call(method: str, args: dict[str, Any]) -> bool:
    """Validate what one recorded Web API call or response-URL post carried. True if it had a payload."""
    if method in ("views.open", "views.push", "views.update", "views.publish"):
        check_view(_decoded(args["view"]))
        return True
    if method in ("chat.postMessage", "chat.postEphemeral", "chat.update", "response_url") and "blocks" in args:
        check_message(_decoded(args["blocks"]), args.get("text"))
        return True
    return False
