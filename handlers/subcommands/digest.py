"""/dvpn digest [TEAM]: the supervisor's daily digest on demand, drawn by the same builder the
scheduler sends at the team's digest time."""

from __future__ import annotations

from blocks.common import MAX_MESSAGE_BLOCKS, context, divider, fit
from blocks.digest import digest_blocks
from handlers.router import Invocation, Reply
from services.reminders.digest import digest_for


def digest(inv: Invocation) -> Reply:
    digests = digest_for(inv.ctx, inv.user_id, inv.args.strip() or None)
    if not digests:
        return Reply([context("You supervise no team yet, so there is no digest to show.")], "No digest")
    blocks = []
    for number, team in enumerate(digests):
        if number:
            blocks.append(divider())
        blocks += digest_blocks(team, in_channel=False)
    return Reply(fit(blocks, MAX_MESSAGE_BLOCKS, "… {count} more: ask for one team, /dvpn digest TEAM."), "Digest")
