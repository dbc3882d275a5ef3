"""The prompt: what you would type in Slack (`/dvpn ...`), plus the console's own commands to press
buttons, move time, switch user and open the App Home. At a terminal: line editing, history and
colours. From a pipe or a file: the same commands line by line, echoed, in plain text, and the
exit status says whether every command succeeded."""

from __future__ import annotations

import re
import time as wallclock
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TextIO

from blocks.wording import problem as problem_text
from console.jobs import JobNotes
from console.modal import ModalPrompter, Outcome
from console.requests import Answer
from console.session import Console
from services.errors import DomainError
from services.when import parse_when, show

HELP = """Console commands (anything else starting with / goes to the bot as a slash command):
  /dvpn ...            what you would type in Slack, e.g. /dvpn help, /dvpn new DVPN, /dvpn list due
  press N              press button [N] from the last output that showed buttons
  press M.N            press button [N] of message M as it stands now (any message still in Slack)
  message M            show message M as it stands now (after updates), its buttons numbered
  time                 show the console's clock
  time +2h | +30m | +1d | 2026-04-03 08:00 | tomorrow 08:00
                       move the clock forward; reminders and digests fire as their time comes
  as @name             act as someone else (a demo name, a role such as @champion, or a Slack id)
  people               who is who in the demo force
  home                 open your App Home
  help                 this list          quit                 leave (also Ctrl-D)
In a form: answer each field (a number picks a choice; Enter keeps it empty), !submit, !cancel."""

STEP = re.compile(r"^\+?\s*(?:(\d+)\s*d)?\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m(?:in)?)?$")


