"""What a reminder is about, as facts. Loaded in bulk for a batch of reminders and returned as plain
data (services/reminders/results.py); blocks/reminder_wording.py says it. Privacy (DESIGN.md): a
reminder carries the record's reference and the perpetrator's initials, never a name, date of birth
or address, whether it goes to a DM or a channel."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any, NamedTuple, TypeVar

from sqlmodel import Session, SQLModel, col, select

from config import Settings
from models import (
    AppUser,
    Breach,
    BreachCheck,
    Hearing,
    Notification,
    OrderStatus,
    Perpetrator,
    ProtectionOrder,
    Reminder,
    ReminderState,
)
from rules.notification import CHANGES
from rules.order_types import rule_for
from services.records.planning import follow_up_source
from services.records.state import lapse_time
from services.reminders import batch_rows
from services.reminders.batch import by_ids, current, named_users, plain_by_ids
from services.reminders.batch_rows import HearingRow, OrderRow, UserRow
from services.reminders.chain import Escalation
from services.reminders.results import (
    BreachCheckDue,
    BreachCourtDeadline,
    CrimeReferenceMissing,
    Expiring,
    FollowUp,
    HearingCountdown,
    HearingDeadline,
    HearingSoon,
    Late,
    MonitoringEnding,
    NoHearingBooked,
    NoticeLapsed,
    NotificationChangeDue,
    NotificationMissing,
    Offer,
    OtherKind,
    OutcomeMissing,
    Person,
    ReminderFacts,
    Subject,
    UnbookedToSupervisor,
)
from services.reminders.rows import ReminderRow
from services.reminders.snoozing import snoozes_before
from services.views import initials

Row = TypeVar("Row", bound=SQLModel)


class CheckFacts(NamedTuple):
    """What a reminder's facts read of a breach check: a plain row, not an ORM object (the App Home
    looks through two hundred reminders, most of them about checks)."""

    id: int
    due_at: datetime
    done_at: datetime | None
    assigned_to_id: int


class BreachFacts(NamedTuple):
    id: int
    recorded_at: datetime
    crime_reference: str | None
    court_deadline_at: datetime | None
    court_deadline_at_hearing: bool | None


# ORM columns, so a statement of them flushes the session's pending changes first (a button's).
_CHECK_COLUMNS = tuple(getattr(BreachCheck, name) for name in CheckFacts._fields)
_BREACH_COLUMNS = tuple(getattr(Breach, name) for name in BreachFacts._fields)


@dataclass
class _Loaded:
    """Everything the batch's reminders mention, loaded with one query per table."""

    orders: Mapping[int, OrderRow] = field(default_factory=dict)
    initials: dict[int, str] = field(default_factory=dict)  # order id -> perpetrator initials
    users: Mapping[int, UserRow] = field(default_factory=dict)
    hearings: Mapping[int, Sequence[HearingRow]] = field(default_factory=dict)  # order id -> hearings by time
    checks: dict[int, CheckFacts] = field(default_factory=dict)
    breaches: dict[int, BreachFacts] = field(default_factory=dict)
    notifications: dict[int, Notification] = field(default_factory=dict)
    sources: dict[int, Reminder] = field(default_factory=dict)  # follow-up's source reminders

    def person(self, user_id: int | None) -> Person:
        user = self.users.get(user_id or 0)
        return Person(user.slack_user_id if user else None)


def lateness(intended: datetime, now: datetime, settings: Settings) -> Late | None:
    """Late when sent more than DVPN_LATE_AFTER_MINUTES after its time."""
    if now - intended <= timedelta(minutes=settings.reminders.late_after_minutes):
        return None
    return Late(intended, now, settings.timezone)


