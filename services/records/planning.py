"""Reminder planning: from an order's facts and the reminder policy, the full set of reminders it
should have; then reconcile that plan with the stored rows (new ones added, obsolete ones
cancelled, never deleted, so the history stays)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, insert, select

from config import ReminderPolicy
from models import (
    Breach,
    BreachCheck,
    Hearing,
    Notification,
    NotificationKind,
    OrderStatus,
    ProtectionOrder,
    Reminder,
    ReminderState,
    Team,
    TeamSupervisor,
    metadata,
)
from rules.lifecycle import IMPLIES, Reminders, State, state_of
from rules.notification import owed
from services.new_rows import Plain
from services.records.state import lapse_time, situation
from services.records.thread_plan import plan_thread
from services.reporting.list_results import NextDeadline

# Reminder kinds. A kind names what the reminder is about; the recipient is part of the kind for
# alerts that go to several people, because rows are unique on (order, kind, due_at).
NO_HEARING_BOOKED = "no_hearing_booked"
HEARING_COUNTDOWN = "hearing_deadline_in_{hours}h"
HEARING_UNBOOKED_SUPERVISOR = "hearing_unbooked_supervisor:{user}"
NOTICE_LAPSED = "notice_lapsed:{user}"
HEARING_DAY_BEFORE = "hearing_tomorrow"
HEARING_SOON = "hearing_in_{hours}h"
EXPIRY_SOON = "expires_in_{days}d"
EXPIRY_TODAY = "expires_today"
CHECK_DUE = "breach_check_due:{check}"
CHECK_OVERDUE = "breach_check_overdue:{check}:{user}"
NOTIFICATION_MISSING = "notification_missing:{user}"
BREACH_COURT_COUNTDOWN = "breach_court_in_{hours}h:{breach}"
CRIME_REFERENCE_MISSING = "crime_reference_missing:{breach}:{user}"
# A change the subject must notify (DAA 2021 s41(4)-(6); SPA 2019 s9(3)-(4)): the last day of its
# window, then the window missed. Electronic monitoring ending (DAA 2021 s38(5)).
NOTIFICATION_CHANGE_DUE = "notification_change_due:{notification}"
NOTIFICATION_CHANGE_MISSING = "notification_change_missing:{notification}:{user}"
MONITORING_ENDS_SOON = "monitoring_ends_in_{days}d"
MONITORING_ENDS_TODAY = "monitoring_ends_today"
OUTCOME_MISSING = "hearing_outcome_missing:{hearing}"
# Follow-ups the sweep adds when a critical reminder goes unacknowledged (scheduler issue). They are
# not planned from the record's facts, so reconciling leaves them alone; the sweep drops one whose
# source was acknowledged or withdrawn before it went out.
RENOTIFY = "renotify:{source}"
ESCALATION = "escalation:{source}:{user}"
FOLLOW_UP_PREFIXES = ("renotify:", "escalation:")
# Alerts about a statutory deadline. They and their escalations go out whatever the hour; every
# other reminder, and every escalation of one, waits for the end of quiet hours.
STATUTORY_PREFIXES = (
    "no_hearing_booked",
    "hearing_deadline_in_",
    "hearing_unbooked_supervisor:",
    "notice_lapsed:",
    "breach_court_in_",
)


# Why a posted reminder's message is updated once it is moot (worded by blocks.reminder_wording).
MOOT_HEARING_BOOKED = "moot_hearing_booked"
MOOT_OUTCOME_RECORDED = "moot_outcome_recorded"
MOOT_CHECK_RECORDED = "moot_check_recorded"
MOOT_CRIME_REFERENCE_ADDED = "moot_crime_reference_added"
MOOT_NOTIFICATION_RECEIVED = "moot_notification_received"
MOOT_BEFORE_COURT = "moot_before_court"
MOOT_CLOSED = "moot_closed"  # closed or withdrawn
MOOT_ENDED = "moot_ended"  # lapsed, expired, discharged, refused, superseded
MOOT_CHANGED = "moot_changed"  # corrected: what it was about no longer applies
MOOT_CALENDAR = "moot_calendar"  # an admin's bank-holiday change moved the deadline it spoke of
MOOT_HANDED_ON = "moot_handed_on"  # its officer left: the successor's (and their team's) reminders replace it
_ENDED_BY_HAND = (OrderStatus.CLOSED, OrderStatus.WITHDRAWN)
REMINDERS: sa.Table = metadata.tables["reminder"]


def _arg(kind: str, position: int = 1) -> int | None:
    """The id a kind carries ('breach_check_due:7' -> 7)."""
    parts = kind.split(":")
    return int(parts[position]) if len(parts) > position and parts[position].isdigit() else None


def _is_the_notification(notification: Notification, kind: str) -> bool:
    """A change's reminders name its notification; the first notification's name the recipient."""
    if kind.startswith("notification_change"):
        return notification.id == _arg(kind)
    return notification.kind is NotificationKind.INITIAL


# What resolving a reminder's kind means, by the start of its kind, and whether the facts show it.
_RESOLVED_BY: tuple[tuple[tuple[str, ...], str, Callable[[OrderFacts, str], bool]], ...] = (
    (
        ("no_hearing_booked", "hearing_deadline_in_", "hearing_unbooked_supervisor:"),
        MOOT_HEARING_BOOKED,
        lambda facts, kind: bool(facts.hearings),
    ),
    (
        ("hearing_outcome_missing:", "notice_lapsed:", "hearing_tomorrow", "hearing_in_"),
        MOOT_OUTCOME_RECORDED,
        lambda facts, kind: any(h.outcome is not None for h in facts.hearings),
    ),
    (
        ("breach_check_",),
        MOOT_CHECK_RECORDED,
        lambda facts, kind: any(c.id == _arg(kind) and c.done_at is not None for c in facts.checks),
    ),
    (
        ("crime_reference_missing:",),
        MOOT_CRIME_REFERENCE_ADDED,
        lambda facts, kind: any(b.id == _arg(kind) and b.crime_reference for b in facts.breaches),
    ),
    (
        ("breach_court_in_",),
        MOOT_BEFORE_COURT,
        lambda facts, kind: any(b.id == _arg(kind) and b.before_court_at for b in facts.breaches),
    ),
    (
        ("notification_",),
        MOOT_NOTIFICATION_RECEIVED,
        lambda facts, kind: any(
            n.received_at is not None and _is_the_notification(n, kind) for n in facts.notifications
        ),
    ),
)


def is_statutory(kind: str) -> bool:
    return kind.startswith(STATUTORY_PREFIXES)


def is_follow_up(kind: str) -> bool:
    return kind.startswith(FOLLOW_UP_PREFIXES)


@functools.lru_cache(maxsize=4096)  # asked of every claimed reminder's kind several times over: read once per kind
def follow_up_source(kind: str) -> str | None:
    """The id (as text) of the reminder a follow-up is about, or None for a planned reminder."""
    return kind.split(":")[1] if is_follow_up(kind) else None


@dataclass(frozen=True)
class PlannedReminder:
    kind: str
    due_at: datetime
    recipient_id: int
    critical: bool = False
    # Sent even if planned after its time (an overdue alert); otherwise a past time is dropped so
    # a record entered late does not produce a burst of stale countdowns.
    fire_if_late: bool = False


@dataclass(frozen=True)
class OrderFacts:
    order: ProtectionOrder
    hearings: Sequence[Hearing]
    breaches: Sequence[Breach]
    checks: Sequence[BreachCheck]
    notifications: Sequence[Notification]
    supervisor_ids: Sequence[int]
    team: Team | None = None  # the record's team, if the caller has read it (its thread's channel)


def deadlines_ahead(facts: OrderFacts, now: datetime) -> list[NextDeadline]:
    """Every deadline a record still has. Open hearings and breach court deadlines count whatever
    the record's status; its own deadlines, open checks and awaited notifications are owed only
    while the order is in force, so an ended record's leftovers are not deadlines. A breach court
    deadline (CSA 2010 s26; DAA 2021 s26(2), (4): before the court within 24 hours of
    arrest) that has passed needs nothing more, so it stops counting at `now`."""
    order = facts.order
    found = [NextDeadline("Hearing", h.scheduled_at) for h in facts.hearings if h.outcome is None]
    found += [
        NextDeadline("Breach: before a court by", b.court_deadline_at)
        for b in facts.breaches
        if b.court_deadline_at is not None and b.court_deadline_at >= now and b.before_court_at is None
    ]
    if order.status is OrderStatus.ACTIVE:
        if order.hearing_deadline_at is not None:
            found.append(NextDeadline("Hearing deadline", order.hearing_deadline_at))
        if order.expires_at is not None:
            found.append(NextDeadline("Expires", order.expires_at))
        found += [NextDeadline("Breach check", c.due_at) for c in facts.checks if c.done_at is None]
        found += [NextDeadline("Notification due", n.due_at) for n in _awaited(facts)]
        if order.monitoring_ends_at is not None and order.monitoring_ends_at >= now:
            found.append(NextDeadline("Electronic monitoring ends", order.monitoring_ends_at))
    return found


def next_deadline(facts: OrderFacts, now: datetime) -> NextDeadline | None:
    """The earliest of a record's deadlines, or None when it has none."""
    return min(deadlines_ahead(facts, now), key=lambda d: d.at, default=None)


