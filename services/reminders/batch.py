"""A claimed batch's rows loaded set by set, before its reminders are sorted out and worded: each
kind of row one statement for the whole batch, whatever the kinds and subjects (notices and
orders, incidents, Clare's Law requests, management plans), instead of a statement or more per
reminder. Held on the session (session.info) while the batch is handled, so the per-reminder code
(about.py, chain.py, the facts) reads from it when it is there and queries the database when not
(a button pressed on one reminder).

The notices and orders, their hearings and the people are read as plain rows (batch_rows.py), two
statements for them all. The rest are ORM objects: the session's identity map holds them weakly,
so the batch keeps them referenced and a session.get() of a loaded row is answered without SQL."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlmodel import Session, SQLModel, col, select
from sqlmodel.sql.expression import SelectOfScalar

from models import (
    DisclosureRequest,
    Incident,
    IncidentChild,
    ManagementPlan,
    MaracAction,
    MaracReferral,
    Perpetrator,
    PlanAction,
    ProtectionOrder,
    Reminder,
    ReminderState,
)
from services.incidents.planning import IncidentFacts
from services.records.planning import follow_up_source
from services.reminders import batch_rows
from services.reminders.rows import ReminderRow

KEY = "dvpn.reminder_batch"
Row = TypeVar("Row", bound=SQLModel)


@dataclass
class Batch:
    users: dict[int, batch_rows.BatchUser] = field(default_factory=dict)
    orders: dict[int, batch_rows.BatchOrder] = field(default_factory=dict)
    initials: dict[int, str] = field(default_factory=dict)  # order id -> its perpetrator's initials
    hearings: dict[int, list[batch_rows.BatchHearing]] = field(default_factory=dict)  # order id -> by time
    sources: dict[int, Reminder] = field(default_factory=dict)  # follow-ups' source reminders
    perpetrators: dict[int, Perpetrator] = field(default_factory=dict)  # Clare's Law requests' and plans'
    supervisors: dict[int, list[int]] = field(default_factory=dict)  # team id -> supervisors' user ids
    plan_records: dict[int, ProtectionOrder | None] = field(default_factory=dict)  # plan -> adopted from
    plan_actions: dict[tuple[int, int], PlanAction] = field(default_factory=dict)  # (plan, number)
    children: dict[tuple[int, int], IncidentChild] = field(default_factory=dict)  # (incident, number)
    marac_actions: dict[tuple[int, int], MaracAction] = field(default_factory=dict)  # (incident, number)
    incidents: dict[int, IncidentFacts] = field(default_factory=dict)  # incident id -> its clocks' facts
    # What the reminders of each subject other than a notice or order are about (about.record_of), by
    # subject_key: a plan's is its record. The notices and orders are plain rows (orders).
    records: dict[tuple[str, int], Incident | DisclosureRequest | ProtectionOrder] = field(default_factory=dict)
    officers: dict[tuple[str, int], int] = field(default_factory=dict)  # subject_key -> officer in charge
    # Reminders that may be a supervisor's copy's owner: the batch records' reminders of those kinds.
    owners: list[Reminder] = field(default_factory=list)
    held: list[Any] = field(default_factory=list)


def current(session: Session) -> Batch | None:
    found = session.info.get(KEY)
    return found if isinstance(found, Batch) else None


def _ids(values: Any) -> list[int]:
    return sorted({v for v in values if v is not None})


def _in(session: Session, table: Any, ids: list[int]) -> list[Any]:
    if not ids:
        return []
    return list(session.exec(by_ids(table), params={"ids": ids}).all())


@cache
def by_ids(table: type[Row]) -> SelectOfScalar[Row]:
    """The rows of `table` whose ids are bound as `ids`: built once per table, since building a
    statement anew costs a claim more Python than running it (issue 19)."""
    key: Any = table.id  # type: ignore[attr-defined]  # every table asked for has an integer id
    return select(table).where(col(key).in_(sa.bindparam("ids", expanding=True)))


@cache
def plain_by_ids(columns: tuple[Any, ...]) -> Any:
    """`columns` (the first an id) of the rows whose ids are bound as `ids`, built once."""
    return sa.select(*columns).where(columns[0].in_(sa.bindparam("ids", expanding=True)))


@contextmanager
def loaded(session: Session, rows: Sequence[ReminderRow], owner_kinds: Any = None) -> Iterator[Batch]:
    """Load what `rows` are about and keep it for the block. `owner_kinds(row, officer_id)` gives
    the kind of a row's owner reminder (queue.owner_kind), if it is a supervisor's copy."""
    batch = Batch()
    held = batch.held
    sources = _in(session, Reminder, _ids(int(s) for r in rows if (s := follow_up_source(r.kind))))
    every = [*rows, *sources]
    held += sources
    # One pass over the batch for the ids it names: a claim's hundred rows are read once, not once a table.
    order_ids, incident_ids, request_ids, plan_ids, user_ids = set(), set(), set(), set(), set()
    for r in every:
        if r.order_id is not None:
            order_ids.add(r.order_id)
        if r.incident_id is not None:
            incident_ids.add(r.incident_id)
        if r.disclosure_id is not None:
            request_ids.add(r.disclosure_id)
        if r.plan_id is not None:
            plan_ids.add(r.plan_id)
        if r.recipient_id is not None:
            user_ids.add(r.recipient_id)
        user_ids |= named_users(r.kind)
    found = batch_rows.orders(session, order_ids)
    orders = list(found.orders.values())
    batch.orders, batch.initials, batch.hearings = found.orders, found.initials, found.hearings
    incidents = _in(session, Incident, sorted(incident_ids))
    requests = _in(session, DisclosureRequest, sorted(request_ids))
    plans = _in(session, ManagementPlan, sorted(plan_ids))
    held += incidents + requests + plans
    # A plan's record: the first record of the plan's perpetrator (about.adopted_from).
    by_perpetrator: dict[int, ProtectionOrder] = {}
    perpetrator_ids = _ids(p.perpetrator_id for p in plans)
    if perpetrator_ids:
        first = (
            select(ProtectionOrder.perpetrator_id, sa.func.min(ProtectionOrder.id).label("id"))
            .where(col(ProtectionOrder.perpetrator_id).in_(perpetrator_ids))
            .group_by(col(ProtectionOrder.perpetrator_id))
            .subquery()
        )
        for order in session.exec(select(ProtectionOrder).join(first, first.c.id == ProtectionOrder.id)).all():
            by_perpetrator[order.perpetrator_id] = order
    batch.plan_records = {p.id: by_perpetrator.get(p.perpetrator_id) for p in plans if p.id is not None}
    batch.records = {
        **{("incident", i.id or 0): i for i in incidents},
        **{("disclosure", r.id or 0): r for r in requests},
        **{("plan", plan): record for plan, record in batch.plan_records.items() if record is not None},
    }
    held += list(by_perpetrator.values())
    # The notices' and orders' perpetrators came with them (their initials): these are the casework's.
    perpetrators = _in(
        session, Perpetrator, _ids([*(r.perpetrator_id for r in requests), *(p.perpetrator_id for p in plans)])
    )
    held += perpetrators
    batch.perpetrators = {p.id: p for p in perpetrators if p.id is not None}
    batch.sources = {r.id: r for r in sources if r.id is not None}
    if plan_ids:
        actions = session.exec(select(PlanAction).where(col(PlanAction.plan_id).in_(sorted(plan_ids)))).all()
        batch.plan_actions = {(a.plan_id, a.number): a for a in actions}
    if incident_ids:
        ids = sorted(incident_ids)
        children = session.exec(select(IncidentChild).where(col(IncidentChild.incident_id).in_(ids))).all()
        batch.children = {(c.incident_id, c.number): c for c in children}
        marac = session.exec(
            select(MaracReferral.incident_id, MaracAction)
            .join(MaracReferral, col(MaracReferral.id) == col(MaracAction.referral_id))
            .where(col(MaracReferral.incident_id).in_(ids))
        ).all()
        batch.marac_actions = {(incident_id, a.number): a for incident_id, a in marac}
    every_record: list[Any] = [*orders, *incidents, *requests, *plans, *by_perpetrator.values()]
    teams = {r.team_id for r in every_record}
    user_ids |= {o.officer_id for o in orders} | {o.officer_id for o in by_perpetrator.values()}
    user_ids |= {i.officer_id for i in incidents} | {r.officer_id for r in requests}
    user_ids |= {p.created_by_id for p in plans} | {a.owner_id for a in batch.plan_actions.values()}
    batch.users, batch.supervisors = batch_rows.users(session, user_ids, teams)
    batch.officers = _officers(orders, incidents, requests, batch)
    if incidents:
        batch.incidents = _incident_facts(session, incidents, batch)
    if owner_kinds is not None:
        batch.owners = _owners(session, rows, owner_kinds, batch)
    previous = session.info.get(KEY)
    session.info[KEY] = batch
    try:
        yield batch
    finally:
        session.info[KEY] = previous
        held.clear()


@lru_cache(maxsize=4096)  # a batch repeats kinds: each read once
def named_users(kind: str) -> frozenset[int]:
    """The users a kind names after its second part (escalation:17:4 names user 4)."""
    return frozenset(int(part) for part in kind.split(":")[2:] if part.isdigit())


def _officers(
    orders: list[batch_rows.BatchOrder],
    incidents: list[Incident],
    requests: list[DisclosureRequest],
    batch: Batch,
) -> dict[tuple[str, int], int]:
    """The officer in charge of each subject's record, by subject_key."""
    officers: dict[tuple[str, int], int] = {}
    for order in orders:
        officers["order", order.id] = order.officer_id
    for incident in incidents:
        officers["incident", incident.id or 0] = incident.officer_id
    for request in requests:
        officers["disclosure", request.id or 0] = request.officer_id
    for plan_id, record in batch.plan_records.items():
        if record is not None:
            officers["plan", plan_id] = record.officer_id
    return officers