def facts_for(
    session: Session, reminders: Sequence[ReminderRow], settings: Settings, now: datetime, *, late: bool = True
) -> dict[int, ReminderFacts]:
    """The facts of each reminder. `late`: whether to say it is going late (not when it is shown
    again after a button was pressed)."""
    # Imported here: the incident and casework facts take this module's lateness.
    from services.reminders.casework_facts import casework_facts_for
    from services.reminders.incident_facts import incident_facts_for

    about_incidents = [r for r in reminders if r.incident_id is not None]
    escalation = Escalation(session, settings)
    found: dict[int, ReminderFacts] = incident_facts_for(
        session, about_incidents, settings, now, lateness, late, escalation
    )
    about_casework = [r for r in reminders if r.disclosure_id is not None or r.plan_id is not None]
    found |= casework_facts_for(session, about_casework, settings, now, lateness, late, escalation)
    reminders = [r for r in reminders if r.order_id is not None]
    loaded = _load(session, reminders)
    tz, users = settings.timezone, loaded.users  # read once: the loop runs once a reminder of the batch
    # What a message says of its record, worked out once a record: a batch's reminders share few.
    said: dict[int, tuple[str, str, str, str]] = {}
    for reminder in reminders:
        order = _order(loaded, reminder)
        recipient = users.get(reminder.recipient_id or 0)
        assert reminder.id is not None
        record = said.get(order.id or 0)
        if record is None:
            officer = users.get(order.officer_id)
            named = loaded.initials.get(order.id or 0, "?")
            record = (order.reference, order.order_type.value, named, officer.slack_user_id if officer else "")
            said[order.id or 0] = record
        reference, order_type, named, officer_slack_id = record
        about = subject(reminder, loaded)
        deadline = deadline_of(reminder, about, settings)
        found[reminder.id] = ReminderFacts(
            reminder_id=reminder.id,
            kind=reminder.kind,
            reference=reference,
            order_type=order_type,
            initials=named,
            subject=about,
            critical=reminder.critical,
            due_at=reminder.due_at,
            officer_slack_id=officer_slack_id,
            tz=tz,
            recipient_slack_id=recipient.slack_user_id if recipient else None,
            channel=reminder.recipient_channel,
            late=lateness(reminder.snoozed_until or reminder.due_at, now, settings) if late else None,
            deadline=deadline,
            snoozes=snoozes_before(deadline, now, tz),
            offer=offer_for(reminder, loaded, now),
            escalates_to=escalation.level(reminder, order.team_id, recipient),
        )
    return found


def deadline_of(reminder: ReminderRow, about: Subject, settings: Settings) -> datetime | None:
    """The deadline a reminder is about, if it is still ahead of it: the hearing deadline, the
    hearing, the order's end, the breach court deadline, or when an undone check is escalated.
    None: nothing falls due later (it is already overdue), so no deadline limits a snooze."""
    match about:
        case NoHearingBooked() | UnbookedToSupervisor() | HearingCountdown():
            return about.hearing.deadline
        case HearingSoon():
            return about.booked_for
        case Expiring():
            return about.expires_at
        case BreachCheckDue(overdue=False) if about.due_at is not None:
            # Held by quiet hours, the check's reminder goes later than the check fell due; the
            # supervisors are alerted the grace period after the officer was told (queue.py).
            grace = timedelta(hours=settings.reminders.breach_check_grace_hours)
            return max(about.due_at, reminder.due_at) + grace
        case BreachCourtDeadline():
            return about.court_by
        case FollowUp() if about.about is not None:
            return deadline_of(reminder, about.about, settings)
    return None


HEARING_KINDS = ("no_hearing_booked", "hearing_deadline_in_", "hearing_unbooked_supervisor:")
HEARD_KINDS = ("notice_lapsed:", "hearing_outcome_missing:", "hearing_tomorrow", "hearing_in_")


def offer_for(reminder: ReminderRow, loaded: _Loaded, now: datetime) -> Offer | None:
    """The work the reminder asks for, while it is still to be done: record the check, add the
    crime reference, book the hearing, or record the outcome of a hearing that has taken place."""
    kind = reminder.kind
    if not _may_offer(kind):
        return None
    source_id = follow_up_source(kind)
    if source_id is not None:
        source = loaded.sources.get(int(source_id))
        return offer_for(source, loaded, now) if source is not None else None
    if kind.startswith("breach_check_"):
        check = loaded.checks.get(int(kind.split(":")[1]))
        return Offer.CHECK if check is not None and check.done_at is None else None
    if kind.startswith("crime_reference_missing:"):
        breach = loaded.breaches.get(int(kind.split(":")[1]))
        return Offer.CRIME_REFERENCE if breach is not None and breach.crime_reference is None else None
    if not kind.startswith(HEARING_KINDS + HEARD_KINDS):
        return None
    order = _order(loaded, reminder)
    pending = [h for h in loaded.hearings.get(order.id or 0, []) if h.outcome is None]
    if any(h.scheduled_at <= now for h in pending):
        return Offer.OUTCOME
    if not pending and order.status is OrderStatus.ACTIVE and kind.startswith(HEARING_KINDS):
        return Offer.HEARING
    return None