def plan_reminders(facts: OrderFacts, policy: ReminderPolicy, tz: ZoneInfo, now: datetime) -> list[PlannedReminder]:
    """The reminders to add now: everything the facts call for, less what is already in the past
    (unless it must fire late), with non-urgent ones moved out of quiet hours."""
    kept = [p for p in _everything(facts, policy, tz, now) if p.fire_if_late or p.due_at >= now]
    return [_outside_quiet_hours(p, policy, tz) for p in kept]


def still_relevant(facts: OrderFacts, policy: ReminderPolicy, tz: ZoneInfo, now: datetime) -> set[tuple[str, datetime]]:
    """Keys of every reminder the facts still call for, past or future. A stored reminder outside
    this set is obsolete; one inside it is kept even if overdue (the bot was down, a post is being
    retried, or it was snoozed), so nothing that fell due is dropped by an unrelated change."""
    planned = _everything(facts, policy, tz, now)
    return {(p.kind, p.due_at) for p in (_outside_quiet_hours(r, policy, tz) for r in planned)}


def state(facts: OrderFacts, now: datetime) -> State:
    """The record's state in its lifecycle (rules/lifecycle.py)."""
    return state_of(situation(facts.order, facts.hearings), now)


def _everything(facts: OrderFacts, policy: ReminderPolicy, tz: ZoneInfo, now: datetime) -> list[PlannedReminder]:
    """What the record's state implies (rules.lifecycle.IMPLIES), family by family. The lapse
    alerts outlive the notice: they tell the officer and supervisors to remove it from the PNC."""
    implied = IMPLIES[state(facts, now)]
    planners = {
        Reminders.NO_HEARING_BOOKED: lambda: _no_hearing_booked(facts, policy),
        Reminders.HEARING_COUNTDOWN: lambda: _countdown(facts, policy),
        Reminders.LAPSE_ALERT: lambda: [] if _heard_in_time(facts) else _lapse_alerts(facts),
        Reminders.HEARING_SOON: lambda: _hearings(facts, policy, tz),
        Reminders.OUTCOME_MISSING: lambda: _outcome_missing(facts, policy),
        Reminders.EXPIRY: lambda: _expiry(facts.order, policy, tz),
        Reminders.CHECKS: lambda: _checks(facts, policy),
        Reminders.NOTIFICATION: lambda: _notification(facts),
        Reminders.BREACH_COURT: lambda: _breach_court(facts, policy),
        Reminders.CRIME_REFERENCE: lambda: _crime_reference(facts, policy),
        Reminders.NOTIFICATION_CHANGE: lambda: _change_windows(facts, policy, tz),
        Reminders.MONITORING: lambda: _monitoring(facts.order, policy, tz),
    }
    return [planned for family in Reminders if family in implied for planned in planners[family]()]


