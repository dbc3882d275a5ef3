"""Why the bot will not start: said to the operator, who can fix it (exit status 2)."""

from __future__ import annotations


class SchemaNotCurrent(Exception):
    """The database is not at this release's schema; the message says what to run."""


class MissingSlackSettings(Exception):
    def __init__(self, names: list[str], mode: str) -> None:
        how = {"run": "Socket Mode (dvpn-bot run)", "serve": "HTTP mode (dvpn-bot serve)"}.get(mode, f"dvpn-bot {mode}")
        super().__init__(
            f"dvpn-bot cannot connect to Slack: {' and '.join(names)} {'is' if len(names) == 1 else 'are'} not set "
            f"(needed for {how}). Put them in .env (see the README's 'Connect to Slack'). "
            "To see the bot without Slack: dvpn-bot console --demo"
        )