@lru_cache(maxsize=4096)  # asked once a claimed reminder: a batch repeats kinds
def _may_offer(kind: str) -> bool:
    """Whether a kind's reminder can ask for any work: a follow-up, a check, a crime reference, a hearing."""
    prefixes = ("breach_check_", "crime_reference_missing:", *HEARING_KINDS, *HEARD_KINDS)
    return follow_up_source(kind) is not None or kind.startswith(prefixes)


def asked_of(
    session: Session, reminders: Sequence[ReminderRow], now: datetime
) -> dict[int, tuple[Subject, Offer | None]]:
    """What each reminder about a notice or order is about, and the work it offers, read from the
    records' own rows alone: no people, initials or escalation. Whether a reminder still asks for
    something needs no more (the App Home looks through two hundred to list twenty-five)."""
    loaded = _load(session, reminders, people=False)
    return {r.id or 0: (subject(r, loaded), offer_for(r, loaded, now)) for r in reminders}


def _load(session: Session, reminders: Sequence[ReminderRow], *, people: bool = True) -> _Loaded:
    """What the reminders mention. Without `people`, the records' own rows only: not who is named
    (users, perpetrators' initials) nor a change's notification, which no subject's time or offer
    turns on."""
    loaded = _Loaded()
    source_ids = {int(s) for r in reminders if (s := follow_up_source(r.kind))}
    batch = current(session)  # a claimed batch: its records, people and sources are loaded already
    if batch is not None and source_ids <= batch.sources.keys():
        loaded.sources = {i: batch.sources[i] for i in source_ids}
    else:
        loaded.sources = {r.id: r for r in _by_ids(session, Reminder, source_ids) if r.id is not None}
    every = [*reminders, *loaded.sources.values()]
    order_ids = {r.order_id for r in every if r.order_id is not None}
    if batch is not None and order_ids <= batch.orders.keys():  # with their initials and hearings
        loaded.orders, loaded.initials, loaded.hearings = batch.orders, batch.initials, batch.hearings
    elif not people:  # the App Home's look through what is still asked: reading, nothing pending
        found = batch_rows.orders(session, order_ids)
        loaded.orders, loaded.hearings = found.orders, found.hearings
    else:
        orders = {o.id: o for o in _by_ids(session, ProtectionOrder, order_ids) if o.id is not None}
        loaded.orders = orders
        if people:
            perpetrator_ids = {o.perpetrator_id for o in orders.values()}
            perpetrators = {p.id: p for p in _by_ids(session, Perpetrator, perpetrator_ids) if p.id is not None}
            loaded.initials = {oid: initials(perpetrators[o.perpetrator_id].full_name) for oid, o in orders.items()}
        hearings: dict[int, list[Hearing]] = {}
        for hearing in session.exec(
            select(Hearing).where(col(Hearing.order_id).in_(order_ids)).order_by(col(Hearing.scheduled_at))
        ).all():
            hearings.setdefault(hearing.order_id, []).append(hearing)
        loaded.hearings = hearings
    kinds = {r.kind for r in every}  # a batch repeats kinds: what they name is read once each
    if people:
        user_ids = {r.recipient_id for r in every if r.recipient_id} | {o.officer_id for o in loaded.orders.values()}
        user_ids = user_ids.union(*(named_users(kind) for kind in kinds))
        if batch is not None and user_ids <= batch.users.keys():
            loaded.users = batch.users
        else:
            loaded.users = {u.id: u for u in _by_ids(session, AppUser, user_ids) if u.id is not None}
        notifications = _by_ids(session, Notification, _ids_in(kinds, "notification_change"))
        loaded.notifications = {n.id: n for n in notifications if n.id is not None}
    checks = _plain(session, _CHECK_COLUMNS, _ids_in(kinds, "breach_check"))
    loaded.checks = {c.id: c for c in map(CheckFacts._make, checks)}
    breaches = _plain(session, _BREACH_COLUMNS, _ids_in(kinds, "breach_court", "crime_reference"))
    loaded.breaches = {b.id: b for b in map(BreachFacts._make, breaches)}
    return loaded