def _heard_in_time(facts: OrderFacts) -> bool:
    """A hearing listed by the notice's deadline has an outcome (an adjournment included: the
    notice continues through it, CSA 2010 s27; DAA 2021 s29(7)). Until then the notice may still
    lapse, so its countdown and lapse alerts stand."""
    deadline = lapse_time(facts.order)
    return deadline is not None and any(h.outcome is not None and h.scheduled_at <= deadline for h in facts.hearings)


def _listed_in_time(facts: OrderFacts) -> bool:
    """A hearing listed before the deadline, not yet sat: the countdown would only tell the
    officer, in court, what they have done. The lapse alarm stays until the outcome is recorded."""
    deadline = facts.order.hearing_deadline_at
    return deadline is not None and any(h.outcome is None and h.scheduled_at <= deadline for h in facts.hearings)


def _lapse_alerts(facts: OrderFacts) -> list[PlannedReminder]:
    """CSA 2010 s27(3); DAA 2021 s29(2): not heard within 48 hours of service, the notice lapses."""
    order = facts.order
    lapses_at = lapse_time(order)
    if lapses_at is None:
        return []
    return [
        PlannedReminder(NOTICE_LAPSED.format(user=u), lapses_at, u, critical=True, fire_if_late=True)
        for u in (order.officer_id, *facts.supervisor_ids)
    ]


