"""Writing a new notice or order row: shared by recording one and by a granted application."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, SQLModel, col, select

from models import (
    AppUser,
    AuditEvent,
    BreachCheck,
    IdentityMismatch,
    Notification,
    NotificationKind,
    OrderProtectedPerson,
    OrderStatus,
    Perpetrator,
    ProtectedPerson,
    ProtectionOrder,
    RiskLevel,
)
from models.types import pk
from rules import validation
from rules.clock import LONDON
from rules.deadlines import bail_start, hearing_deadline, lapse_deadline, notification_deadline, order_expiry
from rules.names import births_agree, name_key, name_query, normalise_pnc_id
from rules.notification import Exemption, owed
from rules.order_types import MadeBy, OrderType, OrderTypeRule
from rules.periods import PeriodEnd
from rules.ranks import Rank
from rules.validation import Violation
from services import stored_text
from services.context import ServiceContext
from services.governance.audit import AUDIT_TABLE, creation, take_held, write_creation
from services.new_rows import Plain, insert_new, new_row
from services.people.search_index import index_new_order, new_order_words
from services.records.new_record_reads import new_record_reads
from services.records.planning import (
    OrderFacts,
    Replanned,
    at_or_none,
    next_deadline,
    replan_from,
)
from services.records.references import next_reference
from services.wording import Command, Text


@dataclass(frozen=True)
class PersonInput:
    full_name: str
    date_of_birth: date | None = None
    address: str | None = None
    pnc_id: str | None = None


@dataclass(frozen=True)
class OrderTerms:
    """What a new row needs beyond its people: its type, times, authority and length."""

    order_type: OrderType
    served_at: datetime | None = None  # notices, bail, and court orders once served
    made_at: datetime | None = None  # court orders
    arrested_at: datetime | None = None  # pre-charge bail: the arrest (PACE 1984 s47ZB(4)(a))
    power_of_arrest: bool = False  # occupation order: a power of arrest attached (FLA 1996 s47(2)-(3))
    authoriser_name: str | None = None
    authoriser_rank: Rank | None = None
    court: str | None = None
    conditions: str | None = None
    duration_days: int | None = None
    last_day: date | None = None
    duration_months: int | None = None
    until_further_order: bool = False
    risk_level: RiskLevel | None = None
    children_present: bool = False
    crime_reference: str | None = None
    # Why the notification duties do not apply (DAA 2021 s41(8); SPA 2019 s9(1)(a), (5)), if they do not.
    notification_exempt: Exemption | None = None

    def event(self, rule: OrderTypeRule) -> datetime | None:
        """The instant the record starts from: service for police notices, the order for courts."""
        return self.served_at if rule.made_by is MadeBy.POLICE else self.made_at

    def period_start(self, rule: OrderTypeRule, event: datetime, tz: ZoneInfo) -> datetime:
        """Where the record's length is counted from. Pre-charge bail runs from the bail start date,
        the day after the arrest (PACE 1984 s47ZB(4)(a)); with no arrest recorded, from the day bail
        was given, which is never later than the statute's date unless the arrest was two or more
        days before bail."""
        if rule.code is OrderType.BAIL and self.arrested_at is not None:
            return bail_start(self.arrested_at, tz)
        return event


def validate_length(
    rule: OrderTypeRule, terms: OrderTerms, event: datetime, tz: ZoneInfo = LONDON
) -> list[Violation | None]:
    given = [x is not None for x in (terms.duration_days, terms.last_day, terms.duration_months)].count(True)
    if given > 1:
        return [Violation("duration", "Give the order's length one way only: days, an end date, or months.")]
    if rule.is_notice:
        return []
    if terms.until_further_order:
        if given or rule.duration is None or not rule.duration.until_further_order:
            return [Violation("duration", f"A {rule.code} cannot be made until further order; give its length.")]
        return []
    start = terms.period_start(rule, event, tz)
    end = _expiry(rule, terms, start)
    if end is None:
        return [Violation("duration", f"Give when the {rule.code} ends: days, an end date, or until further order.")]
    checks = [validation.order_length(rule, start, end.last_day)]
    if rule.code is OrderType.BAIL:
        checks.append(validation.bail_period(rule, start, end.last_day, terms.authoriser_rank))
    return checks


def _expiry(rule: OrderTypeRule, terms: OrderTerms, event: datetime) -> PeriodEnd | None:
    return order_expiry(rule, event, days=terms.duration_days, last_day=terms.last_day, months=terms.duration_months)


def add_perpetrator(
    session: Session, ctx: ServiceContext, user: AppUser, given: PersonInput, now: datetime
) -> Perpetrator:
    """A row holding exactly what the officer typed. A PNC id already on record does not fetch that
    person: it would show another team's person to whoever types their PNC id, and drop what was
    typed. Perpetrator history joins rows by PNC id instead (flag_identity_mismatch says when not)."""
    person = _perpetrator(given, now)
    _added(session, ctx, user, [person], now)
    return person


def new_people(
    perpetrator: PersonInput, protected: Sequence[PersonInput], now: datetime
) -> tuple[Perpetrator, list[ProtectedPerson]]:
    """A new record's people, as add_perpetrator and add_protected_person make them, not yet
    written: insert_order writes and audits them with the record."""
    return _perpetrator(perpetrator, now), [_protected(p, now) for p in protected]


def _perpetrator(given: PersonInput, now: datetime) -> Perpetrator:
    pnc = normalise_pnc_id(given.pnc_id or "") or None  # as the PNC shows it, so one id matches however typed
    return new_row(
        Perpetrator,
        full_name=given.full_name.strip(),
        name_key=name_key(given.full_name),
        date_of_birth=given.date_of_birth,
        address=(given.address or "").strip() or None,
        pnc_id=pnc,
        created_at=now,
        updated_at=now,
    )


PNC_MISMATCH_WARNING: Text = (
    "The PNC id given is already on record with a different name or date of birth. What you typed "
    "is kept on this record only, and nothing of the other record is shown; a supervisor or admin "
    "will check which is right (",
    Command("identity"),
    "). Check the PNC id on the PNC meanwhile.",
)


def flag_identity_mismatch(
    session: Session, ctx: ServiceContext, user: AppUser, person: Perpetrator, order: ProtectionOrder, now: datetime
) -> bool:
    """When `person`'s PNC id is already held by people whose name or date of birth differ, record
    an identity mismatch (audited on the new record) for a supervisor or admin to resolve. True if
    one was recorded. The same name with a date of birth missing on either side is no mismatch."""
    if not person.pnc_id:
        return False
    unsettled = select(IdentityMismatch.perpetrator_id).where(col(IdentityMismatch.same_person).is_not(True))
    holders = session.exec(
        select(Perpetrator).where(
            Perpetrator.pnc_id == person.pnc_id,
            col(Perpetrator.id) != person.id,
            col(Perpetrator.id).not_in(unsettled),
        )
    ).all()
    if not holders or any(same_identity(person, held) for held in holders):
        return False
    mismatch = IdentityMismatch(perpetrator_id=pk(person), order_id=pk(order), recorded_by_id=pk(user), created_at=now)
    session.add(mismatch)
    session.flush()
    write_creation(session, actor=user, at=now, row=mismatch, source=ctx.source, order_id=order.id)
    return True


def same_identity(typed: Perpetrator, held: Perpetrator) -> bool:
    """The typed details could be the held person's: the name matches as a lookup by name would
    (variants, surname first, middle names left out), and the dates of birth do not disagree."""
    query = name_query(typed.full_name)
    names_agree = held.name_key in query.keys or any(
        held.name_key.startswith(f"{first} ") and held.name_key.endswith(f" {last}") for first, last in query.first_last
    )
    return births_agree(typed.date_of_birth, held.date_of_birth) and names_agree


def add_protected_person(
    session: Session, ctx: ServiceContext, user: AppUser, given: PersonInput, now: datetime
) -> ProtectedPerson:
    person = _protected(given, now)
    _added(session, ctx, user, [person], now)
    return person


def _protected(given: PersonInput, now: datetime) -> ProtectedPerson:
    return new_row(
        ProtectedPerson,
        full_name=given.full_name.strip(),
        name_key=name_key(given.full_name),
        date_of_birth=given.date_of_birth,
        address=(given.address or "").strip() or None,
        created_at=now,
        updated_at=now,
    )


def _added(
    session: Session, ctx: ServiceContext, user: AppUser, people: Sequence[Perpetrator | ProtectedPerson], now: datetime
) -> None:
    """Write `people` (their ids are audited) and audit each, in the order given."""
    insert_new(session, people)
    for person in people:
        write_creation(session, actor=user, at=now, row=person, source=ctx.source)


def insert_order(
    session: Session,
    ctx: ServiceContext,
    user: AppUser,
    officer: AppUser,
    rule: OrderTypeRule,
    terms: OrderTerms,
    *,
    perpetrator: Perpetrator,
    protected: Sequence[ProtectedPerson],
    parent: ProtectionOrder | None,
    now: datetime,
    incident_id: int | None = None,
) -> tuple[ProtectionOrder, Replanned]:
    """Insert the row with its computed deadlines, write its people not yet written (new_people)
    and link them, audit, start its checks, and plan its reminders. The caller has validated
    `terms`. Returns the row and its first replan.

    Everything the plan reads is in hand, so nothing of the new record is read back: its words
    come from its people as written, and its next deadline goes in with its row. Its rows' ids
    are handed out first (new_record_reads), so they go in together (services.new_rows)."""
    tz = ctx.settings.timezone
    event = terms.event(rule)
    assert event is not None and officer.team_id is not None and officer.id is not None
    start = terms.period_start(rule, event, tz)
    expiry = None if rule.is_notice or terms.until_further_order else _expiry(rule, terms, start)
    notify = notification_deadline(rule, terms.made_at, terms.served_at, tz)
    check_due = _first_check_due(ctx, expiry.at if expiry else None, event)
    awaited_due = notify.at if notify and owed(rule.code, terms.notification_exempt, False) else None
    everyone: list[Perpetrator | ProtectedPerson] = [perpetrator, *protected]
    people = [person for person in everyone if person.id is None]  # not yet written: written here
    new: dict[type[SQLModel], int] = {
        Perpetrator: int(perpetrator.id is None),
        ProtectedPerson: len(people) - int(perpetrator.id is None),
        ProtectionOrder: 1,
        BreachCheck: int(check_due is not None),
        Notification: int(awaited_due is not None),
    }
    reads = new_record_reads(session, ctx.settings, officer.team_id, new)
    for person in people:
        person.id = reads.ids[type(person)].pop(0)
    calendar = reads.calendar
    hearing = hearing_deadline(rule, terms.served_at, calendar, tz) if terms.served_at else None
    lapse = lapse_deadline(rule, terms.served_at, calendar, tz) if terms.served_at else None
    order = new_row(
        ProtectionOrder,
        id=reads.ids[ProtectionOrder][0],
        reference=None,  # counted last (below)
        order_type=rule.code,
        status=OrderStatus.ACTIVE,
        perpetrator_id=pk(perpetrator),
        parent_id=parent.id if parent else None,
        incident_id=incident_id,
        officer_id=officer.id,
        team_id=officer.team_id,
        served_at=terms.served_at,
        made_at=terms.made_at,
        arrested_at=terms.arrested_at if rule.code is OrderType.BAIL else None,
        power_of_arrest=terms.power_of_arrest and rule.code is OrderType.OCCUPATION,
        authoriser_name=(terms.authoriser_name or "").strip() or None,
        authoriser_rank=terms.authoriser_rank,
        court=terms.court,
        conditions=terms.conditions,
        hearing_deadline_at=hearing.at if hearing else None,
        lapses_at=lapse.at if lapse else None,
        expires_at=expiry.at if expiry else None,
        until_further_order=terms.until_further_order,
        notification_due_at=notify.at if notify else None,
        notification_exempt=terms.notification_exempt,
        risk_level=terms.risk_level,
        risk_assessed_at=now if terms.risk_level else None,
        children_present=terms.children_present,
        crime_reference=(terms.crime_reference or "").strip() or None,
        created_by_id=pk(user),
        created_at=now,
        updated_at=now,
    )
    order.next_deadline_at = _first_next_deadline(order, now, check_due, awaited_due)
    check = awaited = None
    if check_due is not None:
        check = new_row(
            BreachCheck,
            id=reads.ids[BreachCheck][0],
            order_id=pk(order),
            due_at=check_due,
            assigned_to_id=officer.id,
            created_at=now,
        )
    if awaited_due is not None:
        awaited = new_row(
            Notification,
            id=reads.ids[Notification][0],
            order_id=pk(order),
            kind=NotificationKind.INITIAL,
            due_at=awaited_due,
            created_at=now,
        )
    created = [row for row in (check, awaited) if row is not None]
    links = [new_row(OrderProtectedPerson, order_id=pk(order), person_id=pk(person)) for person in protected]
    facts = OrderFacts(
        order=order,
        hearings=[],
        breaches=[],
        checks=[check] if check else [],
        notifications=[awaited] if awaited else [],
        supervisor_ids=reads.supervisor_ids,
        team=reads.team,
    )
    # Planned before anything is written, from the rows in hand, so that its reminders and thread
    # posts go in with the rows, and on PostgreSQL the words too: one statement for the record.
    held: list[Plain] = []
    replanned = replan_from(session, facts, ctx.settings.reminders, tz, now, stored=(), held=held)
    # The reference last, once the record is planned: counting it locks the counter's row until the
    # commit, and every record of the force's type and year waits for that row. Counted with the
    # reads before, it held each save behind the one before for its whole transaction.
    year = event.astimezone(tz).year
    order.reference = next_reference(session, ctx.settings.force_code, rule.code.value, year)
    on_postgresql = session.get_bind().dialect.name == "postgresql"
    words = new_order_words(order, [perpetrator, *protected]) if on_postgresql else None
    # The rows' audit goes in with them, after what the transaction audited before (held), as
    # the commit would have written it: every id is known, so nothing waits for the INSERT.
    audits = [
        *take_held(session),
        *(creation(actor=user, at=now, source=ctx.source, row=person) for person in people),
        *(creation(actor=user, at=now, source=ctx.source, row=row, order_id=order.id) for row in (order, *created)),
    ]
    stored_text.refuse_unstorable_values(AuditEvent, audits)
    held.append((AUDIT_TABLE, audits))
    insert_new(session, [*people, order, *links, *created], plain=held, also=[words] if words else [])
    if not on_postgresql:
        index_new_order(session, order, [perpetrator, *protected])
    return order, replanned


def _first_next_deadline(order: ProtectionOrder, now: datetime, *also_due: datetime | None) -> datetime | None:
    """The new record's next deadline, to go in with its row instead of an UPDATE after the
    replan (which stores what it computes from the rows: the same, so nothing more is sent): the
    earliest of its own deadlines and of its first check and awaited notification, new and so open."""
    own = at_or_none(next_deadline(OrderFacts(order, [], [], [], [], []), now))
    return min((at for at in (own, *also_due) if at is not None), default=None)


def _first_check_due(ctx: ServiceContext, expires_at: datetime | None, start: datetime) -> datetime | None:
    """The first breach check falls due within a day of service (a force policy knob); none if the
    record has ended by then."""
    # Hours elapsed, not on the wall clock: `start` may arrive in UK time, and a night the clocks
    # change would make "24 hours after" 23 or 25 (the rollover and a correction count in UTC too).
    due = start.astimezone(UTC) + timedelta(hours=ctx.settings.reminders.first_breach_check_hours)
    if expires_at is not None and due >= expires_at:
        return None
    return due
