"""The digest's sections, each built from data by one function of the team's rows and the time.
The digest is the list SECTIONS: a new kind of item (incidents, MARAC actions, Operation Encompass
notifications, Clare's Law decisions) plugs in as one more builder here and one more line of wording
in blocks/digest.py. The order of SECTIONS is the order a record is claimed in: a record open in two
sections is listed once, in the first, with its other items on the same line."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from sqlmodel import col, func, select

from models import (
    BREACH_TEAM,
    CHECK_ACTIVE_TEAM,
    HEARING_ACTIVE_TEAM,
    AppUser,
    Breach,
    BreachCheck,
    DisclosureRequest,
    Hearing,
    ManagementPlan,
    OrderStatus,
    Perpetrator,
    PlanAction,
    ProtectionOrder,
    Reminder,
    ReminderState,
)
from services.records.crime_references import shareable_crime_reference
from services.records.state import lapse_time, lapsed_unmarked
from services.reminders.batch import loaded
from services.reminders.digest_incidents import ATTENDANCE, CRIME, ENCOMPASS, MARAC, incident_items
from services.reminders.digest_items import TeamRows
from services.reminders.facts import facts_for
from services.reminders.results import (
    CLARE_TYPE,
    PLAN_TYPE,
    AwaitingHearing,
    CheckAt,
    ClareTarget,
    DigestFact,
    DigestItem,
    DigestSection,
    EndsAt,
    HearingAt,
    ItemAction,
    LapsedAt,
    NoCrimeReference,
    OutcomeDue,
    PlanActionLate,
    RecentBreach,
    SectionKind,
    Undelivered,
)
from services.views import initials
from services.wording import Command

DAY = timedelta(hours=24)
EXPIRING_WITHIN = timedelta(days=7)
FAILED_REMINDERS_SHOWN_FOR = timedelta(days=7)
ACTIVE = ProtectionOrder.status == OrderStatus.ACTIVE


@dataclass(frozen=True)
class When:
    """The moment a digest is drawn, and its local day."""

    now: datetime
    today: date
    start_of_today: datetime

    @classmethod
    def at(cls, now: datetime, rows: TeamRows) -> When:
        today = now.astimezone(rows.tz).date()
        return cls(now, today, datetime.combine(today, time(0), tzinfo=rows.tz))

    def local_midnight(self, days_ahead: int) -> datetime:
        """The start of the local day `days_ahead` from today (a wall-clock midnight, so a clock
        change between does not shift it)."""
        return datetime.combine(self.today + timedelta(days=days_ahead), time(0), tzinfo=self.start_of_today.tzinfo)


SectionBuilder = Callable[[TeamRows, When], DigestSection]


def lapsed(rows: TeamRows, at: When) -> DigestSection:
    """Marked lapsed in the last day, or past the deadline with no hearing held in time and not yet
    marked (CSA 2010 s27(3); DAA 2021 s29(2)): remove it from the PNC."""
    recent = col(ProtectionOrder.updated_at) >= at.now - DAY  # marked by the rollover in the last day
    deadline = func.coalesce(col(ProtectionOrder.hearing_deadline_at), col(ProtectionOrder.created_at))
    marked, marked_count = rows.orders(ProtectionOrder.status == OrderStatus.LAPSED, recent, order_by=[deadline])
    unmarked, unmarked_count = rows.orders(lapsed_unmarked(at.now), order_by=[deadline])
    found = sorted([*marked, *unmarked], key=lambda r: r[0].hearing_deadline_at or r[0].created_at)[: rows.cut]
    unlisted = marked_count + unmarked_count - len(found)  # the two are apart: lapsed, and active
    items = rows.items(
        ((o, named, LapsedAt(lapse_time(o))) for o, named in found),
        due=lambda a: a.deadline,
        since=lambda a: a.deadline,
        action=ItemAction.NUDGE,
    )
    return DigestSection("lapsed", items, Command("list", "lapsed"), urgency=0, unlisted=unlisted)


def unbooked(rows: TeamRows, at: When) -> DigestSection:
    """Notices still awaiting a hearing with none booked: the 48-hour clock runs (CSA 2010 s27;
    DAA 2021 s29(3))."""
    found, total = rows.orders(
        ACTIVE,
        col(ProtectionOrder.hearing_deadline_at).is_not(None),
        ~rows.hearing_pending(),
        order_by=[col(ProtectionOrder.hearing_deadline_at)],
    )
    items = rows.items(
        ((o, named, AwaitingHearing(o.served_at, o.hearing_deadline_at)) for o, named in found),
        due=lambda a: a.deadline,
        since=lambda a: a.served_at,
        action=ItemAction.NUDGE,
    )
    return DigestSection("unbooked", items, Command("list", "due"), urgency=0, unlisted=total - len(found))


def outcomes(rows: TeamRows, at: When) -> DigestSection:
    """Hearings whose time has passed with no outcome recorded, on records still open."""
    found, total = rows.joined(
        Hearing,
        col(Hearing.order_id),
        # The hearing's copy of its record's team, kept only while the record is active: the team's
        # are found by it (ix_hearing_active_team_open), not by joining its active records to the
        # force's open hearings.
        rows.team_id == HEARING_ACTIVE_TEAM,
        col(Hearing.outcome).is_(None),
        col(Hearing.scheduled_at) <= at.now,
        order_by=col(Hearing.scheduled_at),
        team_kept=True,
        kept_implies=(ACTIVE,),
    )
    items = rows.items(
        ((o, named, OutcomeDue(h.scheduled_at)) for h, o, named in found),
        due=lambda a: a.hearing_at,
        since=lambda a: a.hearing_at,
        action=ItemAction.OUTCOME,
    )
    return DigestSection("outcomes", items, Command("list", "due"), urgency=1, unlisted=total - len(found))


def checks(rows: TeamRows, at: When) -> DigestSection:
    """Breach checks not done, due by the end of today, on the team's active records."""
    found, total = rows.joined(
        BreachCheck,
        col(BreachCheck.order_id),
        # The check's copy of its record's team, kept only while the record is active: the team's
        # live checks are found by it (ix_check_active_team_undone), not from each of its records.
        rows.team_id == CHECK_ACTIVE_TEAM,
        col(BreachCheck.done_at).is_(None),
        col(BreachCheck.due_at) < at.local_midnight(1),
        order_by=col(BreachCheck.due_at),
        team_kept=True,
        kept_implies=(ACTIVE,),
    )
    items = rows.items(
        ((o, named, CheckAt(c.due_at, c.due_at < at.now)) for c, o, named in found),
        due=lambda a: a.due_at,
        since=lambda a: a.due_at,
        action=ItemAction.NUDGE,
    )
    return DigestSection("checks", items, Command("list", "due"), urgency=1, unlisted=total - len(found))