def _no_hearing_booked(facts: OrderFacts, policy: ReminderPolicy) -> list[PlannedReminder]:
    order = facts.order
    if order.hearing_deadline_at is None or order.served_at is None:
        return []
    at = order.hearing_deadline_at - timedelta(hours=policy.supervisor_alert_hours_before)
    return [
        PlannedReminder(
            NO_HEARING_BOOKED,
            order.served_at + timedelta(hours=policy.no_hearing_alert_after_hours),
            order.officer_id,
            critical=True,
            fire_if_late=True,
        ),
        *(
            PlannedReminder(HEARING_UNBOOKED_SUPERVISOR.format(user=s), at, s, critical=True, fire_if_late=True)
            for s in facts.supervisor_ids
        ),
    ]


def _countdown(facts: OrderFacts, policy: ReminderPolicy) -> list[PlannedReminder]:
    deadline = facts.order.hearing_deadline_at
    if deadline is None or facts.order.served_at is None or _heard_in_time(facts) or _listed_in_time(facts):
        return []
    return [
        PlannedReminder(
            HEARING_COUNTDOWN.format(hours=h), deadline - timedelta(hours=h), facts.order.officer_id, critical=True
        )
        for h in policy.hearing_countdown_hours
    ]


def _outcome_missing(facts: OrderFacts, policy: ReminderPolicy) -> list[PlannedReminder]:
    """A listed hearing whose time has passed with no outcome recorded stays an open item: its
    officer is alerted (urgent, so it escalates) until the outcome or an adjournment is recorded."""
    grace = timedelta(hours=policy.outcome_grace_hours)
    return [
        PlannedReminder(
            OUTCOME_MISSING.format(hearing=h.id),
            h.scheduled_at + grace,
            facts.order.officer_id,
            critical=True,
            fire_if_late=True,
        )
        for h in facts.hearings
        if h.outcome is None
    ]


def _hearings(facts: OrderFacts, policy: ReminderPolicy, tz: ZoneInfo) -> list[PlannedReminder]:
    planned = []
    for hearing in facts.hearings:
        if hearing.outcome is not None:
            continue
        local = hearing.scheduled_at.astimezone(tz)
        day_before = _local_instant(local.date() - timedelta(days=1), policy.hearing_reminder_day_before_at, tz)
        planned.append(PlannedReminder(HEARING_DAY_BEFORE, day_before, facts.order.officer_id))
        hours = policy.hearing_reminder_hours_before
        planned.append(
            PlannedReminder(
                HEARING_SOON.format(hours=hours),
                hearing.scheduled_at - timedelta(hours=hours),
                facts.order.officer_id,
            )
        )
    return planned


def _expiry(order: ProtectionOrder, policy: ReminderPolicy, tz: ZoneInfo) -> list[PlannedReminder]:
    if order.expires_at is None:
        return []
    last_day = (order.expires_at.astimezone(tz) - timedelta(microseconds=1)).date()
    planned = [
        PlannedReminder(
            EXPIRY_SOON.format(days=days),
            _local_instant(last_day - timedelta(days=days), policy.morning_at, tz),
            order.officer_id,
        )
        for days in policy.expiry_reminder_days
    ]
    planned.append(PlannedReminder(EXPIRY_TODAY, _local_instant(last_day, policy.morning_at, tz), order.officer_id))
    return planned