def _plain(session: Session, columns: tuple[Any, ...], ids: set[int]) -> Sequence[Any]:
    """`columns` (the first an id) of the rows `ids`, as plain rows."""
    if not ids:
        return []
    return session.execute(plain_by_ids(columns), {"ids": sorted(ids)}).all()


def _by_ids(session: Session, table: type[Row], ids: set[int]) -> list[Row]:
    if not ids:
        return []
    return list(session.exec(by_ids(table), params={"ids": sorted(ids)}).all())


def _ids_in(kinds: Collection[str], *prefixes: str) -> set[int]:
    """The check or breach ids kinds name: breach_check_due:17, crime_reference_missing:4:20."""
    return {int(kind.split(":")[1]) for kind in kinds if kind.startswith(prefixes) and ":" in kind}


# -- what each kind is about --------------------------------------------------------------------


def subject(reminder: ReminderRow, loaded: _Loaded) -> Subject:
    """What a reminder is about, from the kind's name and the record's current facts."""
    found = _kind(reminder.kind)
    if found is None:
        return OtherKind(reminder.kind.split(":")[0])
    about, match = found
    return about(reminder, loaded, match)


@lru_cache(maxsize=4096)
def _kind(kind: str) -> tuple[About, re.Match[str]] | None:
    """Which of _KINDS a kind is, read once per kind: a claim's batch repeats kinds (a hundred
    "expires_in_7d"), and trying each pattern in turn was a good part of its Python."""
    for pattern, about in _KINDS:
        match = pattern.fullmatch(kind)
        if match:
            return about, match
    return None


About = Callable[[ReminderRow, _Loaded, re.Match[str]], Subject]


def _order(loaded: _Loaded, reminder: ReminderRow) -> OrderRow:
    """The notice or order a reminder is about (an incident's reminders are told apart first)."""
    assert reminder.order_id is not None
    return loaded.orders[reminder.order_id]


def _hearing_deadline(order: OrderRow) -> HearingDeadline:
    rule = rule_for(order.order_type)
    return HearingDeadline(str(rule.follow_on or "order"), order.hearing_deadline_at, rule.hearing_clock)


def _booked(loaded: _Loaded, order: OrderRow) -> HearingRow | None:
    return next((h for h in loaded.hearings.get(order.id or 0, []) if h.outcome is None), None)


def _no_hearing(r: ReminderRow, f: _Loaded, m: re.Match[str]) -> Subject:
    order = _order(f, r)
    return NoHearingBooked(str(order.order_type), order.served_at, _hearing_deadline(order))


def _countdown(r: ReminderRow, f: _Loaded, m: re.Match[str]) -> Subject:
    order = _order(f, r)
    booked = _booked(f, order)
    return HearingCountdown(int(m[1]), _hearing_deadline(order), booked.scheduled_at if booked else None)


def _unbooked_supervisor(r: ReminderRow, f: _Loaded, m: re.Match[str]) -> Subject:
    order = _order(f, r)
    hours = round((order.hearing_deadline_at - r.due_at).total_seconds() / 3600) if order.hearing_deadline_at else 0
    return UnbookedToSupervisor(hours, _hearing_deadline(order), f.person(order.officer_id))


def _lapsed(r: ReminderRow, f: _Loaded, m: re.Match[str]) -> Subject:
    order = _order(f, r)
    deadline = order.hearing_deadline_at
    listed = [h for h in f.hearings.get(order.id or 0, []) if deadline and h.scheduled_at <= deadline]
    unresolved = listed[0].scheduled_at if listed and all(h.outcome is None for h in listed) else None
    clock = rule_for(order.order_type).hearing_clock
    lapses = lapse_time(order)
    earlier = deadline if lapses != deadline else None
    return NoticeLapsed(str(order.order_type), lapses, clock, f.person(order.officer_id), unresolved, earlier)


def _outcome_missing(r: ReminderRow, f: _Loaded, m: re.Match[str]) -> Subject:
    order = _order(f, r)
    hearing = next((h for h in f.hearings.get(r.order_id or 0, ()) if str(h.id) == m[1]), None)
    return OutcomeMissing(str(order.order_type), hearing.scheduled_at if hearing else None)