def crime(rows: TeamRows, at: When) -> DigestSection:
    """Breaches with no crime reference: each should be crime-recorded (NCRS, within 24 hours)."""
    found, total = rows.joined(
        Breach,
        col(Breach.order_id),
        rows.team_id == BREACH_TEAM,  # found by team (ix_breach_team_no_crime_reference)
        col(Breach.crime_reference).is_(None),
        order_by=col(Breach.recorded_at),
        team_kept=True,
    )
    items = rows.items(
        ((o, named, NoCrimeReference(b.recorded_at)) for b, o, named in found),
        due=lambda a: a.recorded_at + DAY,
        since=lambda a: a.recorded_at,
        action=ItemAction.NUDGE,
    )
    return DigestSection("crime", items, Command("list", "team"), urgency=2, unlisted=total - len(found))


def failed(rows: TeamRows, at: When) -> DigestSection:
    """Reminders that could not be delivered in the last week: someone must pass them on."""
    found, total = rows.joined(
        Reminder,
        col(Reminder.order_id),
        Reminder.state == ReminderState.FAILED,
        col(Reminder.due_at) >= at.now - FAILED_REMINDERS_SHOWN_FOR,
        order_by=col(Reminder.due_at),
    )
    reminders = [r for r, _, _ in found]
    with loaded(rows.session, reminders):  # what they are about read set by set, as plain rows
        said = facts_for(rows.session, reminders, rows.settings, at.now, late=False)
    items = rows.items(
        ((o, named, Undelivered(said[r.id or 0].subject, r.due_at)) for r, o, named in found),
        due=lambda a: a.due_at,
        since=lambda a: a.due_at,
    )
    return DigestSection("failed", items, Command("list", "team"), urgency=2, unlisted=total - len(found))


def hearings(rows: TeamRows, at: When) -> DigestSection:
    found, total = rows.joined(
        Hearing,
        col(Hearing.order_id),
        col(Hearing.outcome).is_(None),
        col(Hearing.scheduled_at) > at.now,
        col(Hearing.scheduled_at) < at.local_midnight(2),
        order_by=col(Hearing.scheduled_at),
    )
    items = rows.items(
        ((o, named, HearingAt(h.scheduled_at, h.court or None)) for h, o, named in found), due=lambda a: a.at
    )
    unlisted = total - len(found)
    return DigestSection("hearings", items, Command("list"), kind=SectionKind.COMING, unlisted=unlisted)