def _checks(facts: OrderFacts, policy: ReminderPolicy) -> list[PlannedReminder]:
    planned = []
    for check in facts.checks:
        if check.done_at is not None:
            continue
        planned.append(PlannedReminder(CHECK_DUE.format(check=check.id), check.due_at, check.assigned_to_id))
        overdue_at = check.due_at + timedelta(hours=policy.breach_check_grace_hours)
        planned += [
            PlannedReminder(
                CHECK_OVERDUE.format(check=check.id, user=s), overdue_at, s, critical=True, fire_if_late=True
            )
            for s in facts.supervisor_ids
        ]
    return planned


def _notification(facts: OrderFacts) -> list[PlannedReminder]:
    order = facts.order
    first = [n for n in facts.notifications if n.kind is NotificationKind.INITIAL]
    if order.notification_due_at is None or any(n.received_at for n in first) or not _owes(order, change=False):
        return []
    return [
        PlannedReminder(NOTIFICATION_MISSING.format(user=u), order.notification_due_at, u, fire_if_late=True)
        for u in (order.officer_id, *facts.supervisor_ids)
    ]


def _breach_court(facts: OrderFacts, policy: ReminderPolicy) -> list[PlannedReminder]:
    """Until the arrested person's court appearance is recorded."""
    planned = []
    officer = facts.order.officer_id
    for breach in facts.breaches:
        if breach.court_deadline_at is not None and breach.before_court_at is None:
            planned += [
                PlannedReminder(
                    BREACH_COURT_COUNTDOWN.format(hours=h, breach=breach.id),
                    breach.court_deadline_at - timedelta(hours=h),
                    officer,
                    critical=True,
                )
                for h in policy.hearing_countdown_hours
                if h < 24
            ]
    return planned


def _crime_reference(facts: OrderFacts, policy: ReminderPolicy) -> list[PlannedReminder]:
    planned = []
    officer = facts.order.officer_id
    for breach in facts.breaches:
        if breach.crime_reference is None:
            at = breach.recorded_at + timedelta(hours=policy.crime_reference_grace_hours)
            planned += [
                PlannedReminder(CRIME_REFERENCE_MISSING.format(breach=breach.id, user=u), at, u, fire_if_late=True)
                for u in (officer, *facts.supervisor_ids)
            ]
    return planned


def _owes(order: ProtectionOrder, *, change: bool) -> bool:
    return owed(order.order_type, order.notification_exempt, change)


def _awaited(facts: OrderFacts) -> list[Notification]:
    """Notifications not yet given that the subject owes (an exemption, DAA 2021 s41(8), owes none)."""
    return [
        n
        for n in facts.notifications
        if n.received_at is None and _owes(facts.order, change=n.kind is NotificationKind.CHANGE)
    ]


def _change_windows(facts: OrderFacts, policy: ReminderPolicy, tz: ZoneInfo) -> list[PlannedReminder]:
    """A change's window: the morning of its last day, then missed (failing to notify may be an
    offence, SPA 2019 s11(1)(a))."""
    order, planned = facts.order, []
    people = (order.officer_id, *facts.supervisor_ids)
    for waiting in _awaited(facts):
        if waiting.kind is not NotificationKind.CHANGE:
            continue
        last_day = (waiting.due_at.astimezone(tz) - timedelta(microseconds=1)).date()
        morning = _local_instant(last_day, policy.morning_at, tz)
        planned.append(
            PlannedReminder(NOTIFICATION_CHANGE_DUE.format(notification=waiting.id), morning, order.officer_id)
        )
        planned += [
            PlannedReminder(
                NOTIFICATION_CHANGE_MISSING.format(notification=waiting.id, user=u),
                waiting.due_at,
                u,
                fire_if_late=True,
            )
            for u in people
        ]
    return planned


def _monitoring(order: ProtectionOrder, policy: ReminderPolicy, tz: ZoneInfo) -> list[PlannedReminder]:
    """The end of electronic monitoring (DAA 2021 s38(5)), reminded as an order's expiry."""
    planned: list[PlannedReminder] = []
    if order.monitoring_ends_at is not None:
        last_day = (order.monitoring_ends_at.astimezone(tz) - timedelta(microseconds=1)).date()
        planned += [
            PlannedReminder(
                MONITORING_ENDS_SOON.format(days=days),
                _local_instant(last_day - timedelta(days=days), policy.morning_at, tz),
                order.officer_id,
            )
            for days in policy.expiry_reminder_days
        ]
        planned.append(
            PlannedReminder(MONITORING_ENDS_TODAY, _local_instant(last_day, policy.morning_at, tz), order.officer_id)
        )
    return planned


