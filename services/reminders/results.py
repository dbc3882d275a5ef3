"""What reminders and digests return: the facts of a reminder (what it is about, the times, the
statute, who is in charge), what pressing its button did, and a team's digest. Plain data for
blocks/ and the scheduler, no database and no sentences: blocks/reminder_wording.py says them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from rules.notification import ChangeRule
from rules.order_types import HourClock, NotificationWindow
from services.wording import Command


@dataclass(frozen=True)
class Person:
    """Someone a reminder names, by chat user id; None when they are not known."""

    slack_id: str | None


@dataclass(frozen=True)
class Late:
    """Sent more than DVPN_LATE_AFTER_MINUTES after its time."""

    due: datetime  # when it was meant to go
    sent: datetime  # when it is going
    tz: ZoneInfo  # the clock both are shown on


@dataclass(frozen=True)
class HearingDeadline:
    """When the application a notice leads to must be heard, and by which clock."""

    application: str  # the follow-on order ("DVPO"), or "order"
    deadline: datetime | None
    clock: HourClock | None


@dataclass(frozen=True)
class NoHearingBooked:
    order_type: str
    served_at: datetime | None
    hearing: HearingDeadline


@dataclass(frozen=True)
class HearingCountdown:
    hours: int
    hearing: HearingDeadline
    booked_for: datetime | None  # the pending hearing, if one is booked


@dataclass(frozen=True)
class UnbookedToSupervisor:
    hours_left: int  # from the reminder's time to the deadline
    hearing: HearingDeadline
    officer: Person


@dataclass(frozen=True)
class NoticeLapsed:
    order_type: str
    deadline: datetime | None
    clock: HourClock | None
    officer: Person
    # Listed in time but no outcome recorded: it may have been heard (CSA 2010 s27; DAA 2021 s29).
    listed_without_outcome: datetime | None = None
    # The countdowns' earlier deadline, when the force counts a Saturday Boxing Day and `deadline`
    # (the literal lapse) is later (rules.deadlines.lapse_deadline).
    countdown_deadline: datetime | None = None


@dataclass(frozen=True)
class OutcomeMissing:
    """A listed hearing's time has passed and no outcome or adjournment is recorded."""

    order_type: str
    hearing_at: datetime | None


@dataclass(frozen=True)
class HearingSoon:
    hours: int | None  # None: tomorrow
    order_type: str
    booked_for: datetime | None
    court: str | None  # as typed


@dataclass(frozen=True)
class Expiring:
    days: int | None  # None: today
    order_type: str
    expires_at: datetime | None  # the first instant it no longer runs
    statute: str


@dataclass(frozen=True)
class BreachCheckDue:
    overdue: bool
    due_at: datetime | None
    assigned_to: Person | None  # named when overdue (None: the check is gone)


@dataclass(frozen=True)
class NotificationMissing:
    window: NotificationWindow | None
    due_at: datetime | None


@dataclass(frozen=True)
class NotificationChangeDue:
    """A change the subject must notify: the window's last day, or the window missed."""

    missed: bool
    change: ChangeRule | None  # what must be notified and the provision (rules.notification)
    due_at: datetime | None  # the end of the window
    window: NotificationWindow | None  # the type's duty, for what failing it is in law


@dataclass(frozen=True)
class MonitoringEnding:
    days: int | None  # None: today
    ends_at: datetime | None


@dataclass(frozen=True)
class BreachCourtDeadline:
    hours: int
    court_by: datetime | None
    clock: HourClock | None
    at_the_hearing: bool  # the application hearing is earlier than the hours, so it is the limit


@dataclass(frozen=True)
class CrimeReferenceMissing:
    recorded_at: datetime | None


@dataclass(frozen=True)
class FollowUp:
    """A critical reminder sent again to its recipient (renotify) or to a supervisor (escalation)."""

    renotify: bool
    about: Subject | None  # the source reminder's subject (None: it is gone)
    undelivered: bool  # the source could not be delivered (else: was not acknowledged)
    recipient: Person  # the source's recipient


class IncidentClock(StrEnum):
    """Which of an incident's clocks a reminder is about (blocks/incident_wording.py words each)."""

    ATTENDANCE = "attendance"
    DASH = "DASH"
    CRIME = "crime recorded"
    CONSIDERED = "DVPN/DAPN considered"
    MARAC_REFERRAL = "MARAC referral"
    SCHOOL = "school told"
    MARAC_ACTION = "MARAC action"


@dataclass(frozen=True)
class IncidentDue:
    """One of an incident's clocks: attendance, the DASH, the crime recorded, the protective-notice
    decision, the MARAC referral, a child's school told (Operation Encompass) or a MARAC action."""

    what: IncidentClock
    due_at: datetime | None
    overdue: bool  # it fell due unmet (else: it is coming)
    number: int | None = None  # the child or the action, where it is about one
    officer: Person | None = None  # on a supervisor's copy: the officer in charge


INCIDENT_TYPE = "incident"  # ReminderFacts.order_type for a reminder about an incident


