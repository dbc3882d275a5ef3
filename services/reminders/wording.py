"""What a reminder says. Loaded in bulk for a batch of reminders and returned as plain data for
blocks/reminders.py. Privacy (DESIGN.md): a reminder carries the record's reference and the
perpetrator's initials, never a name, date of birth or address, whether it goes to a DM or a channel."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from sqlmodel import Session, SQLModel, col, select

from config import Settings
from models import AppUser, Breach, BreachCheck, Hearing, Perpetrator, ProtectionOrder, Reminder, ReminderState
from rules.order_types import rule_for
from services.records.planning import follow_up_source
from services.reminders.results import ReminderMessage
from services.views import initials
from services.when import show
from services.wording import Command, Mention, Part, Stressed, Text, Typed, parts

Row = TypeVar("Row", bound=SQLModel)


@dataclass
class _Facts:
    """Everything the batch's reminders mention, loaded with one query per table."""

    tz: ZoneInfo
    orders: dict[int, ProtectionOrder] = field(default_factory=dict)
    initials: dict[int, str] = field(default_factory=dict)  # order id -> perpetrator initials
    users: dict[int, AppUser] = field(default_factory=dict)
    hearings: dict[int, list[Hearing]] = field(default_factory=dict)  # order id -> hearings by time
    checks: dict[int, BreachCheck] = field(default_factory=dict)
    breaches: dict[int, Breach] = field(default_factory=dict)
    sources: dict[int, Reminder] = field(default_factory=dict)  # follow-up's source reminders

    def when(self, instant: datetime | None) -> str:
        return show(instant, self.tz) if instant else "not set"

    def person(self, user_id: int | None) -> Part:
        user = self.users.get(user_id or 0)
        return Mention(user.slack_user_id) if user else "someone"


def late_note(intended: datetime, now: datetime, settings: Settings) -> str | None:
    """'(late: due 03:00)' when sent more than DVPN_LATE_AFTER_MINUTES after its time."""
    if now - intended <= timedelta(minutes=settings.reminders.late_after_minutes):
        return None
    tz = settings.timezone
    local, today = intended.astimezone(tz), now.astimezone(tz).date()
    return f"(late: due {local:%H:%M})" if local.date() == today else f"(late: due {local:%a %d %b %H:%M})"


def messages_for(
    session: Session, reminders: Sequence[Reminder], settings: Settings, now: datetime
) -> dict[int, ReminderMessage]:
    """A message for each reminder whose recipient is known; the caller decides what to do with
    the others (see `undeliverable`)."""
    facts = _load(session, reminders, settings.timezone)
    found: dict[int, ReminderMessage] = {}
    for reminder in reminders:
        order = facts.orders[reminder.order_id]
        recipient = facts.users.get(reminder.recipient_id or 0)
        headline, detail = describe(reminder, facts)
        assert reminder.id is not None
        officer = facts.users.get(order.officer_id)
        found[reminder.id] = ReminderMessage(
            reminder_id=reminder.id,
            kind=reminder.kind,
            reference=order.reference,
            order_type=order.order_type.value,
            initials=facts.initials.get(order.id or 0, "?"),
            headline=headline,
            detail=detail,
            critical=reminder.critical,
            due_at=reminder.due_at,
            officer_slack_id=officer.slack_user_id if officer else "",
            recipient_slack_id=recipient.slack_user_id if recipient else None,
            channel=reminder.recipient_channel,
            late_note=late_note(reminder.snoozed_until or reminder.due_at, now, settings),
        )
    return found


def undeliverable(session: Session, reminder: Reminder) -> str | None:
    """Why a claimed reminder must not be posted (None: post it)."""
    source_id = follow_up_source(reminder.kind)
    if source_id is not None:
        source = session.get(Reminder, int(source_id))
        if source is None or source.acknowledged_at is not None or source.state is ReminderState.CANCELLED:
            return "its reminder was acknowledged or withdrawn first"
    if reminder.recipient_channel:
        return None
    user = session.get(AppUser, reminder.recipient_id) if reminder.recipient_id else None
    if user is None:
        return "no recipient"
    if not user.active:
        return "the recipient's dvpn-bot access was withdrawn"
    return None


def _load(session: Session, reminders: Sequence[Reminder], tz: ZoneInfo) -> _Facts:
    facts = _Facts(tz)
    source_ids = {int(s) for r in reminders if (s := follow_up_source(r.kind))}
    facts.sources = {r.id: r for r in _by_ids(session, Reminder, source_ids) if r.id is not None}
    every = [*reminders, *facts.sources.values()]
    order_ids = {r.order_id for r in every}
    facts.orders = {o.id: o for o in _by_ids(session, ProtectionOrder, order_ids) if o.id is not None}
    perpetrators = {p.id: p for p in _by_ids(session, Perpetrator, {o.perpetrator_id for o in facts.orders.values()})}
    facts.initials = {oid: initials(perpetrators[o.perpetrator_id].full_name) for oid, o in facts.orders.items()}
    user_ids = {r.recipient_id for r in every if r.recipient_id} | {o.officer_id for o in facts.orders.values()}
    user_ids |= {int(part) for r in every for part in r.kind.split(":")[2:] if part.isdigit()}
    facts.users = {u.id: u for u in _by_ids(session, AppUser, user_ids) if u.id is not None}
    for hearing in session.exec(
        select(Hearing).where(col(Hearing.order_id).in_(order_ids)).order_by(col(Hearing.scheduled_at))
    ).all():
        facts.hearings.setdefault(hearing.order_id, []).append(hearing)
    checks = _by_ids(session, BreachCheck, _ids_in(every, "breach_check"))
    facts.checks = {c.id: c for c in checks if c.id is not None}
    breaches = _by_ids(session, Breach, _ids_in(every, "breach_court", "crime_reference"))
    facts.breaches = {b.id: b for b in breaches if b.id is not None}
    return facts