def _hearing_soon(r: ReminderRow, f: _Loaded, m: re.Match[str]) -> Subject:
    order = _order(f, r)
    booked = _booked(f, order)
    hours = None if m[0] == "hearing_tomorrow" else int(m[1])
    # A court is typed as free text: a reminder posted to a channel leaves it out.
    court = booked.court if booked and booked.court and not r.recipient_channel else None
    return HearingSoon(hours, str(order.order_type), booked.scheduled_at if booked else None, court)


def _expiry(r: ReminderRow, f: _Loaded, m: re.Match[str]) -> Subject:
    order = _order(f, r)
    days = None if m[0] == "expires_today" else int(m[1])
    return Expiring(days, str(order.order_type), order.expires_at, rule_for(order.order_type).statute)


def _check_due(r: ReminderRow, f: _Loaded, m: re.Match[str]) -> Subject:
    check = f.checks.get(int(m[1] or m[2]))
    overdue = m[0].startswith("breach_check_overdue")
    assignee = f.person(check.assigned_to_id) if overdue and check else None
    return BreachCheckDue(overdue, check.due_at if check else None, assignee)


def _notification(r: ReminderRow, f: _Loaded, m: re.Match[str]) -> Subject:
    order = _order(f, r)
    return NotificationMissing(rule_for(order.order_type).notification, order.notification_due_at)


def _notification_change(r: ReminderRow, f: _Loaded, m: re.Match[str]) -> Subject:
    order, waiting = _order(f, r), f.notifications.get(int(m[2]))
    rule = CHANGES.get(order.order_type, {}).get(waiting.change) if waiting and waiting.change else None
    window = rule_for(order.order_type).notification
    return NotificationChangeDue(m[1] == "missing", rule, waiting.due_at if waiting else None, window)


def _monitoring(r: ReminderRow, f: _Loaded, m: re.Match[str]) -> Subject:
    order = _order(f, r)
    days = None if m[0] == "monitoring_ends_today" else int(m[1])
    return MonitoringEnding(days, order.monitoring_ends_at)


def _breach_court(r: ReminderRow, f: _Loaded, m: re.Match[str]) -> Subject:
    order, breach = _order(f, r), f.breaches.get(int(m[2]))
    clock = rule_for(order.order_type).breach_arrest_clock
    at_hearing = breach is not None and bool(breach.court_deadline_at_hearing)
    return BreachCourtDeadline(int(m[1]), breach.court_deadline_at if breach else None, clock, at_hearing)


def _crime_reference(r: ReminderRow, f: _Loaded, m: re.Match[str]) -> Subject:
    breach = f.breaches.get(int(m[1]))
    return CrimeReferenceMissing(breach.recorded_at if breach else None)


def _follow_up(r: ReminderRow, f: _Loaded, m: re.Match[str]) -> Subject:
    source = f.sources.get(int(m[2]))
    renotify = m[1] == "renotify"
    if source is None:
        return FollowUp(renotify, None, False, Person(None))
    failed = source.state is ReminderState.FAILED
    return FollowUp(renotify, subject(source, f), failed, f.person(source.recipient_id))


_KINDS: list[tuple[re.Pattern[str], About]] = [
    (re.compile(r"no_hearing_booked"), _no_hearing),
    (re.compile(r"hearing_deadline_in_(\d+)h"), _countdown),
    (re.compile(r"hearing_unbooked_supervisor:\d+"), _unbooked_supervisor),
    (re.compile(r"notice_lapsed:\d+"), _lapsed),
    (re.compile(r"hearing_outcome_missing:(\d+)"), _outcome_missing),
    (re.compile(r"hearing_tomorrow|hearing_in_(\d+)h"), _hearing_soon),
    (re.compile(r"expires_today|expires_in_(\d+)d"), _expiry),
    (re.compile(r"breach_check_due:(\d+)|breach_check_overdue:(\d+):\d+"), _check_due),
    (re.compile(r"notification_missing:\d+"), _notification),
    (re.compile(r"notification_change_(due|missing):(\d+)(?::\d+)?"), _notification_change),
    (re.compile(r"monitoring_ends_today|monitoring_ends_in_(\d+)d"), _monitoring),
    (re.compile(r"breach_court_in_(\d+)h:(\d+)"), _breach_court),
    (re.compile(r"crime_reference_missing:(\d+):\d+"), _crime_reference),
    (re.compile(r"(renotify|escalation):(\d+)(?::\d+)?"), _follow_up),
]
