"""Short replies: help, refusals, errors, confirmations and the deadline calculator."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from blocks.common import MAX_MESSAGE_BLOCKS, Block, context, escape, fit, header, section, when
from services.views import DeadlineView


@dataclass(frozen=True)
class HelpLine:
    name: str
    usage: str
    summary: str
    example: str = ""  # as typed after /dvpn


@dataclass(frozen=True)
class HelpGroup:
    title: str
    lines: tuple[HelpLine, ...]


def help_blocks(groups: Sequence[HelpGroup], *, intro: str | None = None) -> list[Block]:
    """One section a group: its commands by name, and the first one's example."""
    blocks: list[Block] = [header("dvpn-bot: /dvpn commands")]
    if intro:
        blocks.append(section(escape(intro)))
    for group in groups:
        names = " ".join(f"`{ln.name}`" for ln in group.lines)
        first = next((ln.example for ln in group.lines if ln.example), "")
        blocks.append(section(f"*{group.title}:* {names}" + (f"\ne.g. `/dvpn {first}`" if first else "")))
    blocks.append(
        context(
            "`/dvpn help hearing` explains one command. A reference may be its end: `0042`. "
            "Times are read day first in UK time: `2/4/2026 20:00`, `friday 10:00`."
        )
    )
    return fit(blocks, MAX_MESSAGE_BLOCKS, "… {count} more")


def command_help_blocks(line: HelpLine, who: str) -> list[Block]:
    text = f"`/dvpn {line.usage}`\n{escape(line.summary)}"
    if line.example:
        text += f"\ne.g. `/dvpn {line.example}`"
    return [section(text), context(f"For {who}.")]


def problem_blocks(message: str, *, hint: str | None = None) -> list[Block]:
    blocks = [section(f":warning: {escape(message)}")]
    if hint:
        blocks.append(context(escape(hint)))
    return blocks


def unexpected_blocks(error_id: str) -> list[Block]:
    return [
        section(
            f":boom: Something went wrong (error id `{error_id}`). Nothing was half-saved: try again, and if it "
            "happens again give the error id to your dvpn-bot admin."
        )
    ]


def interpreted(pairs: Sequence[tuple[str, datetime]], tz: ZoneInfo) -> Block:
    """How the times in a command were read ("Served: Thu 02 Apr 2026 20:00 BST"), so a misreading
    is seen at once."""
    return context(":clock3: " + " · ".join(f"{label}: {when(value, tz)}" for label, value in pairs))


def deadline_blocks(order_type: str, event_label: str, view: DeadlineView, tz: ZoneInfo) -> list[Block]:
    return [
        section(f"*{escape(view.label)}* for a {order_type} {event_label}:\n*{when(view.at, tz)}*"),
        context(escape(view.citation)),
        section("\n".join(f"> {escape(line)}" for line in view.explanation) or "—"),
    ]


def correction_headline(reference: str, changed: Sequence[str], reinstated: bool) -> str:
    """What a saved correction says: which details changed, and that the clocks follow them."""
    said = f"{reference} corrected: {', '.join(changed)}. Deadlines and reminders are worked out again from it."
    if reinstated:
        said += f" {reference} is active again: the corrected details do not end it."
    return said
