"""The one access decision: may this user see the personal data of this record, and on what
grounds (Data Protection Act 2018 s62(2): consultation logs record the justification, date, time
and user).

`access` answers, for a user and a record: OWN (their own or their teams' record: no reason
needed), JUSTIFIED (beyond their teams, with a reason given now or within
JUSTIFICATION_HOLDS_FOR, which the audit row of the view carries), ASK (they could, with a reason
they have not given) or NONE (officers beyond their team: never). Every path that shows names,
dates of birth or addresses asks it: the record card (services.records.recording.view), perpetrator
history, search by name, and the export. A path that needs a reason and has none either raises
JustificationRequired (the card: Slack turns it into the reason modal, the console into its
prompts) or shows only what needs none (references and initials).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, or_, select

from models import AppUser, AuditEvent, OrderProtectedPerson, Perpetrator, ProtectedPerson, ProtectionOrder, Role
from models.types import column_length
from rules.names import name_key, normalise_pnc_id
from rules.validation import Violation
from services.errors import NotAllowed, ValidationFailed
from services.governance.access import READ_ALL_ROLES, can_write, supervised_team_ids
from services.governance.justification_terms import (
    JUSTIFICATION_HOLDS_FOR,
    JUSTIFICATION_MAX,
    JUSTIFICATION_MIN,
    JustificationRequired,
    meaningless,
)

if column_length(AuditEvent, "justification") < JUSTIFICATION_MAX:
    raise RuntimeError("audit_event.justification is shorter than JUSTIFICATION_MAX: a reason would not fit")
GIVEN_AT = "justification_given_at"  # in the audit row of a view that relied on an earlier reason


def own_team_ids(session: Session, user: AppUser) -> set[int]:
    """The teams whose records a user reads without giving a reason."""
    if user.role is Role.SUPERVISOR:
        return supervised_team_ids(session, user)
    return {user.team_id} if user.team_id is not None else set()


class Reach(StrEnum):
    OWN = "own"  # their own or their teams' record: no reason needed
    JUSTIFIED = "justified"  # beyond their teams, with a reason still within its window
    ASK = "ask"  # beyond their teams: readable once they give a reason
    NONE = "none"  # not theirs to read at all


@dataclass(frozen=True)
class Access:
    """The decision for one user and one record, and what the audit row of a view must carry."""

    reach: Reach
    reference: str
    justification: str | None = None  # the reason that allowed the view (JUSTIFIED only)
    relied_on: dict[str, str] | None = None  # for the audit row, when a reason given earlier covers it

    @property
    def may_see(self) -> bool:
        return self.reach in (Reach.OWN, Reach.JUSTIFIED)

    def require(self) -> Access:
        """This decision, or the refusal a path that cannot show less must give."""
        if self.reach is Reach.ASK:
            raise JustificationRequired(self.reference)
        if self.reach is Reach.NONE:
            raise NotAllowed(
                f"{self.reference} belongs to another team, so you cannot see its details. "
                "A supervisor or champion can."
            )
        return self


def access(
    session: Session,
    user: AppUser,
    order: ProtectionOrder,
    now: datetime,
    justification: str | None = None,
    *,
    given: dict[int, GivenReason] | None = None,
) -> Access:
    """May `user` see the personal data of `order`? `justification`: a reason typed now (checked,
    ValidationFailed if it is not one). `given`: the reasons in force, from reasons_in_force, when
    deciding for many records at once; otherwise they are looked up."""
    if can_write(session, user, order) or order.team_id in own_team_ids(session, user):
        return Access(Reach.OWN, order.reference)
    moved_on = order.officer_id == user.id  # in charge of it, but now in another team: a reason first
    if user.role not in READ_ALL_ROLES and user.role is not Role.SUPERVISOR and not moved_on:
        return Access(Reach.NONE, order.reference)
    if justification is not None:
        return Access(Reach.JUSTIFIED, order.reference, naming_no_one(session, order, checked(justification)))
    earlier = recent_justification(session, user, order, now) if given is None else given.get(order.id or 0)
    if earlier is None:
        return Access(Reach.ASK, order.reference)
    return Access(Reach.JUSTIFIED, order.reference, earlier.text, {GIVEN_AT: earlier.given_at.isoformat()})


def own_records(session: Session, user: AppUser) -> ColumnElement[bool]:
    """The filter on protection_order for the records `access` finds OWN for `user`."""
    return col(ProtectionOrder.team_id).in_(sorted(own_team_ids(session, user)))


def readable_records(session: Session, user: AppUser) -> ColumnElement[bool]:
    """The filter on protection_order for the records `access` does not answer NONE for `user`:
    those they read now or once they give a reason. What a short reference may match, so a
    typed suffix never reveals a record beyond it (services.records.lookup)."""
    if user.role in READ_ALL_ROLES or user.role is Role.SUPERVISOR:
        return col(ProtectionOrder.id).is_not(None)
    mine = col(ProtectionOrder.officer_id) == user.id  # moved on from its team: readable with a reason
    return or_(own_records(session, user), mine)


def checked(text: str | None) -> str:
    """The justification as it will be logged, or ValidationFailed saying what to write."""
    reason = " ".join((text or "").split())
    if not reason:
        problem = "Give a short reason for opening this record, e.g. 'MARAC review of repeat victim'."
    elif len(reason) < JUSTIFICATION_MIN:
        problem = f"Say why in a few more words (at least {JUSTIFICATION_MIN} characters)."
    elif len(reason) > JUSTIFICATION_MAX:
        problem = f"Keep it to {JUSTIFICATION_MAX} characters; it has {len(reason)}."
    elif (nonsense := meaningless(reason)) is not None:
        problem = nonsense
    else:
        return reason
    raise ValidationFailed([Violation("justification", problem)])


def naming_no_one(session: Session, order: ProtectionOrder, reason: str) -> str:
    """The reason, or ValidationFailed if it names the record's people (a word of a name, or the
    PNC id). DPA 2018 s62 keeps the reason with the log of the view, and the log outlives the
    record's erasure, so it must say why without saying who."""
    people: list[tuple[str, str | None]] = [
        (p.full_name, p.pnc_id)
        for p in session.exec(select(Perpetrator).where(Perpetrator.id == order.perpetrator_id)).all()
    ]
    linked = select(OrderProtectedPerson.person_id).where(OrderProtectedPerson.order_id == order.id)
    protected = session.exec(select(ProtectedPerson).where(col(ProtectedPerson.id).in_(linked))).all()
    people += [(p.full_name, None) for p in protected]
    said = set(name_key(reason).split())
    named = any(len(word) > 1 and word in said for full_name, _ in people for word in name_key(full_name).split())
    pnc = any(pnc_id and normalise_pnc_id(pnc_id) in reason.upper().replace(" ", "") for _, pnc_id in people)
    if named or pnc:
        raise ValidationFailed(
            [
                Violation(
                    "justification",
                    "Say why without naming anyone: the reason stays in the audit trail after the record is "
                    "erased. E.g. 'MARAC review of repeat victim'.",
                )
            ]
        )
    return reason


