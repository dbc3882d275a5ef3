"""What a reminder says, from its facts (services/reminders/results.py): the headline, the detail
with its times, statute and what to do, the late note, and the line saying who pressed which
button. Commands, people, typed text and stressed words are parts (services/wording.py), put into
Slack's dialect by blocks.wording.say."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from blocks.casework_wording import casework_words
from blocks.common import when
from blocks.incident_wording import incident_words
from blocks.wording import say
from rules.monitoring import MONITORING_CITATION
from services.reminders.results import (
    BreachCheckDue,
    BreachCourtDeadline,
    CaseworkDue,
    CrimeReferenceMissing,
    Expiring,
    FollowUp,
    HearingCountdown,
    HearingDeadline,
    HearingSoon,
    IncidentDue,
    Late,
    MonitoringEnding,
    NoHearingBooked,
    NoticeLapsed,
    NotificationChangeDue,
    NotificationMissing,
    OtherKind,
    OutcomeMissing,
    Person,
    ReminderActionResult,
    ReminderFacts,
    Subject,
    UnbookedToSupervisor,
)
from services.wording import Command, Mention, Part, Stressed, Text, Typed, parts


def late_note(late: Late | None) -> str | None:
    """'(late: due 03:00)', with the day when it was due on another day."""
    if late is None:
        return None
    local, today = late.due.astimezone(late.tz), late.sent.astimezone(late.tz).date()
    return f"(late: due {local:%H:%M})" if local.date() == today else f"(late: due {local:%a %d %b %H:%M})"


def reminder_text(facts: ReminderFacts) -> str:
    """The notification text (and the fallback for clients that cannot show blocks)."""
    note = late_note(facts.late)
    late = f" {note}" if note else ""
    return f"{facts.reference} ({facts.initials}): {headline(facts)}{late}"


def headline(facts: ReminderFacts) -> str:
    return words(facts.subject, facts.reference, facts.tz)[0]


def detail(facts: ReminderFacts) -> Text:
    return words(facts.subject, facts.reference, facts.tz)[1]


SETTLED_AS = {
    "acknowledged": "Acknowledged",
    "dismissed": "Dismissed",
    "check_recorded": "Check recorded",
    "crime_reference_added": "Crime reference added",
    "hearing_booked": "Hearing booked",
    "outcome_recorded": "Outcome recorded",
}


# A posted reminder gone moot, as its updated message says (services.records.planning.moot_reason).
MOOT_AS = {
    "moot_hearing_booked": "Hearing booked — no action needed",
    "moot_outcome_recorded": "Hearing outcome recorded — no action needed",
    "moot_check_recorded": "Breach check recorded — no action needed",
    "moot_crime_reference_added": "Crime reference added — no action needed",
    "moot_notification_received": "Notification recorded — no action needed",
    "moot_before_court": "Court appearance recorded — no action needed",
    "moot_closed": "Withdrawn: the record was closed",
    "moot_ended": "The record has ended — no action needed",
    "moot_changed": "Withdrawn: the record changed and this no longer applies",
    "moot_done": "Recorded — no action needed",
    "moot_school_days": "Withdrawn: the school holidays changed and the deadline moved",
    "moot_escalation": "Withdrawn: the victim's incidents in the last 12 months changed and no referral is due",
    "moot_calendar": "Withdrawn: the bank holidays changed and the deadline moved",
    "moot_handed_on": "Withdrawn: handed on to another officer",
    "moot_dvds_completed": "Disclosure made — no action needed",
    "moot_plan_action_done": "Plan action done — no action needed",
}


# The same, when the change that made it moot was someone's: what they did, then by whom and when.
MOOT_DONE_AS = {
    "moot_hearing_booked": "Hearing booked",
    "moot_outcome_recorded": "Hearing outcome recorded",
    "moot_check_recorded": "Breach check recorded",
    "moot_crime_reference_added": "Crime reference added",
    "moot_notification_received": "Notification recorded",
    "moot_before_court": "Court appearance recorded",
    "moot_closed": "Withdrawn: the record was closed",
    "moot_ended": "The record ended",
    "moot_changed": "Withdrawn: the record was corrected",
    "moot_done": "Recorded",
    "moot_school_days": "Withdrawn: the deadline moved as school holidays were changed",
    "moot_escalation": "Withdrawn: no referral is due since the victim's incidents changed",
    "moot_calendar": "Withdrawn: the deadline moved as bank holidays were changed",
    "moot_handed_on": "Withdrawn: handed on to another officer",
    "moot_dvds_completed": "Disclosure made",
    "moot_plan_action_done": "Plan action done",
}
# Not the work it asked for done, so no tick.
MOOT_WITHDRAWN = frozenset(
    {
        "moot_closed",
        "moot_ended",
        "moot_changed",
        "moot_school_days",
        "moot_calendar",
        "moot_escalation",
        "moot_handed_on",
    }
)


def is_moot(result: ReminderActionResult) -> bool:
    return result.action in MOOT_AS


def status_line(result: ReminderActionResult) -> Text:
    """Who pressed which button, and when: 'Acknowledged by @jo at Thu 02 Apr 2026 22:10 BST'; or
    what made the reminder moot, by whom and when: 'Hearing booked for Fri 03 Apr 2026 10:00 BST
    by @jo at Thu 02 Apr 2026 22:10 BST ✓' (just why, when the system made it moot)."""
    if is_moot(result):
        return _moot_line(result)
    tz = result.reminder.tz
    who = _person(result.by)
    at = _when(result.at, tz) if result.at else ""
    if result.action == "already":
        return ("Already acknowledged by ", who, f" {at}")
    if result.action == "snoozed":
        return ("Snoozed by ", who, f" until {at}")
    return (f"{SETTLED_AS[result.action]} by ", who, f" at {at}")


