"""What the team and leaver use cases return: plain data, no database, for blocks/ and handlers/."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time


@dataclass(frozen=True)
class TeamSummary:
    name: str
    digest_channel: str | None  # a Slack channel id; None: the digest goes to its supervisors by DM
    digest_time: time  # Europe/London wall clock
    members: int  # active users placed in it
    supervisors: tuple[str, ...]  # Slack ids


@dataclass(frozen=True)
class Member:
    slack_user_id: str
    role: str
    rank: str | None
    active: bool
    open_records: int  # open records they are the officer in charge of


@dataclass(frozen=True)
class TeamMembers:
    team: TeamSummary
    members: tuple[Member, ...]


@dataclass(frozen=True)
class Deactivated:
    leaver: str  # Slack ids
    successor: str
    references: tuple[str, ...]  # the open records moved to the successor
    checks: int  # undone breach checks reassigned
    reminders: int  # reminders still to go out, now to the successor
    incidents: int  # incidents with a clock still running, now theirs
    requests: int  # Clare's Law requests not completed
    marac_actions: int  # MARAC actions not done
    plan_actions: int  # actions of open perpetrator management plans not done
    plan_reviews: int  # open plans the leaver adopted, whose review they were reminded of
    unsupervised: tuple[str, ...]  # teams the leaver supervised that now have no active supervisor
