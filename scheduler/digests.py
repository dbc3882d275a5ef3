"""The daily digest job: for each team whose digest time has passed today, claim the day's
digest run (exactly one process wins), build the digest, and post it to the team's channel or
as a DM to each of its supervisors. Reads the time only from ctx.clock.

Each post carries the digest run's marker. A run taken over from an earlier attempt (a process that
died, or a post that failed) first asks Slack, per destination, whether the digest is already there.
A post is begun only with DVPN_POST_LEASE_MARGIN_SECONDS of the run's lease left (scheduler/lease.py,
as for reminders): a slow build or a slow Slack hands the rest back rather than posting after
another process may have taken the run over, looked in Slack too early, and posted it as well."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from blocks.digest import digest_blocks, digest_text
from domain.enums import DigestState
from scheduler.channel_access import shut_out, tell_admins
from scheduler.lease import lease_too_short
from scheduler.notifier import DeliveryError, Notifier, digest_marker
from scheduler.stopping import StopSignal
from services.context import ServiceContext
from services.reminders import digest_runs
from services.reminders.digest_runs import ClaimedDigest
from services.reminders.facts import lateness

log = logging.getLogger(__name__)


@dataclass
class DigestResult:
    sent: list[str] = field(default_factory=list)  # team names
    skipped: list[str] = field(default_factory=list)  # too late, or nowhere to send
    retrying: list[str] = field(default_factory=list)


def send_due_digests(
    ctx: ServiceContext, notifier: Notifier, worker_id: str, stop: StopSignal | None = None
) -> DigestResult:
    stop = stop or StopSignal()
    result = DigestResult()
    for due in digest_runs.due_digests(ctx):
        if stop.stopping:
            break
        claimed = digest_runs.claim(ctx, due, worker_id)
        if claimed is None:
            continue  # another process has it
        if ctx.clock.now() >= due.too_late_at:
            reason = "missed: the bot was not running between the digest time and the late limit"
            digest_runs.finish(ctx, claimed, worker_id, delivered=[], state=DigestState.SKIPPED, error=reason)
            log.warning("digest for team %s on %s skipped: %s", due.team_id, due.local_date, reason)
            result.skipped.append(due.team_name)
            continue
        if not _send(ctx, notifier, worker_id, claimed, result, stop):
            break  # Slack is unavailable or we are stopping: the other digests wait too
    return result


def _send(
    ctx: ServiceContext,
    notifier: Notifier,
    worker_id: str,
    claimed: ClaimedDigest,
    result: DigestResult,
    stop: StopSignal,
) -> bool:
    """Send one team's digest. False if it was handed back unsent (Slack unavailable, or stopping)."""
    late = lateness(claimed.due.due_at, ctx.clock.now(), ctx.settings)
    digest, team, supervisors = digest_runs.build(ctx, claimed, late)
    in_channel = team.digest_channel is not None
    destinations = [team.digest_channel] if team.digest_channel else supervisors
    if not destinations:
        error = "no digest channel and no supervisor to send it to"
        digest_runs.finish(ctx, claimed, worker_id, delivered=[], state=DigestState.SKIPPED, error=error)
        log.warning("digest for team %s skipped: %s", team.id, error)
        result.skipped.append(team.name)
        return True
    blocks, text = digest_blocks(digest, in_channel=in_channel), digest_text(digest)
    delivered, errors, halted = _post_to_each(ctx, notifier, claimed, destinations, in_channel, text, blocks, stop)
    if halted:
        digest_runs.hand_back(ctx, claimed, worker_id, delivered=delivered)
        log.warning("digest for team %s handed back unsent (%s): tried again at the next check", team.id, halted)
        result.retrying.append(team.name)
        return False
    if errors:
        refused = shut_out(errors) if in_channel and claimed.attempts == 1 else None
        if refused and team.digest_channel:
            tell_admins(ctx, notifier, team.name, team.digest_channel, refused)
        digest_runs.finish(ctx, claimed, worker_id, delivered=delivered, state=None, error="; ".join(errors))
        log.warning("digest for team %s not posted to all (%s): will retry", team.id, errors)
        result.retrying.append(team.name)
        return True
    digest_runs.finish(ctx, claimed, worker_id, delivered=delivered, state=DigestState.SENT, late=late is not None)
    result.sent.append(team.name)
    return True


def _post_to_each(
    ctx: ServiceContext,
    notifier: Notifier,
    claimed: ClaimedDigest,
    destinations: list[str],
    in_channel: bool,
    text: str,
    blocks: list[dict[str, Any]],
    stop: StopSignal,
) -> tuple[list[str], list[str], str | None]:
    """Post where not yet delivered. Returns where it is now delivered, the errors of destinations
    that failed, and why the round halted early (Slack unavailable or refusing us, stopping, or too
    little of the lease left to begin another post)."""
    delivered, errors = list(claimed.delivered), list[str]()
    marker = digest_marker(claimed.run_id)
    for destination in destinations:
        if destination in delivered:
            continue  # posted by an earlier attempt that failed part-way
        if stop.stopping:
            return delivered, errors, "shutting down"
        if lease_too_short(ctx, claimed.lease_until):
            return delivered, errors, "too little of its lease left to begin a post"
        user, channel = (None, destination) if in_channel else (destination, None)
        try:
            # An earlier attempt may have posted here and died before recording it.
            landed = claimed.attempts > 1 and notifier.already_posted(
                user=user, channel=channel, markers=[marker], since=claimed.due.due_at
            )
            if landed:
                log.info("digest run %s was already in Slack: recorded, not posted again", claimed.run_id)
            else:
                notifier.post(user=user, channel=channel, text=text, blocks=blocks, marker=marker)
        except DeliveryError as error:
            if error.unavailable or error.fatal:
                return delivered, errors, error.reason
            errors.append(error.reason)  # one supervisor's DM failing does not hold up the others
            continue
        delivered.append(destination)
    return delivered, errors, None