class Repl:
    def __init__(self, console: Console, read: Callable[[str], str | None], *, live: bool) -> None:
        self.c = console
        self.read = read
        self.live = live  # at a terminal the clock also follows the real time between commands
        self.failures = 0
        self._last_real = wallclock.monotonic()
        self.prompter = ModalPrompter(
            console.requests, console.screen, console.directory, read, console.clock.now, console.ctx.settings.timezone
        )
        self.commands: dict[str, Callable[[str], bool]] = {
            "help": self.help,
            "?": self.help,
            "press": self.press,
            "message": self.message,
            "time": self.time,
            "as": self.act_as,
            "people": self.people,
            "home": self.home,
        }

    @property
    def write(self) -> Callable[[str], None]:
        return self.c.screen.write

    def prompt(self) -> str:
        return f"{self.c.directory.mention(self.c.user)} > "

    def run(self) -> int:
        """Read and run commands until quit or the end of input; 1 if any command failed."""
        self.after_command()  # whatever is already due (the demo's countdown) fires now
        while (line := self._next_line()) is not None:
            text = line.strip()
            if not text or text.startswith("#"):
                continue
            if text in ("quit", "exit", "q"):
                break
            if not self.execute(text):
                self.failures += 1
        return 1 if self.failures else 0

    def _next_line(self) -> str | None:
        if self.prompter.interrupted:
            line, self.prompter.interrupted = self.prompter.interrupted, None
            self.write(f"{self.prompt()}{line}")
            return line
        return self.read(self.prompt())

    def execute(self, text: str) -> bool:
        """Run one command; False if it failed (unknown, refused by the bot, or an error)."""
        self._follow_real_time()
        self.c.screen.new_step()
        problems_before = self.c.screen.problems
        word, _, rest = text.partition(" ")
        try:
            if word.startswith("/"):
                ok = self.slash(word, rest.strip())
            elif word.lower() in self.commands:
                ok = self.commands[word.lower()](rest.strip())
            else:
                self.write(f"Unknown command {word!r}. Type help, or a slash command such as /dvpn help.")
                return False
        except DomainError as error:
            self.write(self.c.screen.style.alert(problem_text(error)))
            ok = False
        self.after_command()
        return ok and self.c.screen.problems == problems_before

    # -- talking to the bot ----------------------------------------------------------------------------

    def slash(self, command: str, text: str) -> bool:
        if command != "/dvpn":
            self.write(f"The bot has one command, /dvpn. Try: /dvpn {text}".rstrip())
            return False
        return self._answered(self.c.requests.command(self.c.user, text))

    def message(self, arg: str) -> bool:
        if not arg.isdigit() or not self.c.screen.show_message(int(arg)):
            shown = len(self.c.screen.posted)
            self.write(f"Show which message? Give a number from 1 to {shown} of a message still standing.")
            return False
        return True

    def press(self, arg: str) -> bool:
        message, dot, button = arg.partition(".")
        if dot:  # a button of any message still standing: show it as it is now, then press
            if not self.message(message):
                return False
            if not self.c.screen.buttons:
                self.write(f"Message {message} has no buttons now: nothing to press.")
                return False
            arg = button
        if not arg.isdigit() or int(arg) not in self.c.screen.buttons:
            shown = ", ".join(str(n) for n in self.c.screen.buttons) or "none shown yet"
            self.write(f"Press which button? Give its number ({shown}).")
            return False
        pressable = self.c.screen.buttons[int(arg)]
        if pressable.element.get("url"):
            self.write(f"That button opens {pressable.element['url']} in a browser.")
            return True
        return self._answered(self.c.requests.press(self.c.user, pressable.element, pressable.where))

    def home(self, _: str) -> bool:
        return self._answered(self.c.requests.home_opened(self.c.user))

    def _answered(self, answer: Answer) -> bool:
        """Show what the request caused, then walk through any form it opened."""
        self.c.screen.flush()
        ok = answer.status < 400 and not answer.listener_errors
        if answer.status >= 400:
            self.write(self.c.screen.style.alert(f"The app answered HTTP {answer.status}."))
        for error in answer.listener_errors:
            self.write(self.c.screen.style.alert(f"A listener failed: {type(error).__name__}: {error}"))
        while self.c.screen.modals:
            view = self.c.screen.modals.pop(0)
            outcome = self.prompter.run(self.c.user, view)
            self.c.screen.flush()
            ok = ok and outcome is not Outcome.ABANDONED
        return ok

    # -- the console's own commands ----------------------------------------------------------------------

    def help(self, _: str) -> bool:
        self.write(HELP)
        return True

    def act_as(self, arg: str) -> bool:
        person = self.c.directory.find(arg) if arg else None
        if person is not None:
            self.c.user = person.slack_id
            self.write(f"You are now @{person.short}: {person.describe()}.")
            return True
        word = arg.lstrip("@").upper()
        if re.fullmatch(r"[UW][A-Z0-9]{2,20}", word):
            self.c.user = word
            self.write(f"You are now {word} (not in the demo directory: a new Slack user is an officer with no team).")
            return True
        self.write(f"No one called {arg!r}. Type people to see who is here.")
        return False

    def people(self, _: str) -> bool:
        if not self.c.directory.people:
            self.write("No directory: use Slack ids, e.g. as U12345.")
            return True
        for role in ("officer", "supervisor", "champion", "admin"):
            names = [f"@{p.short} ({p.team})" if p.team else f"@{p.short}" for p in self.c.directory.of_role(role)]
            self.write(f"{role}s: " + ", ".join(names))
        return True

    def time(self, arg: str) -> bool:
        now = self.c.clock.now()
        tz = self.c.ctx.settings.timezone
        if not arg:
            self.write(f"The console's clock: {show(now, tz)}")
            return True
        target = self._target(arg, now)
        if target <= now:
            self.write(f"Time only moves forward here: it is {show(now, tz)}.")
            return False
        notes = self.c.jobs.advance_to(target, self._show_stop)
        self.write(self.c.screen.style.dim(f"The clock is now {show(self.c.clock.now(), tz)}. {_summary(notes)}"))
        return True

    def _target(self, arg: str, now: datetime) -> datetime:
        step = STEP.match(arg.strip()) if arg.strip().startswith("+") else None
        if step and any(step.groups()):
            days, hours, minutes = (int(g or 0) for g in step.groups())
            return now + timedelta(days=days, hours=hours, minutes=minutes)
        return parse_when(arg, now=now, tz=self.c.ctx.settings.timezone, kind="console_clock", field="time")

    def _show_stop(self) -> None:
        if self.c.screen.pending():
            stamp = show(self.c.clock.now(), self.c.ctx.settings.timezone)
            self.write("")
            self.write(self.c.screen.style.accent(f"⏱  {stamp}"))
        self.c.screen.flush()

    # -- the scheduler between commands ------------------------------------------------------------------

    def after_command(self) -> None:
        """Run the jobs now, so a reminder due at this moment appears after the command's reply."""
        self.c.screen.flush()
        notes = self.c.jobs.run_now()
        self.c.screen.flush()
        for problem in notes.problems:
            self.write(self.c.screen.style.alert(problem))

    def _follow_real_time(self) -> None:
        if not self.live:
            return
        now = wallclock.monotonic()
        elapsed, self._last_real = now - self._last_real, now
        if elapsed >= 1:
            self.c.jobs.advance_to(self.c.clock.now() + timedelta(seconds=int(elapsed)), self._show_stop)


def _summary(notes: JobNotes) -> str:
    parts = [f"{notes.sent} reminder(s) sent"]
    if notes.escalated:
        parts.append(f"{notes.escalated} escalated")
    if notes.lapsed:
        parts.append("lapsed: " + ", ".join(notes.lapsed))
    if notes.expired:
        parts.append("expired: " + ", ".join(notes.expired))
    return "; ".join(parts) + "."


class LineReader:
    """Reads a line with a prompt: readline at a terminal, else from the stream, echoing both so a
    piped session's output reads like the conversation it was."""

    def __init__(self, stream: TextIO, out: TextIO, *, interactive: bool) -> None:
        self.stream = stream
        self.out = out
        self.interactive = interactive

    def __call__(self, prompt: str) -> str | None:
        if self.interactive:
            try:
                return input(prompt)
            except EOFError:
                self.out.write("\n")
                return None
        line = self.stream.readline()
        if not line:
            return None
        text = line.rstrip("\r\n")
        self.out.write(f"{prompt}{text}\n")
        return text