def _incident_facts(session: Session, incidents: list[Incident], batch: Batch) -> dict[int, IncidentFacts]:
    """services.incidents.planning.load_facts for every incident at once: their referrals, the
    referrals' actions and their children. The victim's incidents in the 12 months to each are the
    kept incident.escalation_count, not counted again: a batch reads what earlier transactions
    committed, where the kept count is the planner's count (escalation_counts.py keeps it in the
    writing transaction), and matching each victim's name across the force's incidents read
    thousands of rows for a Home's twenty-five reminders."""
    ids = _ids(i.id for i in incidents)
    referrals: dict[int | None, MaracReferral] = {
        r.incident_id: r for r in session.exec(select(MaracReferral).where(col(MaracReferral.incident_id).in_(ids)))
    }
    actions: dict[int, list[MaracAction]] = defaultdict(list)
    for _, action in sorted(batch.marac_actions.items()):
        actions[action.referral_id].append(action)
    children: dict[int, list[IncidentChild]] = defaultdict(list)
    for (incident_id, _), child in sorted(batch.children.items()):
        children[incident_id].append(child)
    found = {}
    for incident in incidents:
        referral = referrals.get(incident.id)
        found[incident.id or 0] = IncidentFacts(
            incident=incident,
            children=children.get(incident.id or 0, []),
            referral=referral,
            actions=actions.get(referral.id or 0, []) if referral else [],
            victim_incidents_in_window=incident.escalation_count,
            supervisor_ids=batch.supervisors.get(incident.team_id, []),
        )
    return found


