"""The escalation chain: officer -> the team's supervisors -> the next level
(DVPN_ESCALATION_NEXT_LEVEL). An unacknowledged alert goes one level up from whoever it was sent
to, never back to them: an officer's to the team's supervisors (the next level when the team has
none), a supervisor's own alert to the next level. Where the chain ends nobody is told, and the
message does not promise otherwise; only a reminder that reached nobody (its post failed, or its
recipient has left) goes on to the admins there (services.reminders.queue)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session, col, select

from config import Settings
from models import AppUser, Role, TeamSupervisor
from services.errors import NotAllowed
from services.governance.access import known_user
from services.reminders.batch import current
from services.reminders.batch_rows import UserRow
from services.reminders.results import Level
from services.reminders.rows import ReminderRow
from services.unit_of_work import Work


@dataclass(frozen=True)
class Step:
    """Where an alert goes if its recipient does not acknowledge it."""

    level: Level
    slack_ids: tuple[str, ...]


def team_supervisor_ids(session: Session, team_id: int) -> list[int]:
    batch = current(session)
    if batch is not None and team_id in batch.supervisors:
        return batch.supervisors[team_id]
    return sorted(session.exec(select(TeamSupervisor.user_id).where(TeamSupervisor.team_id == team_id)).all())


def next_step(
    session: Session, settings: Settings, team_id: int, recipient: UserRow | None, supervisor_ids: Sequence[int]
) -> Step | None:
    """The level above `recipient` for a record of team `team_id`, or None where the chain ends."""
    recipient_id = recipient.id if recipient else None
    if recipient_id not in supervisor_ids:
        others = [s for s in supervisor_ids if s != recipient_id]
        if others:
            batch = current(session)
            users: list[UserRow]
            if batch is not None and all(s in batch.users for s in others):
                users = [u for s in others if (u := batch.users[s]).active]
            else:
                users = list(session.exec(select(AppUser).where(col(AppUser.id).in_(others), AppUser.active)).all())
            found = tuple(sorted(u.slack_user_id for u in users))
            if found:
                return Step(Level.SUPERVISORS, found)
    mine = recipient.slack_user_id if recipient else None
    above = tuple(s for s in settings.escalation_next_level if s != mine)
    return Step(Level.NEXT_LEVEL, above) if above else None


class Escalation:
    """The level each critical reminder of a list would escalate to, asked of the database once for
    each (record's team, recipient) rather than once a reminder: the App Home's "Waiting for me"
    reads up to 200 reminders, nearly all of one recipient and a few teams."""

    def __init__(self, session: Session, settings: Settings) -> None:
        self.session, self.settings = session, settings
        self._supervisors: dict[int, list[int]] = {}  # team id -> its supervisors' user ids
        self._levels: dict[tuple[int, int | None], Level | None] = {}  # (team id, recipient id) -> level

    def level(self, reminder: ReminderRow, team_id: int, recipient: UserRow | None) -> Level | None:
        if not reminder.critical or reminder.recipient_channel:
            return None
        key = (team_id, recipient.id if recipient else None)
        if key not in self._levels:
            if team_id not in self._supervisors:
                self._supervisors[team_id] = team_supervisor_ids(self.session, team_id)
            step = next_step(self.session, self.settings, team_id, recipient, self._supervisors[team_id])
            self._levels[key] = step.level if step else None
        return self._levels[key]


ADMINS = "admins"  # beyond the chain: who is told of a reminder nobody saw where the chain ends


def active_admin_ids(session: Session) -> list[int]:
    """The active admins, in id order."""
    found = session.exec(select(AppUser.id).where(AppUser.role == Role.ADMIN, col(AppUser.active)))
    return sorted(i for i in found.all() if i is not None)


def step_users(work: Work, step: Step) -> list[int]:
    """The app users of a step, in order. A next-level Slack id the bot has not met yet becomes a
    user on first contact (audited); one whose access was withdrawn is skipped."""
    ids: list[int] = []
    for slack_id in step.slack_ids:
        try:
            user = known_user(work.session, work.ctx, slack_id)
        except NotAllowed:
            continue
        if user.id is not None:
            ids.append(user.id)
    return ids
