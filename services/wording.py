"""What a message is made of, as facts any chat front end can render: sentences, the commands a
user should type, the people it names, text as someone typed it, and words to stress.

Services say *which* command and *who*; blocks/ says it in Slack's dialect (the app's command
name and code spans, mention markup, escaping, bold), so the use cases could serve another front
end unchanged. A plain `str` is a sentence with nothing to render."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Command:
    """A command to type: the subcommand's words and the pattern of its arguments, without the
    app's command name (the front end knows it)."""

    words: str  # "admin team add"
    arguments: str = ""  # "TEAM @you"
    set_apart: bool = True  # shown as a command on its own; False: read inline, as part of the sentence


@dataclass(frozen=True)
class Mention:
    """A person named in the message, by their chat user id."""

    user_id: str


@dataclass(frozen=True)
class Typed:
    """Text as a user typed it (a court's name): shown as typed, never read as markup."""

    text: str


@dataclass(frozen=True)
class Stressed:
    """Words the reader must not miss."""

    text: str


Part = str | Command | Mention | Typed | Stressed
Text = str | tuple[Part, ...]


def parts(text: Text) -> tuple[Part, ...]:
    return (text,) if isinstance(text, str) else text


def plain(text: Text) -> str:
    """Without any front end's markup: for logs and exception text."""
    found: list[str] = []
    for part in parts(text):
        if isinstance(part, Command):
            found.append(" ".join(w for w in (part.words, part.arguments) if w))
        elif isinstance(part, Mention):
            found.append(f"@{part.user_id}")
        elif isinstance(part, Typed | Stressed):
            found.append(part.text)
        else:
            found.append(part)
    return "".join(found)