def _local_instant(day: date, at: time, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, at, tzinfo=tz)


def _outside_quiet_hours(reminder: PlannedReminder, policy: ReminderPolicy, tz: ZoneInfo) -> PlannedReminder:
    """Reminders that fall in the night wait for the morning; statutory countdowns never wait."""
    if is_statutory(reminder.kind):
        return reminder
    moved = after_quiet_hours(reminder.due_at, policy, tz)
    if moved == reminder.due_at:
        return reminder
    return PlannedReminder(reminder.kind, moved, reminder.recipient_id, reminder.critical, reminder.fire_if_late)


def after_quiet_hours(at: datetime, policy: ReminderPolicy, tz: ZoneInfo) -> datetime:
    """`at`, or the end of the quiet hours it falls in."""
    local = at.astimezone(tz)
    start, end = policy.quiet_hours_start, policy.quiet_hours_end
    clock = local.time()
    in_quiet = (start <= clock or clock < end) if start > end else (start <= clock < end)
    if not in_quiet:
        return at
    morning_day = local.date() + timedelta(days=1) if clock >= end and start > end else local.date()
    return datetime.combine(morning_day, end, tzinfo=tz)


def moot_reason(facts: OrderFacts, kind: str) -> str:
    """Why a reminder the plan no longer calls for is moot: the record was closed, or what it asked
    for was done (a hearing booked for a 'no hearing booked' alert), or the record ended, or else
    it was corrected so the reminder no longer applies."""
    if facts.order.status in _ENDED_BY_HAND:
        return MOOT_CLOSED
    for starts, reason, done in _RESOLVED_BY:
        if kind.startswith(starts) and done(facts, kind):
            return reason
    return MOOT_CHANGED if facts.order.status.is_open else MOOT_ENDED


def ask_update(reminder: Reminder, reason: str, now: datetime, *, replace: bool = False, by: int | None = None) -> None:
    """Record that a posted reminder's message is to be updated in place, saying `reason`, and who
    (`by`, None for the system) made it so at `now`; the sweep applies it
    (services.reminders.updates). The first reason stands unless `replace` (a person settling it
    says more than 'moot'). Nothing to do for a reminder never posted."""
    if reminder.slack_ts is None or reminder.slack_channel is None:
        return
    if reminder.update_reason is not None and not replace:
        return
    reminder.update_reason, reminder.update_due_at, reminder.update_attempts = reason, now, 0
    reminder.moot_by_id, reminder.moot_at = by, now


