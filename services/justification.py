"""When opening a record needs a reason first (Data Protection Act 2018 s62(2): consultation logs
record the justification, date, time and user).

Officers read only their own and their team's records, so they are never asked. Champions,
supervisors and admins may read beyond their own team; doing so is a consultation that has to be
justified. Every front end calls services.records.view, which raises JustificationRequired; Slack
turns it into a modal, the console into the same modal's prompts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from models import AppUser, AuditEvent, ProtectionOrder, Role
from models.types import column_length
from rules.validation import Violation
from services.access import supervised_team_ids
from services.errors import DomainError, ValidationFailed

JUSTIFICATION_MIN = 10  # "ok" or "x" is not a reason a reviewer could check
JUSTIFICATION_MAX = min(300, column_length(AuditEvent, "justification"))
# Pressing a button on a card already justified (Post to channel, Open again) is the same
# consultation: a reason given this recently by the same user for the same record covers it.
JUSTIFICATION_HOLDS_FOR = timedelta(minutes=30)
GIVEN_AT = "justification_given_at"  # in the audit row of a view that relied on an earlier reason


class JustificationRequired(DomainError):
    """Opening this record needs a reason first. Carries the reference for the form."""

    def __init__(self, reference: str) -> None:
        super().__init__(
            f"{reference} belongs to a team outside yours. Opening it is logged with your reason "
            "(Data Protection Act 2018 s62): give a short justification to see it.",
            "justification",
        )
        self.reference = reference


def own_team_ids(session: Session, user: AppUser) -> set[int]:
    """The teams whose records a user reads without giving a reason."""
    if user.role is Role.SUPERVISOR:
        return supervised_team_ids(session, user)
    return {user.team_id} if user.team_id is not None else set()


def needs_justification(session: Session, user: AppUser, order: ProtectionOrder) -> bool:
    if user.role is Role.OFFICER:
        return False  # officers cannot read beyond their team at all (services.access)
    return order.team_id not in own_team_ids(session, user)


def checked(text: str | None) -> str:
    """The justification as it will be logged, or ValidationFailed saying what to write."""
    reason = " ".join((text or "").split())
    if not reason:
        problem = "Give a short reason for opening this record, e.g. 'MARAC review of repeat victim'."
    elif len(reason) < JUSTIFICATION_MIN:
        problem = f"Say why in a few more words (at least {JUSTIFICATION_MIN} characters)."
    elif len(reason) > JUSTIFICATION_MAX:
        problem = f"Keep it to {JUSTIFICATION_MAX} characters; it has {len(reason)}."
    else:
        return reason
    raise ValidationFailed([Violation("justification", problem)])


@dataclass(frozen=True)
class GivenReason:
    text: str
    given_at: datetime


def recent_justification(session: Session, user: AppUser, order: ProtectionOrder, now: datetime) -> GivenReason | None:
    """The reason this user gave for this record within JUSTIFICATION_HOLDS_FOR of now, if any.
    A view that relied on an earlier reason records when that was given, so the window runs from
    the reason itself and cannot be stretched by viewing again and again."""
    since = now - JUSTIFICATION_HOLDS_FOR
    latest = session.exec(
        select(AuditEvent)
        .where(
            AuditEvent.order_id == order.id,
            AuditEvent.actor_user_id == user.id,
            AuditEvent.action == "view",
            col(AuditEvent.justification).is_not(None),
            col(AuditEvent.at) >= since,
        )
        .order_by(col(AuditEvent.at).desc(), col(AuditEvent.id).desc())
    ).first()
    if latest is None or latest.justification is None:
        return None
    given = (latest.after or {}).get(GIVEN_AT)
    given_at = datetime.fromisoformat(given) if isinstance(given, str) else latest.at
    return GivenReason(latest.justification, given_at) if given_at >= since else None
