"""Keystrokes for a task in Slack, counted one way everywhere: each character typed is one, and
so is each Enter (sending a command, submitting a form), each Tab between form fields, each press
of a button and each choice in a select (a click counts as a keystroke). A task is its steps, each
step the text typed and the presses around it, so the count is the sum of what the steps say."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Step:
    typed: str = ""  # the characters typed
    presses: int = 0  # Enter, Tab, a button, a choice in a select

    @property
    def keystrokes(self) -> int:
        return len(self.typed) + self.presses


def command(text: str) -> Step:
    """A slash command: its characters (with `/dvpn `) and Enter to send it."""
    return Step(f"/dvpn {text}", 1)


def field(text: str) -> Step:
    """A form field: its characters, then Tab to the next field."""
    return Step(text, 1)


def press(count: int = 1) -> Step:
    return Step("", count)


def keystrokes(steps: list[Step]) -> int:
    return sum(step.keystrokes for step in steps)
