"""A team's daily digest as plain data: what its supervisors must know this morning. Counts first,
then the items, each a record's reference and initials (never names, dates of birth or addresses:
the digest may be posted in a channel). Also the on-demand digest behind the digest command."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlmodel import Session, col, func, select

from config import Settings
from models import (
    AppUser,
    Breach,
    BreachCheck,
    Hearing,
    OrderStatus,
    Perpetrator,
    ProtectionOrder,
    Reminder,
    ReminderState,
    Role,
    Team,
    TeamSupervisor,
)
from services.context import ServiceContext
from services.errors import NotAllowed, NotFound
from services.records.crime_references import shareable_crime_reference
from services.records.state import lapse_time, lapsed_unmarked
from services.reminders.results import (
    AwaitingHearing,
    CheckAt,
    DeadlineSoon,
    DigestFact,
    DigestItem,
    DigestSection,
    EndsAt,
    HearingAt,
    LapsedAt,
    Late,
    NoCrimeReference,
    OutcomeDue,
    RecentBreach,
    Recorded,
    TeamDigest,
    Undelivered,
)
from services.unit_of_work import reading
from services.views import initials
from services.wording import Command

DAY = timedelta(hours=24)
FAILED_REMINDERS_SHOWN_FOR = timedelta(days=7)


def collect(session: Session, ctx: ServiceContext, team: Team, now: datetime, late: Late | None = None) -> TeamDigest:
    tz = ctx.settings.timezone
    today = now.astimezone(tz).date()
    start_today = datetime.combine(today, time(0), tzinfo=tz)
    end_tomorrow = datetime.combine(today + timedelta(days=2), time(0), tzinfo=tz)
    assert team.id is not None
    q = _TeamQueries(session, team.id, tz, ctx.settings)
    sections = (
        DigestSection("deadlines", q.deadlines(now), Command("list", "due")),
        DigestSection("unbooked", q.unbooked(), Command("list", "due")),
        DigestSection("outcomes", q.outcomes_due(now), Command("list", "due")),
        DigestSection("lapsed", q.lapsed(now), Command("list", "lapsed")),
        DigestSection("expiring", q.expiring(now), Command("list", "expiring")),
        DigestSection("hearings", q.hearings(start_today, end_tomorrow), Command("list")),
        DigestSection("checks", q.checks(now, today), Command("list", "due")),
        DigestSection("breaches", q.breaches(now), Command("list", "team")),
        DigestSection("crime", q.no_crime_reference(), Command("list", "team")),
        DigestSection("failed", q.failed(now), Command("list", "team")),
        DigestSection("new", q.new_records(now), Command("list", "team")),
    )
    return TeamDigest(team.id, team.name, today, now, sections, tz, late)


class _TeamQueries:
    """One query per section, each limited to the team's records and joined to the perpetrator only
    for initials."""

    def __init__(self, session: Session, team_id: int, tz: Any, settings: Settings) -> None:
        self.session, self.team_id, self.tz, self.settings = session, team_id, tz, settings
        self._officers: dict[int | None, str] | None = None

    def _orders(self, *where: Any) -> list[tuple[ProtectionOrder, Perpetrator]]:
        query = (
            select(ProtectionOrder, Perpetrator)
            .join(Perpetrator, col(Perpetrator.id) == col(ProtectionOrder.perpetrator_id))
            .where(ProtectionOrder.team_id == self.team_id, *where)
        )
        return list(self.session.exec(query).all())

    def _items(self, found: Iterable[tuple[ProtectionOrder, Perpetrator, DigestFact]]) -> tuple[DigestItem, ...]:
        if self._officers is None:
            team_officers = select(ProtectionOrder.officer_id).where(ProtectionOrder.team_id == self.team_id)
            query = select(AppUser.id, AppUser.slack_user_id).where(col(AppUser.id).in_(team_officers))
            self._officers = dict(self.session.exec(query).all())
        officers = self._officers
        return tuple(
            DigestItem(o.reference, initials(p.full_name), o.order_type.value, about, officers.get(o.officer_id, ""))
            for o, p, about in found
        )

    def _pending_hearing_orders(self) -> set[int]:
        pending = select(Hearing.order_id).where(col(Hearing.outcome).is_(None))
        return set(self.session.exec(pending).all())

    def deadlines(self, now: datetime) -> tuple[DigestItem, ...]:
        rows = self._orders(
            ProtectionOrder.status == OrderStatus.ACTIVE,
            col(ProtectionOrder.hearing_deadline_at) > now,
            col(ProtectionOrder.hearing_deadline_at) <= now + DAY,
        )
        booked = self._pending_hearing_orders()
        return self._items(
            (o, p, DeadlineSoon(o.hearing_deadline_at, o.id in booked))
            for o, p in sorted(rows, key=lambda r: r[0].hearing_deadline_at or r[0].created_at)
        )

    def unbooked(self) -> tuple[DigestItem, ...]:
        rows = self._orders(
            ProtectionOrder.status == OrderStatus.ACTIVE, col(ProtectionOrder.hearing_deadline_at).is_not(None)
        )
        booked = self._pending_hearing_orders()
        return self._items(
            (o, p, AwaitingHearing(o.served_at, o.hearing_deadline_at))
            for o, p in sorted(rows, key=lambda r: r[0].hearing_deadline_at or r[0].created_at)
            if o.id not in booked
        )

    def lapsed(self, now: datetime) -> tuple[DigestItem, ...]:
        """Marked lapsed in the last day, or past the deadline with no hearing held in time and not yet
        marked (CSA 2010 s27(3); DAA 2021 s29(2))."""
        recent = col(ProtectionOrder.updated_at) >= now - DAY  # marked by the rollover in the last day
        marked = self._orders(ProtectionOrder.status == OrderStatus.LAPSED, recent)
        unmarked = self._orders(lapsed_unmarked(now))
        return self._items(
            (o, p, LapsedAt(lapse_time(o)))
            for o, p in sorted([*marked, *unmarked], key=lambda r: r[0].hearing_deadline_at or r[0].created_at)
        )

    def expiring(self, now: datetime) -> tuple[DigestItem, ...]:
        rows = self._orders(
            ProtectionOrder.status == OrderStatus.ACTIVE,
            col(ProtectionOrder.expires_at) > now,
            col(ProtectionOrder.expires_at) <= now + timedelta(days=7),
        )
        return self._items(
            (o, p, EndsAt(o.expires_at))
            for o, p in sorted(rows, key=lambda r: r[0].expires_at or r[0].created_at)
            if o.expires_at is not None
        )

    def outcomes_due(self, now: datetime) -> tuple[DigestItem, ...]:
        """Hearings whose time has passed with no outcome recorded, on records still open: an open
        item until the outcome or an adjournment is recorded."""
        found = self.session.exec(
            select(Hearing, ProtectionOrder, Perpetrator)
            .join(ProtectionOrder, col(ProtectionOrder.id) == col(Hearing.order_id))
            .join(Perpetrator, col(Perpetrator.id) == col(ProtectionOrder.perpetrator_id))
            .where(
                ProtectionOrder.team_id == self.team_id,
                ProtectionOrder.status == OrderStatus.ACTIVE,
                col(Hearing.outcome).is_(None),
                col(Hearing.scheduled_at) <= now,
            )
            .order_by(col(Hearing.scheduled_at))
        ).all()
        return self._items((o, p, OutcomeDue(h.scheduled_at)) for h, o, p in found)

    def hearings(self, start: datetime, end: datetime) -> tuple[DigestItem, ...]:
        found = self.session.exec(
            select(Hearing, ProtectionOrder, Perpetrator)
            .join(ProtectionOrder, col(ProtectionOrder.id) == col(Hearing.order_id))
            .join(Perpetrator, col(Perpetrator.id) == col(ProtectionOrder.perpetrator_id))
            .where(
                ProtectionOrder.team_id == self.team_id,
                col(Hearing.outcome).is_(None),
                col(Hearing.scheduled_at) >= start,
                col(Hearing.scheduled_at) < end,
            )
            .order_by(col(Hearing.scheduled_at))
        ).all()
        return self._items((o, p, HearingAt(h.scheduled_at, h.court or None)) for h, o, p in found)

    def checks(self, now: datetime, today: date) -> tuple[DigestItem, ...]:
        end_of_today = datetime.combine(today + timedelta(days=1), time(0), tzinfo=self.tz)
        found = self.session.exec(
            select(BreachCheck, ProtectionOrder, Perpetrator)
            .join(ProtectionOrder, col(ProtectionOrder.id) == col(BreachCheck.order_id))
            .join(Perpetrator, col(Perpetrator.id) == col(ProtectionOrder.perpetrator_id))
            .where(
                ProtectionOrder.team_id == self.team_id,
                ProtectionOrder.status == OrderStatus.ACTIVE,
                col(BreachCheck.done_at).is_(None),
                col(BreachCheck.due_at) < end_of_today,
            )
            .order_by(col(BreachCheck.due_at))
        ).all()
        return self._items((o, p, CheckAt(c.due_at, c.due_at < now)) for c, o, p in found)

    def _breaches(self, *where: Any) -> Sequence[tuple[Breach, ProtectionOrder, Perpetrator]]:
        return self.session.exec(
            select(Breach, ProtectionOrder, Perpetrator)
            .join(ProtectionOrder, col(ProtectionOrder.id) == col(Breach.order_id))
            .join(Perpetrator, col(Perpetrator.id) == col(ProtectionOrder.perpetrator_id))
            .where(ProtectionOrder.team_id == self.team_id, *where)
            .order_by(col(Breach.recorded_at))
        ).all()

    def breaches(self, now: datetime) -> tuple[DigestItem, ...]:
        return self._items(
            # The arrest's court deadline and which limit it is (DAA 2021 s26(2)(a)-(b); CSA 2010 s26).
            (
                o,
                p,
                RecentBreach(
                    b.occurred_at,
                    shareable_crime_reference(self.settings, b.crime_reference or None),
                    b.court_deadline_at,
                    bool(b.court_deadline_at_hearing),
                ),
            )
            for b, o, p in self._breaches(col(Breach.recorded_at) >= now - DAY)
        )

    def no_crime_reference(self) -> tuple[DigestItem, ...]:
        return self._items(
            (o, p, NoCrimeReference(b.recorded_at)) for b, o, p in self._breaches(col(Breach.crime_reference).is_(None))
        )

    def failed(self, now: datetime) -> tuple[DigestItem, ...]:
        found = self.session.exec(
            select(Reminder, ProtectionOrder, Perpetrator)
            .join(ProtectionOrder, col(ProtectionOrder.id) == col(Reminder.order_id))
            .join(Perpetrator, col(Perpetrator.id) == col(ProtectionOrder.perpetrator_id))
            .where(
                ProtectionOrder.team_id == self.team_id,
                Reminder.state == ReminderState.FAILED,
                col(Reminder.due_at) >= now - FAILED_REMINDERS_SHOWN_FOR,
            )
            .order_by(col(Reminder.due_at))
        ).all()
        return self._items((o, p, Undelivered(r.kind.split(":")[0], r.due_at)) for r, o, p in found)

    def new_records(self, now: datetime) -> tuple[DigestItem, ...]:
        rows = self._orders(col(ProtectionOrder.created_at) >= now - DAY)
        return self._items(
            (o, p, Recorded(o.order_type.value, o.created_at)) for o, p in sorted(rows, key=lambda r: r[0].created_at)
        )


def _at_hearing(breach: Breach) -> bool:
    return bool(breach.court_deadline_at_hearing)


def digest_for(ctx: ServiceContext, actor_slack_id: str, team_name: str | None = None) -> list[TeamDigest]:
    """The digest on demand (the digest command (`digest [team]`)): a supervisor's teams, or one of them;
    admins and champions any team, or all; an officer their own team. Each team's digest viewed is audited."""
    with reading(ctx, actor_slack_id) as read:
        digests = []
        for team in _teams_for(read.session, read.user, team_name):
            digests.append(collect(read.session, ctx, team, read.now))
            read.audit("view", "digest", team.id)
        return digests


