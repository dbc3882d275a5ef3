"""Block Kit as readable terminal text: headers, sections, fields, context, lists, dividers, inputs
and numbered buttons. Pure functions of the blocks, so every block type the app produces can be
fed through them in a test."""

from __future__ import annotations

import html
import re
import textwrap
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

JSONObject = dict[str, Any]
WIDTH = 100

# Slack emoji codes the app uses: a terminal shows the character, plain output a short word.
EMOJI: dict[str, tuple[str, str]] = {
    "white_check_mark": ("✅", "[ok]"),
    "warning": ("⚠️", "[!]"),
    "rotating_light": ("🚨", "[!!]"),
    "bell": ("🔔", "[bell]"),
    "alarm_clock": ("⏰", "[alarm]"),
    "clock3": ("🕒", "[time]"),
    "boom": ("💥", "[error]"),
    "large_green_circle": ("🟢", "(o)"),
    "red_circle": ("🔴", "(x)"),
    "white_circle": ("⚪", "( )"),
    "x": ("❌", "[x]"),
    "arrow_right": ("➡️", "->"),
    "information_source": ("ℹ️", "[i]"),
}


@dataclass(frozen=True)
class Style:
    """ANSI colours on a terminal; nothing at all when the output is a pipe or a file."""

    colour: bool = False

    def _wrap(self, code: str, text: str) -> str:
        return f"\033[{code}m{text}\033[0m" if self.colour and text else text

    def bold(self, text: str) -> str:
        return self._wrap("1", text)

    def dim(self, text: str) -> str:
        return self._wrap("2", text)

    def italic(self, text: str) -> str:
        return self._wrap("3", text)

    def accent(self, text: str) -> str:
        return self._wrap("36", text)

    def alert(self, text: str) -> str:
        return self._wrap("1;31", text)

    def good(self, text: str) -> str:
        return self._wrap("32", text)

    def emoji(self, name: str) -> str:
        pair = EMOJI.get(name)
        if pair is None:
            return f":{name}:"
        return pair[0] if self.colour else pair[1]


@dataclass
class Button:
    """A button shown on screen, with what is needed to press it later."""

    number: int
    element: JSONObject
    block_id: str | None

    @property
    def label(self) -> str:
        return str(self.element.get("text", {}).get("text", "?"))


@dataclass
class Rendered:
    lines: list[str] = field(default_factory=list)
    buttons: list[Button] = field(default_factory=list)


Names = Callable[[str], str]  # Slack user id -> how the console shows the person ("@jordan")
Number = Callable[[JSONObject, str | None], int]  # gives a shown button its number


def mrkdwn(text: str, style: Style, names: Names) -> str:
    """Slack's mrkdwn as terminal text: mentions by name, emoji, *bold*, _italic_, `code`, quotes."""
    text = re.sub(r"<@([A-Z0-9]+)(?:\|[^>]*)?>", lambda m: names(m.group(1)), text)
    text = re.sub(r"<#([A-Z0-9]+)(?:\|([^>]*))?>", lambda m: "#" + (m.group(2) or m.group(1)), text)
    text = re.sub(r"<(https?://[^|>]+)\|([^>]+)>", r"\2 (\1)", text)
    text = re.sub(r":([a-z0-9_+-]+):", lambda m: style.emoji(m.group(1)), text)
    text = re.sub(r"(?<![\w*])\*([^*\n]+)\*(?![\w*])", lambda m: style.bold(m.group(1)), text)
    text = re.sub(r"(?<![\w_])_([^_\n]+)_(?![\w_])", lambda m: style.italic(m.group(1)), text)
    text = re.sub(r"`([^`\n]+)`", lambda m: style.accent(m.group(1)), text)
    text = re.sub(r"(?m)^> ?", "  │ ", text)
    return html.unescape(text)  # mrkdwn escapes &, < and >; the terminal shows them as typed


def text_of(obj: JSONObject | None, style: Style, names: Names) -> str:
    if not obj:
        return ""
    raw = str(obj.get("text", ""))
    return mrkdwn(raw, style, names) if obj.get("type") == "mrkdwn" else raw


def _indent(text: str, prefix: str = "  ") -> list[str]:
    lines: list[str] = []
    for paragraph in text.split("\n"):
        wrapped = textwrap.wrap(paragraph, WIDTH - len(prefix), replace_whitespace=False) or [""]
        lines += [prefix + line for line in wrapped]
    return lines


def button_text(number: int, element: JSONObject, style: Style) -> str:
    label = f"[{number}] {element.get('text', {}).get('text', '?')}"
    if element.get("style") == "primary":
        return style.good(label)
    if element.get("style") == "danger":
        return style.alert(label)
    return style.accent(label)