def reconcile(
    session: Session,
    order_id: int | None,
    plan: Iterable[PlannedReminder],
    now: datetime,
    relevant: set[tuple[str, datetime]] | None = None,
    why: Callable[[str], str] | None = None,
    stored: Sequence[Reminder] | None = None,
    *,
    incident_id: int | None = None,
    disclosure_id: int | None = None,
    plan_id: int | None = None,
    by: int | None = None,
    held: list[Plain] | None = None,
) -> tuple[int, int]:
    """Make the stored reminders match the plan. Returns (added, cancelled). `stored`: the record's
    reminders, if the caller has them (none, for a record created in this transaction). The record
    is the order `order_id`, or the incident `incident_id`, the Clare's Law request `disclosure_id`
    or the management plan `plan_id`.

    A pending reminder is cancelled when it is no longer `relevant` (by default: not in the plan).
    A sent one that is no longer relevant will not escalate, and its pending follow-ups are
    cancelled: the hearing it nagged about has been booked, say. Its message, and those of its
    follow-ups already posted, are to be updated to say so (`why`: the reason for a kind; `by`: who
    acted, None for the system). `held`: the new reminders go there as rows, for the caller to
    insert with its own (a new record's, services.new_rows)."""
    if stored is None:
        stored = session.exec(select(Reminder).where(_about(order_id, incident_id, disclosure_id, plan_id))).all()
    wanted = {(p.kind, p.due_at): p for p in plan}
    keep = set(wanted) | (relevant or set())
    by_key = {(r.kind, r.due_at): r for r in stored}
    added = cancelled = 0
    withdrawn: dict[str, str] = {}  # ids of sent reminders no longer relevant, and why: their follow-ups go too
    for key, reminder in by_key.items():
        if key in keep or is_follow_up(reminder.kind):
            continue
        if reminder.state is ReminderState.PENDING:
            reminder.state, reminder.cancelled_at = ReminderState.CANCELLED, now
            cancelled += 1
            ask_update(reminder, why(reminder.kind) if why else MOOT_CHANGED, now, by=by)  # posted, then snoozed
        elif reminder.state is ReminderState.SENT:
            if reminder.escalate_at is not None:
                reminder.escalate_at = None
            reason = why(reminder.kind) if why else MOOT_CHANGED
            withdrawn[str(reminder.id)] = reason
            ask_update(reminder, reason, now, by=by)
    for reminder in stored:
        source = follow_up_source(reminder.kind)
        if source not in withdrawn:
            continue
        if reminder.state is ReminderState.PENDING:
            reminder.state, reminder.cancelled_at = ReminderState.CANCELLED, now
            cancelled += 1
        elif reminder.state is ReminderState.SENT:
            ask_update(reminder, withdrawn[source], now, by=by)
    for key in wanted:
        existing = by_key.get(key)
        if existing is not None and existing.state is ReminderState.CANCELLED:
            existing.state, existing.cancelled_at = ReminderState.PENDING, None
            added += 1
    new = [planned for key, planned in wanted.items() if key not in by_key]
    if new:
        # One INSERT for them all and no object each: this transaction reads them back, if at all,
        # through a query. Into the table: the ORM's bulk INSERT of the same rows costs a third more.
        subject = {
            "order_id": order_id,
            "incident_id": incident_id,
            "disclosure_id": disclosure_id,
            "plan_id": plan_id,
        }
        rows = [_row(subject, planned, now) for planned in new]
        if held is not None:
            held.append((REMINDERS, rows))
        else:
            session.execute(insert(REMINDERS), rows)
        added += len(new)
    return added, cancelled


def _about(
    order_id: int | None, incident_id: int | None, disclosure_id: int | None, plan_id: int | None
) -> ColumnElement[bool]:
    """SQL: the reminders about the one subject named (a reminder is about exactly one)."""
    if incident_id is not None:
        return col(Reminder.incident_id) == incident_id
    if disclosure_id is not None:
        return col(Reminder.disclosure_id) == disclosure_id
    if plan_id is not None:
        return col(Reminder.plan_id) == plan_id
    return col(Reminder.order_id) == order_id


def _row(subject: dict[str, int | None], planned: PlannedReminder, now: datetime) -> dict[str, object]:
    return {
        **subject,
        "kind": planned.kind,
        "due_at": planned.due_at,
        "recipient_id": planned.recipient_id,
        "critical": planned.critical,
        "state": ReminderState.PENDING,
        "created_at": now,
    }


@dataclass(frozen=True)
class Replanned:
    """A replan's outcome, with what a card built straight after it needs so the record is not
    read again (services.records.card.build_view): the facts planned from, and the reminders left
    pending, as (due_at, kind)."""

    added: int
    cancelled: int
    facts: OrderFacts
    pending: tuple[tuple[datetime, str], ...]


def replan(
    session: Session,
    order: ProtectionOrder,
    policy: ReminderPolicy,
    tz: ZoneInfo,
    now: datetime,
    by: int | None = None,
) -> tuple[int, int]:
    """Load the order's facts, store its next deadline, plan, and reconcile. Every service that
    changes a record calls this; `by` is the user whose change it is (None: the system)."""
    done = replan_from(session, load_facts(session, order), policy, tz, now, by=by)
    return done.added, done.cancelled


