"""Whether a claim's lease leaves time to begin a post.

A claim's lease says how long other processes leave its reminders (or thread posts) alone. A post
begun just before it ran out can still be under way after: another process re-claims the reminder,
looks in Slack for an earlier attempt's post, finds nothing yet, and posts it again. So a post is
begun only with DVPN_POST_LEASE_MARGIN_SECONDS of the lease left (longer than one post can take,
its timeout and retries); otherwise the rest of the claim is handed back, unposted and uncounted."""

from __future__ import annotations

from datetime import datetime, timedelta

from services.context import ServiceContext


def lease_too_short(ctx: ServiceContext, lease_until: datetime) -> bool:
    margin = timedelta(seconds=ctx.settings.reminders.post_lease_margin_seconds)
    return ctx.clock.now() + margin >= lease_until
