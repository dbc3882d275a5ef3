"""`dvpn-bot console [--demo]`: the entry points bot.py calls."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TextIO

from config import Settings
from console.render import Style
from console.repl import LineReader, Repl
from console.session import Console, ConsoleError, open_console
from services.when import show

HISTORY_FILE = Path.home() / ".dvpn-bot-console-history"


def main(argv: Sequence[str], settings: Settings) -> int:
    """`console [--demo] [--database PATH]`, for a command line that hands over its arguments."""
    parser = argparse.ArgumentParser(prog="dvpn-bot console", description="Slack in the terminal.")
    parser.add_argument("--demo", action="store_true", help="start from a fresh database with a fictitious force")
    parser.add_argument("--database", help="SQLite file or database URL (with --demo: where to create it)")
    args = parser.parse_args(list(argv))
    return run_console(settings, demo=args.demo, database=args.database)


def run_console(
    settings: Settings,
    *,
    demo: bool,
    database: str | None = None,
    input: TextIO | None = None,
    output: TextIO | None = None,
    start: datetime | None = None,
) -> int:
    """Run the console until quit or the end of input. Exit status: 0, or 1 when input was not a
    terminal and a command failed, or 2 when the console could not start."""
    stream, out = input or sys.stdin, output or sys.stdout
    interactive = stream is sys.stdin and stream.isatty() and out.isatty()
    style = Style(colour=out.isatty() and not os.environ.get("NO_COLOR"))
    write = _writer(out)
    try:
        console = open_console(settings, demo=demo, database=database, write=write, style=style, start=start)
    except ConsoleError as error:
        write(f"dvpn-bot console: {error}")
        return 2
    try:
        _greet(console, demo)
        if interactive:
            _enable_line_editing()
        status = Repl(console, LineReader(stream, out, interactive=interactive), live=interactive).run()
    finally:
        if interactive:
            _save_history()
        console.close()
    return 0 if interactive else status


def _writer(out: TextIO) -> Callable[[str], None]:
    def write(line: str) -> None:
        out.write(line + "\n")
        out.flush()

    return write


def _greet(console: Console, demo: bool) -> None:
    write, style = console.screen.write, console.screen.style
    now = show(console.clock.now(), console.ctx.settings.timezone)
    write(style.bold("dvpn-bot console: Slack in your terminal, driving the real bot."))
    if console.demo is not None:
        facts, history = console.demo.facts, console.demo.history
        write(
            f"Demo force: 3 teams, {len(console.directory.people)} people, {len(facts.records)} records "
            "(every name is invented)."
        )
        write(f"Before you arrived the bot sent {history.sent} reminder(s); `home` shows yours.")
    write(f"The console's clock: {now}. You are {console.screen.who(console.user)}.")
    write("Type help for the console's commands, /dvpn help for the bot's.")


def _enable_line_editing() -> None:
    try:
        import readline
    except ImportError:  # Windows without pyreadline: plain input still works
        return
    with contextlib.suppress(OSError):  # no history yet
        readline.read_history_file(HISTORY_FILE)
    readline.set_history_length(1000)


def _save_history() -> None:
    try:
        import readline

        readline.write_history_file(HISTORY_FILE)
    except (ImportError, OSError):
        pass
