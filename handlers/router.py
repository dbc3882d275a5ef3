"""The /dvpn subcommand table: one table drives dispatch and `/dvpn help`."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from slack_sdk import WebClient

from blocks.common import Block
from blocks.messages import HelpGroup, HelpLine, command_help_blocks, help_blocks
from domain.enums import Role
from services.context import ServiceContext

EVERYONE = frozenset(Role)
CHANGERS = frozenset({Role.OFFICER, Role.SUPERVISOR})  # champions and admins change no record
# The help's groups, in order: what a user does, most often first.
GROUPS = ("Record", "Update", "Safeguarding", "Look up", "Supervise", "Admin")


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
    group: str = "Look up"  # its heading in /dvpn help (GROUPS)
    roles: frozenset[Role] = EVERYONE  # whose help lists it: the roles it does something for
    example: str = ""  # a command that works, as typed after /dvpn

    def line(self) -> HelpLine:
        return HelpLine(self.name, self.usage, self.summary, self.example)


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

    def help(self, role: Role | None = None, intro: str | None = None) -> Reply:
        """What `role` can do, grouped (an officer's help when the role is not known yet)."""
        mine = [sub for sub in self.subcommands if (role or Role.OFFICER) in sub.roles and sub.group in GROUPS]
        groups = [HelpGroup(g, tuple(s.line() for s in mine if s.group == g)) for g in GROUPS]
        return Reply(help_blocks([g for g in groups if g.lines], intro=intro), "dvpn-bot commands")

    def detail(self, word: str, role: Role | None = None) -> Reply:
        """`/dvpn help COMMAND`: its usage, what it does, an example, and who may use it."""
        sub = self.find(word)
        if sub is None:
            return self.unknown(word, role)
        who = "everyone" if sub.roles == EVERYONE else " and ".join(sorted(f"{r.value}s" for r in sub.roles))
        return Reply(command_help_blocks(sub.line(), who), f"/dvpn {sub.name}")

    def unknown(self, word: str, role: Role | None = None) -> Reply:
        guess = self.suggestion(word)
        intro = f"There is no /dvpn {word[:30]}." + (f" Did you mean `/dvpn {guess}`?" if guess else "")
        return self.help(role, intro)
