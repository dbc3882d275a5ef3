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
    usage: str
    summary: str


def help_blocks(lines: Sequence[HelpLine], *, intro: str | None = None) -> list[Block]:
    blocks: list[Block] = [header("dvpn-bot: /dvpn commands")]
    if intro:
        blocks.append(section(escape(intro)))
    for start in range(0, len(lines), 8):  # a section holds 3,000 characters: eight commands fit
        blocks.append(section("\n".join(f"`/dvpn {ln.usage}`\n{ln.summary}" for ln in lines[start : start + 8])))
    blocks.append(
        context(
            "Times are read day first in UK time: `2/4/2026 20:00`, `today 14:30`, `yesterday 9pm`, `friday 10:00`. "
            "Every reply shows how a time was read."
        )
    )
    return fit(blocks, MAX_MESSAGE_BLOCKS, "… {count} more")


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