class BlockRenderer:
    """Renders one surface's blocks; `number` hands out button numbers across the console."""

    def __init__(self, style: Style, names: Names, number: Number) -> None:
        self.style = style
        self.names = names
        self.number = number

    def render(self, blocks: Iterable[JSONObject]) -> Rendered:
        out = Rendered()
        for block in blocks:
            self._block(block, out)
        return out

    def _text(self, obj: JSONObject | None) -> str:
        return text_of(obj, self.style, self.names)

    def _button(self, element: JSONObject, block_id: str | None, out: Rendered) -> str:
        number = self.number(element, block_id)
        out.buttons.append(Button(number, element, block_id))
        return button_text(number, element, self.style)

    def _block(self, block: JSONObject, out: Rendered) -> None:
        kind = block.get("type")
        draw = _DRAW.get(str(kind))
        if draw is None:
            out.lines.append(self.style.dim(f"  ({kind} block)"))
            return
        draw(self, block, out)

    def _header(self, block: JSONObject, out: Rendered) -> None:
        out.lines.append(self.style.bold(f"  {self._text(block.get('text'))}"))
        out.lines.append("  " + "=" * min(WIDTH - 2, len(str(block.get("text", {}).get("text", ""))) + 2))

    def _section(self, block: JSONObject, out: Rendered) -> None:
        if block.get("text"):
            out.lines += _indent(self._text(block["text"]))
        for item in block.get("fields", []):
            label, _, value = self._text(item).partition("\n")
            out.lines += _indent(f"{label}: {value}" if value else label, "    ")
        accessory = block.get("accessory")
        if accessory:
            out.lines.append("    " + self._element(accessory, block.get("block_id"), out))

    def _element(self, element: JSONObject, block_id: str | None, out: Rendered) -> str:
        kind = element.get("type")
        if kind == "button":
            return self._button(element, block_id, out)
        if kind == "image":
            return self.style.dim(f"(image: {element.get('alt_text', '')})")
        if kind in ("plain_text", "mrkdwn"):
            return self._text(element)
        return self.style.dim(f"({kind})")

    def _context(self, block: JSONObject, out: Rendered) -> None:
        parts = [self._element(e, block.get("block_id"), out) for e in block.get("elements", [])]
        out.lines += [self.style.dim(line) for line in _indent("  ".join(parts))]

    def _divider(self, block: JSONObject, out: Rendered) -> None:
        out.lines.append(self.style.dim("  " + "-" * 40))

    def _actions(self, block: JSONObject, out: Rendered) -> None:
        shown = [self._element(e, block.get("block_id"), out) for e in block.get("elements", [])]
        out.lines += ["  " + "  ".join(shown[i : i + 4]) for i in range(0, len(shown), 4)]

    def _input(self, block: JSONObject, out: Rendered) -> None:
        label = self._text(block.get("label"))
        optional = " (optional)" if block.get("optional") else ""
        out.lines.append(f"  {self.style.bold(label)}{self.style.dim(optional)}: {describe_element(block['element'])}")
        if block.get("hint"):
            out.lines.append(self.style.dim(f"    {self._text(block['hint'])}"))

    def _table(self, block: JSONObject, out: Rendered) -> None:
        rows = [[self._cell(cell) for cell in row] for row in block.get("rows", [])]
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))] if rows else []
        settings = block.get("column_settings") or []
        right = {i for i, setting in enumerate(settings) if setting and setting.get("align") == "right"}
        for number, row in enumerate(rows):
            pairs = enumerate(zip(row, widths, strict=False))
            cells = [c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in pairs]
            line = "  " + "  ".join(cells).rstrip()
            out.lines.append(self.style.bold(line) if number == 0 else line)

    def _cell(self, cell: JSONObject) -> str:
        if cell.get("type") != "rich_text":
            return str(cell.get("text", ""))
        parts = [e for section in cell.get("elements", []) for e in section.get("elements", [])]
        words = [f"<@{e['user_id']}>" if e.get("type") == "user" else str(e.get("text", "")) for e in parts]
        return self._text({"type": "mrkdwn", "text": "".join(words)})

    def _alert(self, block: JSONObject, out: Rendered) -> None:
        out.lines += [self.style.bold(line) for line in _indent(f"! {self._text(block.get('text'))}")]

    def _rich_text(self, block: JSONObject, out: Rendered) -> None:
        words = [str(e.get("text", "")) for part in block.get("elements", []) for e in part.get("elements", [])]
        out.lines += _indent("".join(words))


_DRAW: dict[str, Callable[[BlockRenderer, JSONObject, Rendered], None]] = {
    "header": BlockRenderer._header,
    "section": BlockRenderer._section,
    "context": BlockRenderer._context,
    "divider": BlockRenderer._divider,
    "actions": BlockRenderer._actions,
    "input": BlockRenderer._input,
    "rich_text": BlockRenderer._rich_text,
    "table": BlockRenderer._table,
    "alert": BlockRenderer._alert,
}


def describe_element(element: JSONObject) -> str:
    """An input element in words: what kind of answer it wants, and what it already holds."""
    kind = element.get("type")
    if kind == "static_select":
        chosen = element.get("initial_option", {}).get("text", {}).get("text")
        return f"choice of {len(element.get('options', []))}" + (f", now {chosen}" if chosen else "")
    if kind == "datepicker":
        return "a date" + (f", now {element['initial_date']}" if element.get("initial_date") else "")
    if kind == "users_select":
        return "a person"
    if kind == "checkboxes":
        return "yes or no"
    if kind == "number_input":
        bounds = f" from {element['min_value']} to {element['max_value']}" if "max_value" in element else ""
        return f"a whole number{bounds}" + (f", now {element['initial_value']}" if element.get("initial_value") else "")
    initial = element.get("initial_value")
    return "text" + (f", now {initial!r}" if initial else "")


def file_line(shared: JSONObject, style: Style) -> str:
    """An uploaded file as the console shows it: the name, its size and what kind it is; the
    bytes themselves are not printed (a PNG or a CSV of records has no place on a terminal)."""
    content = shared.get("content") or b""
    kind = "PNG image" if bytes(content).startswith(b"\x89PNG") else "file"
    name = shared.get("filename") or shared.get("title") or "file"
    return style.dim(f"[{kind}: {name}, {len(content):,} bytes]")