def _by_ids(session: Session, table: type[Row], ids: set[int]) -> list[Row]:
    if not ids:
        return []
    key: Any = table.id  # type: ignore[attr-defined]  # every table here has an integer id
    return list(session.exec(select(table).where(col(key).in_(sorted(ids)))).all())


def _ids_in(reminders: Sequence[Reminder], *prefixes: str) -> set[int]:
    """The check or breach id a kind names: breach_check_due:17, crime_reference_missing:4:20."""
    return {int(r.kind.split(":")[1]) for r in reminders if r.kind.startswith(prefixes) and ":" in r.kind}


# -- what each kind says ------------------------------------------------------------------------


def describe(reminder: Reminder, facts: _Facts) -> tuple[str, Text]:
    """(headline, detail) for a reminder, from the kind's name and the record's current facts."""
    for pattern, words in _KINDS:
        match = pattern.fullmatch(reminder.kind)
        if match:
            return words(reminder, facts, match)
    return reminder.kind.split(":")[0].replace("_", " ").capitalize(), ""


Words = Callable[[Reminder, _Facts, re.Match[str]], tuple[str, Text]]


def _hearing_deadline(facts: _Facts, order: ProtectionOrder) -> str:
    clock = rule_for(order.order_type).hearing_clock
    citation = f" ({clock.citation})" if clock else ""
    return f"The {rule_for(order.order_type).follow_on or 'order'} application must be heard by " + (
        f"{facts.when(order.hearing_deadline_at)}{citation}."
    )


def _booked(facts: _Facts, order: ProtectionOrder) -> Hearing | None:
    return next((h for h in facts.hearings.get(order.id or 0, []) if h.outcome is None), None)


def _no_hearing(r: Reminder, f: _Facts, m: re.Match[str]) -> tuple[str, Text]:
    order = f.orders[r.order_id]
    return "No hearing booked", (
        f"{order.order_type} served {f.when(order.served_at)} and no hearing is booked. "
        f"{_hearing_deadline(f, order)} Book it: ",
        Command("hearing", f"{order.reference} <when>"),
        ".",
    )


def _countdown(r: Reminder, f: _Facts, m: re.Match[str]) -> tuple[str, Text]:
    order = f.orders[r.order_id]
    booked = _booked(f, order)
    state: Part = (
        f"Hearing booked for {f.when(booked.scheduled_at)}." if booked else Stressed("No hearing is booked yet.")
    )
    return f"Hearing deadline in {m[1]} hours", (f"{_hearing_deadline(f, order)} ", state)


def _unbooked_supervisor(r: Reminder, f: _Facts, m: re.Match[str]) -> tuple[str, Text]:
    order = f.orders[r.order_id]
    hours = round((order.hearing_deadline_at - r.due_at).total_seconds() / 3600) if order.hearing_deadline_at else 0
    return f"No hearing booked, {hours} hours to the deadline", (
        f"{_hearing_deadline(f, order)} Officer in charge: ",
        f.person(order.officer_id),
        ". Unless it is heard in time the notice lapses.",
    )


def _lapsed(r: Reminder, f: _Facts, m: re.Match[str]) -> tuple[str, Text]:
    order = f.orders[r.order_id]
    deadline = order.hearing_deadline_at
    listed = [h for h in f.hearings.get(order.id or 0, []) if deadline and h.scheduled_at <= deadline]
    if listed and all(h.outcome is None for h in listed):
        # Listed in time but no outcome recorded: it may have been heard (CSA 2010 s27; DAA 2021 s29).
        return "Hearing deadline passed: record the outcome", (
            f"The hearing was listed for {f.when(listed[0].scheduled_at)} but no outcome is recorded. "
            f"Record it now: if the application was not heard by {f.when(deadline)}, the notice has "
            "lapsed and must be removed from the PNC."
        )
    clock = rule_for(order.order_type).hearing_clock
    return "Notice lapsed: remove it from the PNC", (
        f"No hearing by {f.when(deadline)} ({clock.citation if clock else 'the 48-hour deadline'}): "
        f"the {order.order_type} has lapsed. Remove it from the PNC and tell the people it protected. "
        "Officer in charge: ",
        f.person(order.officer_id),
        ".",
    )