def _moot_line(result: ReminderActionResult) -> Text:
    if result.by.slack_id is None or result.at is None:
        return MOOT_AS[result.action]
    tz = result.reminder.tz
    listed = f" for {_when(result.hearing_at, tz)}" if result.hearing_at else ""
    done = "" if result.action in MOOT_WITHDRAWN else " ✓"
    said = f"{MOOT_DONE_AS[result.action]}{listed} by "
    return (said, Mention(result.by.slack_id), f" at {_when(result.at, tz)}{done}")


def settled_text(result: ReminderActionResult) -> str:
    """The notification text of a reminder after a button was pressed, or once it is moot."""
    return f"{reminder_text(result.reminder)} ({say(status_line(result))})"


def words(subject: Subject, reference: str, tz: ZoneInfo) -> tuple[str, Text]:
    """(headline, detail) for what a reminder is about."""
    say_when = _Clock(tz)
    match subject:
        case NoHearingBooked():
            return "No hearing booked", (
                f"{subject.order_type} served {say_when(subject.served_at)} and no hearing is booked. "
                f"{say_when.heard_by(subject.hearing)} Book it: ",
                Command("hearing", f"{reference} <when>"),
                ".",
            )
        case HearingCountdown():
            state: Part = (
                f"Hearing booked for {say_when(subject.booked_for)}."
                if subject.booked_for
                else Stressed("No hearing is booked yet.")
            )
            return f"Hearing deadline in {subject.hours} hours", (f"{say_when.heard_by(subject.hearing)} ", state)
        case UnbookedToSupervisor():
            return f"No hearing booked, {subject.hours_left} hours to the deadline", (
                f"{say_when.heard_by(subject.hearing)} Officer in charge: ",
                _person(subject.officer),
                ". Unless it is heard in time the notice lapses.",
            )
        case NoticeLapsed():
            return _lapsed(subject, say_when)
        case OutcomeMissing():
            return "Hearing held: record the outcome", (
                f"The {subject.order_type} hearing listed for {say_when(subject.hearing_at)} has no outcome "
                "recorded. Record it: ",
                Command("granted", f"{reference} <days>"),
                ", ",
                Command("refused", reference),
                " or ",
                Command("adjourned", f"{reference} <when>"),
                ".",
            )
        case HearingSoon():
            court: tuple[Part, ...] = (" at ", Typed(subject.court)) if subject.court else ()
            at = say_when(subject.booked_for) if subject.booked_for else "the booked time"
            title = "Hearing tomorrow" if subject.hours is None else f"Hearing in {subject.hours} hours"
            return title, (f"{subject.order_type} hearing {at}", *court, ".")
        case Expiring():
            end = subject.expires_at - timedelta(microseconds=1) if subject.expires_at else None
            title = "Expires today" if subject.days is None else f"Expires in {subject.days} days"
            return title, (
                f"The {subject.order_type} ends at the end of {say_when(end)[:15]} ({subject.statute}). "
                "Consider whether protection is still needed."
            )
        case BreachCheckDue():
            return _check(subject, reference, say_when)
        case NotificationMissing():
            return _notification(subject, say_when)
        case NotificationChangeDue():
            return _notification_change(subject, reference, say_when)
        case MonitoringEnding():
            end = subject.ends_at - timedelta(microseconds=1) if subject.ends_at else None
            title = (
                "Electronic monitoring ends today"
                if subject.days is None
                else (f"Electronic monitoring ends in {subject.days} days")
            )
            return title, (
                f"The electronic monitoring requirement ends at the end of {say_when(end)[:15]} "
                f"({MONITORING_CITATION}: at most 12 months unless the court varies the order). "
                "Consider whether to ask the court to vary it."
            )
        case BreachCourtDeadline():
            return _breach_court(subject, say_when)
        case CrimeReferenceMissing():
            return "Breach has no crime reference", (
                f"The breach recorded {say_when(subject.recorded_at)} still has no crime reference. "
                "Every breach should be crime-recorded: ",
                Command("crime", f"{reference} <crime reference>"),
                ".",
            )
        case FollowUp():
            return _follow_up(subject, reference, tz)
        case IncidentDue():
            return incident_words(subject, reference, say_when)
        case CaseworkDue():
            return casework_words(subject, reference, say_when)
        case OtherKind():
            return subject.name.replace("_", " ").capitalize(), ""