@dataclass(frozen=True)
class GivenReason:
    text: str
    given_at: datetime


def recent_justification(session: Session, user: AppUser, order: ProtectionOrder, now: datetime) -> GivenReason | None:
    """The reason this user gave for this record within JUSTIFICATION_HOLDS_FOR of now, if any."""
    return reasons_in_force(session, user, now, [order.id or 0]).get(order.id or 0)


def reasons_in_force(
    session: Session, user: AppUser, now: datetime, order_ids: Collection[int] | None = None
) -> dict[int, GivenReason]:
    """The reasons this user gave within JUSTIFICATION_HOLDS_FOR of now, by record (of `order_ids`,
    or every record). Only the card's reason modal gives one (a view audited with it); a later view
    that relied on it records when it was given, so the window runs from the reason itself and
    cannot be stretched by viewing again and again."""
    since = now - JUSTIFICATION_HOLDS_FOR
    query = (
        select(AuditEvent)
        .where(
            AuditEvent.actor_user_id == user.id,
            AuditEvent.action == "view",
            col(AuditEvent.order_id).is_not(None),
            col(AuditEvent.justification).is_not(None),
            col(AuditEvent.at) >= since,
        )
        .order_by(col(AuditEvent.at).desc(), col(AuditEvent.id).desc())
    )
    if order_ids is not None:
        query = query.where(col(AuditEvent.order_id).in_(list(order_ids)))
    found: dict[int, GivenReason] = {}
    latest_seen: set[int] = set()
    for row in session.exec(query).all():
        order_id = row.order_id or 0
        if order_id in latest_seen or row.justification is None:
            continue
        latest_seen.add(order_id)  # only the latest view of each record counts
        given = (row.after or {}).get(GIVEN_AT)
        given_at = datetime.fromisoformat(given) if isinstance(given, str) else row.at
        if given_at >= since:
            found[order_id] = GivenReason(row.justification, given_at)
    return found