def _owners(session: Session, rows: Sequence[ReminderRow], owner_kinds: Any, batch: Batch) -> list[Reminder]:
    kinds: set[str] = set()
    for row in rows:
        officer = batch.officers.get(subject_key(row))
        found = owner_kinds(row.kind, officer) if officer is not None else None
        if found is not None:
            kinds.add(found[0])
    if not kinds:
        return []
    about = [
        col(Reminder.order_id).in_(_ids(r.order_id for r in rows)),
        col(Reminder.incident_id).in_(_ids(r.incident_id for r in rows)),
        col(Reminder.disclosure_id).in_(_ids(r.disclosure_id for r in rows)),
        col(Reminder.plan_id).in_(_ids(r.plan_id for r in rows)),
    ]
    return list(
        session.exec(
            select(Reminder).where(
                col(Reminder.kind).in_(sorted(kinds)), Reminder.state != ReminderState.CANCELLED, sa.or_(*about)
            )
        ).all()
    )


def subject_key(reminder: ReminderRow) -> tuple[str, int]:
    """Which record a reminder is about, as a key: the same as about.same_record says in SQL."""
    if reminder.incident_id is not None:
        return "incident", reminder.incident_id
    if reminder.disclosure_id is not None:
        return "disclosure", reminder.disclosure_id
    if reminder.plan_id is not None:
        return "plan", reminder.plan_id
    return "order", reminder.order_id or 0