def _teams_for(session: Session, user: AppUser, team_name: str | None) -> list[Team]:
    if user.role in (Role.ADMIN, Role.CHAMPION):
        allowed = list(session.exec(select(Team).order_by(col(Team.name))).all())
    elif user.role is Role.SUPERVISOR:
        allowed = list(
            session.exec(
                select(Team)
                .join(TeamSupervisor, col(TeamSupervisor.team_id) == col(Team.id))
                .where(TeamSupervisor.user_id == user.id)
                .order_by(col(Team.name))
            ).all()
        )
    else:
        # An officer reads every record of their own team already; its digest shows them no more.
        allowed = [team] if user.team_id is not None and (team := session.get(Team, user.team_id)) else []
    if team_name is None:
        if not allowed and user.role is Role.OFFICER:
            raise NotAllowed("You are not in a team yet, so there is no digest for you. Ask an admin to place you.")
        if not allowed:
            raise NotAllowed(
                (
                    "You do not supervise a team yet. Ask an admin: ",
                    Command("admin team supervisor", "TEAM @you", set_apart=False),
                    ".",
                )
            )
        return allowed
    wanted = " ".join(team_name.split()).lower()
    if session.exec(select(func.count()).select_from(Team).where(func.lower(Team.name) == wanted)).one() == 0:
        raise NotFound(f"No team is called '{team_name.strip()}'.", "team")
    chosen = [t for t in allowed if t.name.lower() == wanted]
    if not chosen:
        doing = "are not in" if user.role is Role.OFFICER else "do not supervise"
        raise NotAllowed(f"You {doing} {team_name.strip()}, so you cannot see its digest.")
    return chosen
