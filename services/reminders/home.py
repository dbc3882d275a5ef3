"""What a user's App Home shows, live items only: "Mine today" (the open work on records the user is
officer in charge of, and what is coming on them), "My team" (supervisors: the open work on their
teams' other records) and "Waiting for me" (reminders sent to the user and not yet acted on). A
withdrawn or ended record, a reminder whose work is done, and a reminder about a moment that has
passed are left out. The first two are the digest's own items (services.reminders.digest_sections),
so the Home and the digest cannot disagree about what is open."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from models import AppUser, OrderStatus, ProtectionOrder, Reminder, ReminderState, Role
from services.context import ServiceContext
from services.governance.access import supervised_team_ids
from services.reminders.digest import build_sections
from services.reminders.digest_items import TeamRows
from services.reminders.facts import facts_for
from services.reminders.results import (
    BreachCheckDue,
    BreachCourtDeadline,
    CaseworkDue,
    CrimeReferenceMissing,
    DigestItem,
    Expiring,
    FollowUp,
    HearingCountdown,
    HearingSoon,
    HomeBoard,
    IncidentDue,
    MonitoringEnding,
    NoHearingBooked,
    NoticeLapsed,
    NotificationChangeDue,
    NotificationMissing,
    Offer,
    OutcomeMissing,
    ReminderFacts,
    SectionKind,
    Subject,
    UnbookedToSupervisor,
)
from services.unit_of_work import reading

WAITING_LOOKED_AT = 200  # the newest sent reminders a Home looks through for live ones


def home_board(ctx: ServiceContext, actor_slack_id: str) -> HomeBoard:
    with reading(ctx, actor_slack_id) as read:
        session, user, now = read.session, read.user, read.now
        mine: list[DigestItem] = []
        team: list[DigestItem] = []
        for team_id in sorted(_teams(session, user)):
            for item, kind in _open_items(TeamRows(session, team_id, ctx.settings), now):
                if item.officer_slack_id == user.slack_user_id:
                    mine.append(item)
                elif user.role is Role.SUPERVISOR and kind is SectionKind.ACTION:
                    team.append(item)
        return HomeBoard(
            slack_user_id=user.slack_user_id,
            role=user.role.value,
            team_assigned=user.team_id is not None,
            mine=tuple(mine),
            team=tuple(team),
            waiting=_waiting(session, ctx, user, now),
            generated_at=now,
        )


def _teams(session: Session, user: AppUser) -> set[int]:
    if user.role is Role.SUPERVISOR:
        return supervised_team_ids(session, user)
    return {user.team_id} if user.team_id is not None else set()


def _open_items(rows: TeamRows, now: datetime) -> list[tuple[DigestItem, SectionKind]]:
    """The team's open work, most urgent first, then what is coming: each record once."""
    sections = build_sections(rows, now, per_owner=True)
    far = now.replace(year=9999)
    work = sorted(
        ((s.urgency, i.due or far, i) for s in sections if s.kind is SectionKind.ACTION for i in s.items),
        key=lambda found: (found[0], found[1]),
    )
    coming = [(i, s.kind) for s in sections if s.kind is SectionKind.COMING for i in s.items]
    return [(item, SectionKind.ACTION) for _, _, item in work] + coming


def _waiting(session: Session, ctx: ServiceContext, user: AppUser, now: datetime) -> tuple[ReminderFacts, ...]:
    """Reminders sent to the user, not acted on, on records still open, that are still live."""
    sent = session.exec(
        select(Reminder)
        .join(ProtectionOrder, col(ProtectionOrder.id) == col(Reminder.order_id))
        .where(
            Reminder.recipient_id == user.id,
            Reminder.state == ReminderState.SENT,
            ProtectionOrder.status == OrderStatus.ACTIVE,
        )
        .order_by(col(Reminder.due_at).desc())
        .limit(WAITING_LOOKED_AT)
    ).all()
    # An incident's reminders wait beside the records' (services/incidents/planning.py); one whose
    # clock was met has been given an update reason (its message rewritten), so the rest ask for something.
    about_incidents = session.exec(
        select(Reminder)
        .where(
            Reminder.recipient_id == user.id,
            Reminder.state == ReminderState.SENT,
            col(Reminder.incident_id).is_not(None),
            col(Reminder.update_reason).is_(None),
        )
        .order_by(col(Reminder.due_at).desc())
        .limit(WAITING_LOOKED_AT)
    ).all()
    # So do a Clare's Law request's and a management plan's (services/disclosures/planning.py,
    # services/people/plan_reminders.py): one completed, done or closed has an update reason too.
    about_casework = session.exec(
        select(Reminder)
        .where(
            Reminder.recipient_id == user.id,
            Reminder.state == ReminderState.SENT,
            sa.or_(col(Reminder.disclosure_id).is_not(None), col(Reminder.plan_id).is_not(None)),
            col(Reminder.update_reason).is_(None),
        )
        .order_by(col(Reminder.due_at).desc())
        .limit(WAITING_LOOKED_AT)
    ).all()
    sent = sorted([*sent, *about_incidents, *about_casework], key=lambda r: r.due_at, reverse=True)
    sent = sent[:WAITING_LOOKED_AT]
    said = facts_for(session, list(reversed(sent)), ctx.settings, now, late=False)
    return tuple(facts for facts in said.values() if is_live(facts.subject, facts.offer, now))


def is_live(about: Subject | None, offer: Offer | None, now: datetime) -> bool:
    """Whether a sent reminder still asks for something: its work is not yet done, or the moment it
    warns of is still ahead. A follow-up is live while what it follows up is."""
    match about:
        case FollowUp():
            return is_live(about.about, offer, now)
        case NoHearingBooked() | UnbookedToSupervisor() | HearingCountdown():
            return offer is Offer.HEARING
        case OutcomeMissing() | NoticeLapsed():
            return offer is Offer.OUTCOME
        case BreachCheckDue():
            return offer is Offer.CHECK
        case CrimeReferenceMissing():
            return offer is Offer.CRIME_REFERENCE
        case HearingSoon():
            return _ahead(about.booked_for, now)
        case Expiring():
            return _ahead(about.expires_at, now)
        case MonitoringEnding():
            return _ahead(about.ends_at, now)
        case BreachCourtDeadline():
            return _ahead(about.court_by, now)
        case NotificationMissing() | NotificationChangeDue():
            return True  # the record is open: the notification is still to be recorded or acted on
        case IncidentDue() | CaseworkDue():
            return True  # _waiting left out those whose clock was met
    return False


def _ahead(moment: datetime | None, now: datetime) -> bool:
    return moment is not None and moment > now
