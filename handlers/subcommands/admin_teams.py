"""/dvpn admin for teams from Slack: list them and their members, set where and when a team's
digest goes, and deactivate a leaver, handing their open records and casework to a successor."""

from __future__ import annotations

import re
from datetime import time

from blocks.common import context, escape, section
from handlers import parsing
from handlers.router import Invocation, Reply
from services.errors import DomainError
from services.governance import teams
from services.governance.team_results import TeamSummary

TEAMS_USAGE = (
    "admin teams · admin team members TEAM · admin team digest TEAM HH:MM · "
    "admin team channel TEAM #channel|dm · admin deactivate @leaver @successor"
)
VERBS = ("members", "digest", "channel")
CLOCK = re.compile(r"([01]?\d|2[0-3])[:.]?([0-5]\d)")


def handles(tokens: list[str]) -> bool:
    """Whether the admin command is one of these (the others are handlers.subcommands.tools')."""
    what = tokens[0].lower() if tokens else ""
    return what in ("teams", "deactivate") or (what == "team" and len(tokens) > 1 and tokens[1].lower() in VERBS)


def admin(inv: Invocation, tokens: list[str]) -> Reply:
    what = tokens[0].lower()
    if what == "teams":
        return _list(inv)
    if what == "deactivate" and len(tokens) == 3:
        return _deactivate(inv, tokens[1], tokens[2])
    verb, rest = tokens[1].lower(), tokens[2:]
    if verb == "members" and rest:
        return _members(inv, " ".join(rest))
    if verb == "digest" and len(rest) >= 2:
        return _digest_time(inv, " ".join(rest[:-1]), rest[-1])
    if verb == "channel" and len(rest) >= 2:
        return _digest_channel(inv, " ".join(rest[:-1]), rest[-1])
    raise DomainError(f"Usage: `/dvpn {TEAMS_USAGE}`.")


def _list(inv: Invocation) -> Reply:
    found = teams.list_teams(inv.ctx, inv.user_id)
    lines = [_team_line(t) for t in found] or ["No teams yet: `/dvpn admin team create NAME #channel`."]
    return Reply(
        [section("\n".join(lines)), context("Members: `/dvpn admin team members TEAM`.")], f"{len(found)} teams"
    )


def _team_line(team: TeamSummary) -> str:
    where = f"<#{team.digest_channel}>" if team.digest_channel else "supervisors' DMs"
    leads = ", ".join(f"<@{s}>" for s in team.supervisors) or "no supervisor"
    digest = f"digest at {team.digest_time:%H:%M} to {where}"
    return f"*{escape(team.name)}*: {team.members} members, supervised by {leads}; {digest}"


def _members(inv: Invocation, team_name: str) -> Reply:
    found = teams.team_members(inv.ctx, inv.user_id, team_name)
    lines = [
        f"<@{m.slack_user_id}> · {m.role}{f' · {m.rank}' if m.rank else ''} · {m.open_records} open records"
        + ("" if m.active else " · deactivated")
        for m in found.members
    ]
    blocks = [section(_team_line(found.team)), section("\n".join(lines) or "No one is placed in this team yet.")]
    return Reply(blocks, f"{len(found.members)} members of {found.team.name}")


def _digest_time(inv: Invocation, team_name: str, typed: str) -> Reply:
    match = CLOCK.fullmatch(typed.strip())
    if not match:
        raise DomainError(
            f"Give the time as HH:MM (UK time), e.g. `/dvpn admin team digest {team_name} 07:30`.", "time"
        )
    team = teams.set_digest(inv.ctx, inv.user_id, team_name, at=time(int(match[1]), int(match[2])))
    return _done(f"{escape(team.name)}'s digest now goes out at {team.digest_time:%H:%M}.")


def _digest_channel(inv: Invocation, team_name: str, typed: str) -> Reply:
    if typed.lower() == "dm":
        team = teams.set_digest(inv.ctx, inv.user_id, team_name, by_dm=True)
        return _done(f"{escape(team.name)}'s digest now goes to its supervisors by DM.")
    channel = parsing.channel_id(typed)
    team = teams.set_digest(inv.ctx, inv.user_id, team_name, channel=channel)
    invite = "Invite the bot there if it is not in it yet: type `/invite @dvpn-bot` in that channel."
    return _done(f"{escape(team.name)}'s digest now goes to <#{channel}>. {invite}")


def _deactivate(inv: Invocation, leaver: str, successor: str) -> Reply:
    done = teams.deactivate(inv.ctx, inv.user_id, parsing.user_id(leaver), parsing.user_id(successor))
    moved = ", ".join(done.references) or "no open records"
    casework = ", ".join(
        (
            _count(done.incidents, "open incident"),
            _count(done.requests, "Clare's Law request"),
            _count(done.marac_actions, "MARAC action"),
            _count(done.plan_actions, "plan action"),
        )
    )
    said = (
        f"<@{done.leaver}> is deactivated. To <@{done.successor}>: {moved}; {casework} and "
        f"{_count(done.plan_reviews, 'plan review')}; "
        f"{_count(done.checks, 'breach check')} and {_count(done.reminders, 'reminder')} still to go out."
    )
    said += "".join(
        f" {escape(team)} has no supervisor now: name one with `/dvpn admin team supervisor {escape(team)} @user`."
        for team in done.unsupervised
    )
    return _done(said)


def _count(number: int, thing: str) -> str:
    return f"{number} {thing}{'' if number == 1 else 's'}"


def _done(message: str) -> Reply:
    return Reply([section(f":white_check_mark: {message}"), context("Recorded in the audit trail.")], message)
