"""An incident as facts for the front ends (no SQL here, so blocks/ may import it). Channels get
references and initials only; names, schools and the "why not" reason are for the card in a DM."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class ClockView:
    label: str
    due_at: datetime
    working: str
    met_at: datetime | None = None  # None: still running


@dataclass(frozen=True)
class ChildView:
    number: int
    present: bool
    due_at: datetime
    told_at: datetime | None
    working: tuple[str, ...]  # how the deadline was reached (days passed over, and why)
    initials: str
    school: str | None  # shown only where names are (a DM card for someone entitled)


@dataclass(frozen=True)
class ActionView:
    number: int
    owner_slack_id: str
    due_at: datetime
    done_at: datetime | None
    description: str | None  # free text: a DM card only


@dataclass(frozen=True)
class ReferralView:
    referred_at: datetime
    meeting_at: datetime | None
    actions: tuple[ActionView, ...]


@dataclass(frozen=True)
class IncidentView:
    reference: str
    reported_at: datetime
    victim_initials: str
    suspect_initials: str
    officer_slack_id: str
    risk_level: str | None
    dash_working: str | None
    crime_disclosed: bool
    crime_reference: str | None
    notice_considered: bool | None
    considered_reason: str | None  # free text: a DM card only
    clocks: tuple[ClockView, ...]
    children: tuple[ChildView, ...]
    marac_reason: str | None  # why a referral is due, where one is
    referral: ReferralView | None
    next_deadline_at: datetime | None
    notices: tuple[str, ...] = ()  # references of notices and orders recorded from it
    writable: bool = False  # the reader may change it: the card offers "Record a notice"


@dataclass(frozen=True)
class MaracDue:
    """A high-risk (or escalated) incident with no referral recorded, for champions and supervisors."""

    reference: str
    victim_initials: str
    reason: str
    due_at: datetime
    officer_slack_id: str