def _hearing_soon(r: Reminder, f: _Facts, m: re.Match[str]) -> tuple[str, Text]:
    order = f.orders[r.order_id]
    booked = _booked(f, order)
    court: tuple[Part, ...] = (" at ", Typed(booked.court)) if booked and booked.court else ()
    when = f.when(booked.scheduled_at) if booked else "the booked time"
    headline = "Hearing tomorrow" if m[0] == "hearing_tomorrow" else f"Hearing in {m[1]} hours"
    return headline, (f"{order.order_type} hearing {when}", *court, ".")


def _expiry(r: Reminder, f: _Facts, m: re.Match[str]) -> tuple[str, Text]:
    order = f.orders[r.order_id]
    end = order.expires_at - timedelta(microseconds=1) if order.expires_at else None
    headline = "Expires today" if m[0] == "expires_today" else f"Expires in {m[1]} days"
    return headline, (
        f"The {order.order_type} ends at the end of {f.when(end)[:15]} ({rule_for(order.order_type).statute}). "
        "Consider whether protection is still needed."
    )


def _check_due(r: Reminder, f: _Facts, m: re.Match[str]) -> tuple[str, Text]:
    check = f.checks.get(int(m[1] or m[2]))
    due = f.when(check.due_at if check else None)
    overdue = m[0].startswith("breach_check_overdue")
    detail = f"A breach check was due {due}" + (" and is not recorded as done." if overdue else ".")
    assignee: tuple[Part, ...] = (" Assigned to ", f.person(check.assigned_to_id), ".") if overdue and check else ()
    order = f.orders[r.order_id]
    return ("Breach check overdue" if overdue else "Breach check due"), (
        detail,
        *assignee,
        " Record it: ",
        Command("check", f"{order.reference} done <when>"),
        ".",
    )


def _notification(r: Reminder, f: _Facts, m: re.Match[str]) -> tuple[str, Text]:
    order = f.orders[r.order_id]
    window = rule_for(order.order_type).notification
    citation = window.citation if window else "the order"
    failure = (
        f"{window.failure}: consider action."
        if window and window.failure
        else "Failing to notify may be an offence: consider action."
    )
    return "No notification received", (
        f"The perpetrator's {window.days if window else 3}-day window to notify police of their names and "
        f"home address ended {f.when(order.notification_due_at)} ({citation}) and none is recorded. "
        f"{failure}"
    )


def _breach_court(r: Reminder, f: _Facts, m: re.Match[str]) -> tuple[str, Text]:
    order, breach = f.orders[r.order_id], f.breaches.get(int(m[2]))
    clock = rule_for(order.order_type).breach_arrest_clock
    citation = f" ({clock.citation})" if clock else ""
    if breach is not None and breach.court_deadline_at_hearing and clock and clock.or_if_earlier_the_hearing:
        # DAA 2021 s26(2)(b); CSA 2010 s26: the hearing is earlier than the 24 hours, so it applies.
        citation = f": {clock.or_if_earlier_the_hearing}, earlier than {clock.hours} hours from the arrest"
    return f"Breach arrest: court deadline in {m[1]} hours", (
        f"The person arrested for the breach must be brought before the court by "
        f"{f.when(breach.court_deadline_at if breach else None)}{citation}."
    )


def _crime_reference(r: Reminder, f: _Facts, m: re.Match[str]) -> tuple[str, Text]:
    order, breach = f.orders[r.order_id], f.breaches.get(int(m[1]))
    return "Breach has no crime reference", (
        f"The breach recorded {f.when(breach.recorded_at if breach else None)} still has no crime reference. "
        "Every breach should be crime-recorded: ",
        Command("breach", f"{order.reference} crime <reference>"),
        ".",
    )


def _follow_up(r: Reminder, f: _Facts, m: re.Match[str]) -> tuple[str, Text]:
    source = f.sources.get(int(m[2]))
    if source is None:
        return "Reminder", ""
    headline, detail = describe(source, f)
    if m[1] == "renotify":
        return f"Still not acknowledged: {headline}", detail
    why = "could not be delivered to" if source.state is ReminderState.FAILED else "was not acknowledged by"
    return f"Escalated: {headline}", (f"This reminder {why} ", f.person(source.recipient_id), ". ", *parts(detail))


_KINDS: list[tuple[re.Pattern[str], Words]] = [
    (re.compile(r"no_hearing_booked"), _no_hearing),
    (re.compile(r"hearing_deadline_in_(\d+)h"), _countdown),
    (re.compile(r"hearing_unbooked_supervisor:\d+"), _unbooked_supervisor),
    (re.compile(r"notice_lapsed:\d+"), _lapsed),
    (re.compile(r"hearing_tomorrow|hearing_in_(\d+)h"), _hearing_soon),
    (re.compile(r"expires_today|expires_in_(\d+)d"), _expiry),
    (re.compile(r"breach_check_due:(\d+)|breach_check_overdue:(\d+):\d+"), _check_due),
    (re.compile(r"notification_missing:\d+"), _notification),
    (re.compile(r"breach_court_in_(\d+)h:(\d+)"), _breach_court),
    (re.compile(r"crime_reference_missing:(\d+):\d+"), _crime_reference),
    (re.compile(r"(renotify|escalation):(\d+)(?::\d+)?"), _follow_up),
]