def expiring(rows: TeamRows, at: When) -> DigestSection:
    found, total = rows.orders(
        ACTIVE,
        col(ProtectionOrder.expires_at) > at.now,
        col(ProtectionOrder.expires_at) <= at.now + EXPIRING_WITHIN,
        order_by=[col(ProtectionOrder.expires_at)],
    )
    items = rows.items(
        ((o, named, EndsAt(o.expires_at)) for o, named in found if o.expires_at is not None), due=lambda a: a.expires_at
    )
    unlisted = total - len(found)
    return DigestSection("expiring", items, Command("list", "expiring"), kind=SectionKind.COMING, unlisted=unlisted)


def breaches(rows: TeamRows, at: When) -> DigestSection:
    """Breaches that happened in the last 24 hours (by when they happened, not when recorded), with
    the arrest's court deadline and which limit it is (DAA 2021 s26(2)(a)-(b); CSA 2010 s26)."""
    found, total = rows.joined(
        Breach,
        col(Breach.order_id),
        col(Breach.occurred_at) >= at.now - DAY,
        col(Breach.occurred_at) <= at.now,
        order_by=col(Breach.occurred_at),
    )
    facts = (
        (
            o,
            named,
            RecentBreach(
                b.occurred_at,
                shareable_crime_reference(rows.settings, b.crime_reference or None),
                b.court_deadline_at,
                bool(b.court_deadline_at_hearing),
            ),
        )
        for b, o, named in found
    )
    items = rows.items(facts, due=lambda a: a.occurred_at)
    unlisted = total - len(found)
    return DigestSection("breaches", items, Command("list", "team"), kind=SectionKind.HAPPENED, unlisted=unlisted)


def new_records(rows: TeamRows, at: When) -> DigestSection:
    """Records made in the last 24 hours: a count, since each is listed where it needs work."""
    recent = col(ProtectionOrder.created_at) >= at.now - DAY
    count = rows.session.exec(select(func.count()).select_from(ProtectionOrder).where(*rows.scope(), recent)).one()
    return DigestSection("new", (), Command("list", "team"), kind=SectionKind.COUNT, count=count)


# -- the safeguarding clocks around every case: incidents, Clare's Law requests, plans -------------


def _items(
    rows: TeamRows, found: Sequence[tuple[str, str, str, int, DigestFact, datetime]], action: ItemAction
) -> tuple[DigestItem, ...]:
    """Items of (reference, initials' source name, type, officer id, fact, due) rows."""
    officers = rows.slack_ids(officer for _, _, _, officer, _, _ in found)
    return tuple(
        DigestItem(reference, initials(name), type_, about, officers.get(officer, ""), due, due, action)
        for reference, name, type_, officer, about, due in sorted(found, key=lambda f: f[5])
    )


def _incident_section(key: str, rows: TeamRows, at: When, show_all: Command, urgency: int) -> DigestSection:
    """One of the incident sections (services/reminders/digest_incidents.py). None when the digest
    is narrowed to one notice or order (a nudge about it)."""
    if rows.order_id is not None:
        return DigestSection(key, (), show_all, urgency=urgency)
    items, unlisted = incident_items(rows, key, at.now, at.local_midnight(1))
    return DigestSection(key, items, show_all, urgency=urgency, unlisted=unlisted)


def encompass_untold(rows: TeamRows, at: When) -> DigestSection:
    """Children's schools not yet told whose deadline (the start of the school day) is today or past."""
    return _incident_section(ENCOMPASS, rows, at, Command("digest"), urgency=0)


def marac_referrals(rows: TeamRows, at: When) -> DigestSection:
    """High-risk incidents (DASH 14+, professional judgement, or escalation) with no MARAC referral
    recorded: the ones the planner is reminding about (a live referral reminder), each checked
    against the facts."""
    return _incident_section(MARAC, rows, at, Command("marac due"), urgency=0)


def attendance(rows: TeamRows, at: When) -> DigestSection:
    """Incidents not attended within the time their risk level allows (a local protocol: 48 hours
    for standard risk by default, DVPN_ATTEND_*_HOURS)."""
    return _incident_section(ATTENDANCE, rows, at, Command("digest"), urgency=1)


def crime_unrecorded(rows: TeamRows, at: When) -> DigestSection:
    """Incidents where a crime was disclosed and no crime is recorded 24 hours after the report
    (National Crime Recording Standard)."""
    return _incident_section(CRIME, rows, at, Command("digest"), urgency=1)