def replan_from(
    session: Session,
    facts: OrderFacts,
    policy: ReminderPolicy,
    tz: ZoneInfo,
    now: datetime,
    stored: Sequence[Reminder] | None = None,
    *,
    by: int | None = None,
    moot: str | None = None,
    held: list[Plain] | None = None,
) -> Replanned:
    """`replan` from facts the caller holds. `stored`: the order's reminders, if the caller knows
    them (none, for a record created in this transaction); otherwise they are read. `by`: as for
    `replan`. `moot`: the reason every withdrawn reminder's message gives, instead of the record's
    own (MOOT_CALENDAR: the deadline moved with the calendar, not with anything done on the record).
    `held`: the new reminders and thread posts go there as rows, not into the database, for the
    caller to insert with the record's own rows (a record created in this transaction)."""
    order = facts.order
    assert order.id is not None
    deadline = at_or_none(next_deadline(facts, now))
    if order.next_deadline_at != deadline:  # else the row is left clean: a commit with nothing more to flush
        order.next_deadline_at = deadline
    plan = plan_reminders(facts, policy, tz, now)
    relevant = still_relevant(facts, policy, tz, now)
    new_record = stored is not None and not stored  # the caller's word: created in this transaction
    if stored is None:
        stored = session.exec(select(Reminder).where(Reminder.order_id == order.id)).all()
    why = functools.partial(moot_reason, facts) if moot is None else (lambda kind: moot)
    added, cancelled = reconcile(session, order.id, plan, now, relevant, why, stored, by=by, held=held)
    plan_thread(session, facts, policy, now, new_record=new_record, held=held)
    known = {(r.kind, r.due_at) for r in stored}
    pending = [(r.due_at, r.kind) for r in stored if r.state is ReminderState.PENDING]
    pending += [
        (due_at, kind)
        for kind, due_at in dict.fromkeys((p.kind, p.due_at) for p in plan)
        if (kind, due_at) not in known
    ]
    return Replanned(added, cancelled, facts, tuple(pending))


def refresh_next_deadline(session: Session, order: ProtectionOrder, now: datetime) -> None:
    """Store the next deadline again when only time has moved (nothing else about the record changed)."""
    order.next_deadline_at = at_or_none(next_deadline(load_facts(session, order), now))


def at_or_none(deadline: NextDeadline | None) -> datetime | None:
    return deadline.at if deadline else None


def load_facts(session: Session, order: ProtectionOrder, hearings: Sequence[Hearing] | None = None) -> OrderFacts:
    """The record's facts, its team with them (read with its supervisors, in one statement), so
    that its thread plan does not read the team again. `hearings`: all the record's, if the
    caller holds them (services.unit_of_work.Work.hearings_of)."""
    assert order.id is not None
    team, supervisors = team_and_supervisors(session, order.team_id)
    return OrderFacts(
        order=order,
        hearings=session.exec(select(Hearing).where(Hearing.order_id == order.id)).all()
        if hearings is None
        else hearings,
        breaches=session.exec(select(Breach).where(Breach.order_id == order.id)).all(),
        checks=session.exec(select(BreachCheck).where(BreachCheck.order_id == order.id)).all(),
        notifications=session.exec(select(Notification).where(Notification.order_id == order.id)).all(),
        supervisor_ids=supervisors,
        team=team,
    )


TEAM_AND_SUPERVISORS = (  # built once: each new record asks it, and building costs as much as running
    select(Team, TeamSupervisor.user_id)
    .outerjoin(TeamSupervisor, col(TeamSupervisor.team_id) == Team.id)
    .where(Team.id == sa.bindparam("team_id"))
)


def team_and_supervisors(session: Session, team_id: int) -> tuple[Team | None, list[int]]:
    """The team's row and `supervisor_ids`, in one statement: the facts of a new record of the team
    carry both, so its thread plan (plan_thread) does not read the team again."""
    return team_of(session.exec(TEAM_AND_SUPERVISORS, params={"team_id": team_id}).all())


def team_of(rows: Sequence[tuple[Any, ...]]) -> tuple[Team | None, list[int]]:
    """The team and its supervisors' ids from TEAM_AND_SUPERVISORS's rows (team, supervisor id, ...)."""
    return (rows[0][0] if rows else None), sorted(row[1] for row in rows if row[1] is not None)


def supervisor_ids(session: Session, team_id: int) -> list[int]:
    """The team's supervisors, who are told of its records' statutory deadlines."""
    return sorted(session.exec(select(TeamSupervisor.user_id).where(TeamSupervisor.team_id == team_id)).all())
