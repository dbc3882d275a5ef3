"""When a team's channel refuses the bot (it was never invited, or the channel is gone or
private), the force's admins are told by DM how to invite it, once per digest run: the digest
itself is retried as usual, and goes out once the bot is in."""

from __future__ import annotations

import logging

from blocks.channel_access import CHANNEL_NOT_FOUND, NOT_IN_CHANNEL, invite_blocks, invite_text
from scheduler.notifier import DeliveryError, Notifier
from services.context import ServiceContext
from services.governance import teams

log = logging.getLogger(__name__)


def shut_out(errors: list[str]) -> str | None:
    """The error, among a post's, that says the bot may not post in the channel; None if none does."""
    return next((e for e in errors if e.startswith((NOT_IN_CHANNEL, CHANNEL_NOT_FOUND))), None)


def tell_admins(ctx: ServiceContext, notifier: Notifier, team_name: str, channel: str, error: str) -> int:
    """DM each active admin how to invite the bot into `channel`. Returns how many were told; a DM
    that fails is logged (its Slack error code only) and the others still go."""
    told = 0
    for admin in teams.admin_slack_ids(ctx):
        try:
            notifier.post(
                user=admin,
                channel=None,
                text=invite_text(team_name, channel, error),
                blocks=invite_blocks(team_name, channel, error),
            )
        except DeliveryError as failed:
            log.warning("could not tell an admin the bot is not in a channel (%s)", failed.reason)
            continue
        told += 1
    log.warning("the bot may not post in a team's channel (%s): %s admin(s) told how to invite it", error, told)
    return told
