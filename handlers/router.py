"""The /dvpn subcommand table: one table drives dispatch and `/dvpn help`."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from slack_sdk import WebClient

from blocks.common import Block
from blocks.messages import HelpLine, help_blocks
from services.context import ServiceContext


@dataclass(frozen=True)
class Invocation:
    """One /dvpn command as a subcommand sees it: who, where, and the words after its name."""

    ctx: ServiceContext
    user_id: str
    args: str
    channel_id: str | None = None
    trigger_id: str | None = None
    client: WebClient | None = None

    @property
    def now(self) -> datetime:
        return self.ctx.clock.now()

    @property
    def tz(self) -> ZoneInfo:
        return self.ctx.settings.timezone


@dataclass(frozen=True)
class Reply:
    blocks: list[Block]
    text: str  # the notification text: never personal data
    in_channel: bool = False


Run = Callable[[Invocation], Reply | None]  # None: the subcommand opened a modal instead


@dataclass(frozen=True)
class Subcommand:
    name: str
    usage: str
    summary: str
    run: Run
    aliases: tuple[str, ...] = field(default=())
    open_to_unplaced: bool = False  # only help: a user in no team is told how to get placed


class Router:
    def __init__(self, subcommands: Sequence[Subcommand]) -> None:
        self.subcommands = tuple(subcommands)
        self._by_word: dict[str, Subcommand] = {}
        for sub in self.subcommands:
            for word in (sub.name, *sub.aliases):
                if word in self._by_word:
                    raise ValueError(f"/dvpn {word} is defined twice")
                self._by_word[word] = sub

    def find(self, word: str) -> Subcommand | None:
        return self._by_word.get(word.lower())

    def suggestion(self, word: str) -> str | None:
        close = difflib.get_close_matches(word.lower(), list(self._by_word), n=1, cutoff=0.6)
        return self._by_word[close[0]].name if close else None

    def help(self, intro: str | None = None) -> Reply:
        lines = [HelpLine(sub.usage, sub.summary) for sub in self.subcommands]
        return Reply(help_blocks(lines, intro=intro), "dvpn-bot commands")

    def unknown(self, word: str) -> Reply:
        guess = self.suggestion(word)
        intro = f"There is no /dvpn {word[:30]}." + (f" Did you mean `/dvpn {guess}`?" if guess else "")
        return self.help(intro)