class CaseworkClock(StrEnum):
    """Which casework clock a reminder is about: a Clare's Law request's completion target, or a
    perpetrator management plan's action or review (blocks/casework_wording.py words each)."""

    CLARE_TARGET = "Clare's Law completion target"
    PLAN_ACTION = "plan action"
    PLAN_REVIEW = "plan review"


@dataclass(frozen=True)
class CaseworkDue:
    """A Clare's Law request near or past its target, or a plan's action or review coming or overdue."""

    what: CaseworkClock
    due_at: datetime | None  # the target, the action's due date or the review date
    overdue: bool  # it passed unmet (else: it is coming)
    number: int | None = None  # the plan action, where it is about one
    officer: Person | None = None  # on a supervisor's copy: the officer in charge or the owner


CLARE_TYPE = "Clare's Law"  # ReminderFacts.order_type for a reminder about a request
PLAN_TYPE = "management plan"  # ... and about a plan (its reference is the record it was adopted from)


@dataclass(frozen=True)
class OtherKind:
    """A kind with no words of its own: its name is shown."""

    name: str  # the kind's first part: "breach_check_due"


Subject = (
    NoHearingBooked
    | HearingCountdown
    | UnbookedToSupervisor
    | NoticeLapsed
    | OutcomeMissing
    | HearingSoon
    | Expiring
    | BreachCheckDue
    | NotificationMissing
    | NotificationChangeDue
    | MonitoringEnding
    | BreachCourtDeadline
    | CrimeReferenceMissing
    | FollowUp
    | IncidentDue
    | CaseworkDue
    | OtherKind
)


class Offer(StrEnum):
    """The work a reminder asks for, done from its own button."""

    CHECK = "check"  # record the breach check
    CRIME_REFERENCE = "crime_reference"  # add the breach's crime reference
    OUTCOME = "outcome"  # record the outcome of a hearing that has taken place
    HEARING = "hearing"  # book the hearing


class Level(StrEnum):
    """A level of the escalation chain (services/reminders/chain.py)."""

    SUPERVISORS = "supervisors"
    NEXT_LEVEL = "next_level"


@dataclass(frozen=True)
class ReminderFacts:
    """One reminder as facts: the record it is about (reference and initials only), what it is
    about, and where it goes."""

    reminder_id: int
    kind: str
    reference: str
    order_type: str
    initials: str
    subject: Subject
    critical: bool
    due_at: datetime
    officer_slack_id: str
    tz: ZoneInfo  # the clock its times are shown on
    recipient_slack_id: str | None = None  # a DM to this user, or
    channel: str | None = None  # a post to this channel
    late: Late | None = None  # when sent well after its time
    deadline: datetime | None = None  # what it is about falls due then: no snooze may end later
    snoozes: tuple[str, ...] = ()  # the snooze choices that end before the deadline
    offer: Offer | None = None  # the work its main button does
    escalates_to: Level | None = None  # critical and unacknowledged, it goes there (None: nowhere)


@dataclass(frozen=True)
class ReminderActionResult:
    reminder: ReminderFacts
    # acknowledged, dismissed, snoozed, check_recorded, crime_reference_added, hearing_booked,
    # outcome_recorded, or "already" when nothing changed
    action: str
    by: Person  # who pressed it (for "already": who acknowledged it first)
    at: datetime | None  # when (snoozed: until when); None if not recorded
    channel: str | None  # where the reminder was posted, for chat.update
    ts: str | None
    snoozed_until: datetime | None = None
    hearing_at: datetime | None = None  # moot as a hearing was booked: when it is listed


@dataclass(frozen=True)
class AwaitingHearing:
    served_at: datetime | None
    deadline: datetime | None


@dataclass(frozen=True)
class OutcomeDue:
    hearing_at: datetime  # the hearing's time passed with no outcome recorded


@dataclass(frozen=True)
class LapsedAt:
    deadline: datetime | None


@dataclass(frozen=True)
class EndsAt:
    expires_at: datetime  # the first instant it no longer runs


@dataclass(frozen=True)
class HearingAt:
    at: datetime
    court: str | None  # as typed


@dataclass(frozen=True)
class CheckAt:
    due_at: datetime
    overdue: bool


@dataclass(frozen=True)
class RecentBreach:
    occurred_at: datetime
    crime_reference: str | None  # as typed
    court_by: datetime | None
    at_the_hearing: bool  # the court deadline is the application hearing, earlier than the hours


@dataclass(frozen=True)
class NoCrimeReference:
    recorded_at: datetime


@dataclass(frozen=True)
class Undelivered:
    what: Subject  # what the reminder that could not be delivered was about
    due_at: datetime


@dataclass(frozen=True)
class IncidentLate:
    """An incident's clock past due unmet: attendance, the crime recorded (24 h) or the MARAC referral."""

    what: IncidentClock
    due_at: datetime


@dataclass(frozen=True)
class SchoolUntold:
    child: int  # the child's number on the incident (never a name or a school)
    due_at: datetime  # before the start of the school day (Operation Encompass)


@dataclass(frozen=True)
class ClareTarget:
    target_at: datetime
    past: bool  # past the target (else: within the near-target period)


@dataclass(frozen=True)
class PlanActionLate:
    number: int
    due_at: datetime


