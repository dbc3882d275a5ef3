"""The DM to admins when the bot cannot post in a team's channel: what failed, and how to let it in."""

from __future__ import annotations

from blocks.common import Block, context, escape, section

# Slack's answers for a channel the bot may not post in (chat.postMessage's errors).
NOT_IN_CHANNEL = "not_in_channel"
CHANNEL_NOT_FOUND = "channel_not_found"


def invite_text(team_name: str, channel: str, error: str) -> str:
    why = (
        "it is not a member of that channel"
        if error.startswith(NOT_IN_CHANNEL)
        else "Slack says the channel does not exist, or it is private and the bot was never invited"
    )
    return (
        f":warning: dvpn-bot could not post {escape(team_name)}'s digest to <#{channel}>: {why}. "
        f"To let it in, type `/invite @dvpn-bot` in <#{channel}>. "
        "The digest is posted there once it is in."
    )


def invite_blocks(team_name: str, channel: str, error: str) -> list[Block]:
    instead = f"Or send it to the team's supervisors by DM: `/dvpn admin team channel {team_name} dm`."
    return [section(invite_text(team_name, channel, error)), context(escape(instead))]
