"""Service wording (services/wording.py) in Slack's dialect: a command as `/dvpn words ARGS`, a
person as a mention, typed text escaped, stressed words in bold."""

from __future__ import annotations

from blocks.mrkdwn import escape
from services.errors import DomainError
from services.wording import Command, Mention, Stressed, Text, Typed, parts

COMMAND = "/dvpn"  # the app's slash command, as manifest.yml declares it


def command(typed: Command) -> str:
    line = " ".join(w for w in (COMMAND, typed.words, typed.arguments) if w)
    return f"`{line}`" if typed.set_apart else line


def mention(user_id: str) -> str:
    return f"<@{user_id}>"


def say(text: Text) -> str:
    found: list[str] = []
    for part in parts(text):
        if isinstance(part, Command):
            found.append(command(part))
        elif isinstance(part, Mention):
            found.append(mention(part.user_id))
        elif isinstance(part, Typed):
            found.append(escape(part.text))
        elif isinstance(part, Stressed):
            found.append(f"*{part.text}*")
        else:
            found.append(part)
    return "".join(found)


def problem(error: DomainError) -> str:
    """What the user is told about a domain error."""
    return say(error.wording)


def field_problems(error: DomainError) -> dict[str, str]:
    """A form's problems, field by field."""
    return {field: say(text) for field, text in error.field_wordings.items()}