DigestFact = (
    AwaitingHearing
    | OutcomeDue
    | LapsedAt
    | EndsAt
    | HearingAt
    | CheckAt
    | RecentBreach
    | NoCrimeReference
    | Undelivered
    | IncidentLate
    | SchoolUntold
    | ClareTarget
    | PlanActionLate
)


class ItemAction(StrEnum):
    """The button on a digest line: the work the line asks for."""

    OPEN = "open"  # see the record
    NUDGE = "nudge"  # the officer in charge must act: DM them the item
    OUTCOME = "outcome"  # record the hearing's outcome
    OPEN_INCIDENT = "open_incident"  # see the incident
    OPEN_CLARE = "open_clare"  # see the Clare's Law request


class SectionKind(StrEnum):
    """Where a section's items go in the digest: the work for today (one list, most urgent first),
    what is coming, what happened, or a count alone."""

    ACTION = "action"
    COMING = "coming"
    HAPPENED = "happened"
    COUNT = "count"


# The lines of today's work a digest lists (blocks/digest.py); the rest are counted. So a section
# drawn for the digest need read no more than this many items whole (DigestSection.unlisted).
ACTION_LISTED = 15
# The lines of each part of the App Home (blocks/home.py): Slack's Home view holds at most 100
# blocks, and three parts of 25 lines with their headings fit. So the Home reads whole no more than
# this many items of each section, the first due, and counts the rest (DigestSection.unlisted).
HOME_LISTED = 25


@dataclass(frozen=True)
class DigestItem:
    reference: str
    initials: str
    order_type: str
    about: DigestFact  # what is due or what happened, and when
    officer_slack_id: str
    due: datetime | None = None  # when it falls or fell due: the urgency order
    open_since: datetime | None = None  # when it became open: before today, it is carried over
    action: ItemAction = ItemAction.OPEN
    also: tuple[DigestFact, ...] = ()  # the same record's other open items, shown on its one line


@dataclass(frozen=True)
class DigestSection:
    key: str  # unbooked, lapsed, outcomes, checks, crime, failed, hearings, expiring, breaches, new
    items: tuple[DigestItem, ...]
    show_all: Command  # where the full list is
    kind: SectionKind = SectionKind.ACTION
    urgency: int = 0  # among the work for today: a lower number first (statutory clocks lead)
    count: int | None = None  # a count-only section's count (its items are not listed)
    # Items past the first ACTION_LISTED (due first) of a section drawn for the digest: counted, not
    # read, since the digest lists no more than that many of today's work.
    unlisted: int = 0


@dataclass(frozen=True)
class TeamDigest:
    team_id: int
    team_name: str
    local_date: date
    generated_at: datetime
    sections: tuple[DigestSection, ...]
    tz: ZoneInfo  # the clock its times are shown on
    late: Late | None = None  # sent after the bot was down

    def of_kind(self, kind: SectionKind) -> tuple[DigestSection, ...]:
        return tuple(s for s in self.sections if s.kind is kind)

    def today(self) -> tuple[tuple[DigestSection, DigestItem], ...]:
        """The work for today across its sections, most urgent first: each section's urgency, then
        the item's due time."""
        found = [(s, i) for s in self.of_kind(SectionKind.ACTION) for i in s.items]
        far = self.generated_at.replace(year=9999)
        return tuple(sorted(found, key=lambda pair: (pair[0].urgency, pair[1].due or far)))

    def today_count(self) -> int:
        """How many items today's work holds: those listed and those only counted."""
        return len(self.today()) + sum(s.unlisted for s in self.of_kind(SectionKind.ACTION))

    @property
    def total(self) -> int:
        return sum(len(s.items) + s.unlisted if s.count is None else s.count for s in self.sections)


@dataclass(frozen=True)
class NudgeResult:
    """A supervisor's nudge from the digest: the record's open items, and who nudged its officer
    about them and when (`first`: this press; otherwise an earlier one, and nothing was sent)."""

    reference: str
    initials: str
    order_type: str
    officer: Person
    items: tuple[DigestFact, ...]
    first: bool
    by: Person
    at: datetime
    tz: ZoneInfo


@dataclass(frozen=True)
class HomeBoard:
    """What a user's App Home shows (services.reminders.home): live items only."""

    slack_user_id: str
    role: str
    team_assigned: bool
    mine: tuple[DigestItem, ...]  # open work and what is coming, on the user's own records
    team: tuple[DigestItem, ...]  # supervisors: open work on their teams' other records
    waiting: tuple[ReminderFacts, ...]  # reminders sent to the user, still live: the first HOME_LISTED
    generated_at: datetime
    # Items past the first HOME_LISTED of a section: counted, not read (blocks/home.py says how many
    # there are in all and which command lists them).
    mine_unlisted: int = 0
    team_unlisted: int = 0
    waiting_unlisted: int = 0  # live reminders past the first HOME_LISTED, counted only

    @property
    def mine_count(self) -> int:
        return len(self.mine) + self.mine_unlisted

    @property
    def team_count(self) -> int:
        return len(self.team) + self.team_unlisted

    @property
    def waiting_count(self) -> int:
        return len(self.waiting) + self.waiting_unlisted