class _Clock:
    """Instants as they read on screen, 'not set' when unknown."""

    def __init__(self, tz: ZoneInfo) -> None:
        self.tz = tz

    def __call__(self, instant: datetime | None) -> str:
        return _when(instant, self.tz)

    def heard_by(self, hearing: HearingDeadline) -> str:
        citation = f" ({hearing.clock.citation})" if hearing.clock else ""
        return f"The {hearing.application} application must be heard by {self(hearing.deadline)}{citation}."


def _when(instant: datetime | None, tz: ZoneInfo) -> str:
    return when(instant, tz) if instant else "not set"


def _person(person: Person) -> Part:
    return Mention(person.slack_id) if person.slack_id else "someone"


def _lapsed(subject: NoticeLapsed, say_when: _Clock) -> tuple[str, Text]:
    if subject.listed_without_outcome is not None:
        return "Hearing deadline passed: record the outcome", (
            f"The hearing was listed for {say_when(subject.listed_without_outcome)} but no outcome is recorded. "
            f"Record it now: if the application was not heard by {say_when(subject.deadline)}, the notice has "
            "lapsed and must be removed from the PNC."
        )
    citation = subject.clock.citation if subject.clock else "the 48-hour deadline"
    literal = (
        f" The countdowns used {say_when(subject.countdown_deadline)}, counting Saturday 26 December by force "
        "policy; the notice lapses at the later time, reading that day as a bank holiday (BFDA 1971 Sch 1)."
        if subject.countdown_deadline
        else ""
    )
    return "Notice lapsed: remove it from the PNC", (
        f"No hearing by {say_when(subject.deadline)} ({citation}): "
        f"the {subject.order_type} has lapsed.{literal} Remove it from the PNC and tell the people it protected. "
        "Officer in charge: ",
        _person(subject.officer),
        ".",
    )


def _check(subject: BreachCheckDue, reference: str, say_when: _Clock) -> tuple[str, Text]:
    overdue = subject.overdue
    text = f"A breach check was due {say_when(subject.due_at)}" + (" and is not recorded as done." if overdue else ".")
    assignee: tuple[Part, ...] = (" Assigned to ", _person(subject.assigned_to), ".") if subject.assigned_to else ()
    return ("Breach check overdue" if overdue else "Breach check due"), (
        text,
        *assignee,
        " Record it: ",
        Command("check", f"{reference} done <when>"),
        ".",
    )


def _notification(subject: NotificationMissing, say_when: _Clock) -> tuple[str, Text]:
    window = subject.window
    citation = window.citation if window else "the order"
    failure = (
        f"{window.failure}: consider action."
        if window and window.failure
        else "Failing to notify may be an offence: consider action."
    )
    return "No notification received", (
        f"The perpetrator's {window.days if window else 3}-day window to notify police of their names and "
        f"home address ended {say_when(subject.due_at)} ({citation}) and none is recorded. "
        f"{failure}"
    )


def _notification_change(subject: NotificationChangeDue, reference: str, say_when: _Clock) -> tuple[str, Text]:
    change = subject.change
    what, citation = (change.words, change.citation) if change else ("the change", "the order")
    ends = f"{say_when(subject.due_at)} ({citation})"
    if not subject.missed:
        return "Notification of a change due today", (
            f"The perpetrator must notify police of {what} by {ends}. When they do: ",
            Command("notified", f"{reference} <when>"),
            ".",
        )
    window = subject.window
    failure = (
        f"{window.failure}: consider action."
        if window and window.failure
        else "Failing to notify may be an offence: consider action."
    )
    return "Change not notified", (
        f"The window to notify police of {what} ended {ends} and no notification is recorded. {failure}"
    )


def _breach_court(subject: BreachCourtDeadline, say_when: _Clock) -> tuple[str, Text]:
    clock = subject.clock
    citation = f" ({clock.citation})" if clock else ""
    if subject.at_the_hearing and clock and clock.or_if_earlier_the_hearing:
        # DAA 2021 s26(2)(b); CSA 2010 s26: the hearing is earlier than the 24 hours, so it applies.
        citation = f": {clock.or_if_earlier_the_hearing}, earlier than {clock.hours} hours from the arrest"
    return f"Breach arrest: court deadline in {subject.hours} hours", (
        f"The person arrested for the breach must be brought before the court by "
        f"{say_when(subject.court_by)}{citation}."
    )


def _follow_up(subject: FollowUp, reference: str, tz: ZoneInfo) -> tuple[str, Text]:
    if subject.about is None:
        return "Reminder", ""
    title, text = words(subject.about, reference, tz)
    if subject.renotify:
        return f"Still not acknowledged: {title}", text
    why = "could not be delivered to" if subject.undelivered else "was not acknowledged by"
    return f"Escalated: {title}", (f"This reminder {why} ", _person(subject.recipient), ". ", *parts(text))