def clare_target(rows: TeamRows, at: When) -> DigestSection:
    """Open Clare's Law requests within DVPN_DVDS_NEAR_DAYS of their completion target, or past it.
    For the digest, only the first listed (nearest the target) are read whole and the rest counted,
    from ix_disclosure_team_open_target alone."""
    if rows.order_id is not None:
        return DigestSection("clare", (), Command("clare", "list team"), urgency=1)
    near = timedelta(days=rows.settings.dvds_near_days)
    where = (
        col(DisclosureRequest.team_id) == rows.team_id,
        col(DisclosureRequest.closed_at).is_(None),
        col(DisclosureRequest.disclosed_at).is_(None),
        col(DisclosureRequest.target_at) <= at.now + near,
        *rows.owned(DisclosureRequest.officer_id),
    )
    # The first listed, nearest the target, in the index's order; only those are read whole, with
    # their subjects and officers. The rest are counted from the index alone.
    first = (
        sa.select(col(DisclosureRequest.id))
        .where(*where)
        .order_by(col(DisclosureRequest.target_at), col(DisclosureRequest.id))
        .limit(rows.listed)
        .subquery()
    )
    query = (
        sa.select(
            col(DisclosureRequest.reference),
            col(Perpetrator.full_name),
            col(AppUser.slack_user_id),
            col(DisclosureRequest.target_at),
        )
        .join(first, first.c.id == col(DisclosureRequest.id))
        .join(Perpetrator, col(Perpetrator.id) == col(DisclosureRequest.perpetrator_id))
        .join(AppUser, col(AppUser.id) == col(DisclosureRequest.officer_id))
        .order_by(col(DisclosureRequest.target_at), col(DisclosureRequest.id))
    )
    found = rows.session.execute(query).all()
    items = tuple(
        DigestItem(
            reference,
            initials(name),
            CLARE_TYPE,
            ClareTarget(target_at, target_at <= at.now),
            officer,
            target_at,
            target_at,
            ItemAction.OPEN_CLARE,
        )
        for reference, name, officer, target_at in found
    )
    unlisted = 0
    if rows.listed is not None and len(found) == rows.listed:
        counted = sa.select(sa.func.count()).select_from(DisclosureRequest).where(*where)
        unlisted = int(rows.session.execute(counted).scalar_one()) - len(found)
    return DigestSection("clare", items, Command("clare", "list team"), urgency=1, unlisted=unlisted)


def plan_actions(rows: TeamRows, at: When) -> DigestSection:
    """Actions of the team's open management plans past their due date, each under the record the
    plan was adopted from."""
    query = (
        select(PlanAction, ProtectionOrder, Perpetrator)
        .join(ManagementPlan, col(ManagementPlan.id) == col(PlanAction.plan_id))
        .join(ProtectionOrder, col(ProtectionOrder.perpetrator_id) == col(ManagementPlan.perpetrator_id))
        .join(Perpetrator, col(Perpetrator.id) == col(ManagementPlan.perpetrator_id))
        .where(
            ManagementPlan.team_id == rows.team_id,
            col(ManagementPlan.closed_at).is_(None),
            col(PlanAction.done_at).is_(None),
            col(PlanAction.due_at) <= at.now,
            *rows.owned(PlanAction.owner_id),
        )
        .order_by(col(PlanAction.due_at), col(PlanAction.id))
    )
    if rows.order_id is not None:
        query = query.where(ProtectionOrder.id == rows.order_id)
    counted = select(func.count()).select_from(query.subquery())
    read, total = rows.first(query, counted)
    found = [
        (o.reference, p.full_name, PLAN_TYPE, a.owner_id, PlanActionLate(a.number, a.due_at), a.due_at)
        for a, o, p in read
    ]
    unlisted = total - len(found)
    return DigestSection(
        "plan_actions", _items(rows, found, ItemAction.OPEN), Command("digest"), urgency=2, unlisted=unlisted
    )


# Claim order: a record open in several sections is listed in the first.
SECTIONS: tuple[SectionBuilder, ...] = (
    lapsed,
    unbooked,
    outcomes,
    checks,
    crime,
    encompass_untold,
    marac_referrals,
    attendance,
    crime_unrecorded,
    clare_target,
    plan_actions,
    failed,
    hearings,
    expiring,
    breaches,
    new_records,
)
# Sections of a count alone, no items: a new record is listed where it needs work.
COUNT_ONLY: tuple[SectionBuilder, ...] = (new_records,)
# Where the sections not listed here put their items: today's work (SectionKind.ACTION).
_KINDS: dict[SectionBuilder, SectionKind] = {
    hearings: SectionKind.COMING,
    expiring: SectionKind.COMING,
    breaches: SectionKind.HAPPENED,
    new_records: SectionKind.COUNT,
}


def kind_of(build: SectionBuilder) -> SectionKind:
    """The kind of the section `build` draws, known before it is drawn."""
    return _KINDS.get(build, SectionKind.ACTION)
