"""A claimed batch's rows loaded set by set, before its reminders are sorted out and worded: each
kind of row one statement for the whole batch, whatever the kinds and subjects (notices and
orders, incidents, Clare's Law requests, management plans), instead of a statement or more per
reminder. Held on the session (session.info) while the batch is handled, so the per-reminder code
(about.py, chain.py, the facts) reads from it when it is there and queries the database when not
(a button pressed on one reminder).

The session's identity map holds objects weakly: the batch keeps them referenced, so a
session.get() of a loaded row is answered without SQL."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlmodel import Session, SQLModel, col, select
from sqlmodel.sql.expression import SelectOfScalar

from models import (
    AppUser,
    DisclosureRequest,
    Incident,
    IncidentChild,
    ManagementPlan,
    MaracAction,
    MaracReferral,
    Perpetrator,
    PlanAction,
    ProtectedPerson,
    ProtectionOrder,
    Reminder,
    ReminderState,
    TeamSupervisor,
)
from services.incidents.planning import IncidentFacts, reports_of
from services.records.planning import follow_up_source
from services.reminders.rows import ReminderRow

KEY = "dvpn.reminder_batch"
Row = TypeVar("Row", bound=SQLModel)


@dataclass
class Batch:
    users: dict[int, AppUser] = field(default_factory=dict)
    orders: dict[int, ProtectionOrder] = field(default_factory=dict)
    sources: dict[int, Reminder] = field(default_factory=dict)  # follow-ups' source reminders
    perpetrators: dict[int, Perpetrator] = field(default_factory=dict)
    supervisors: dict[int, list[int]] = field(default_factory=dict)  # team id -> supervisors' user ids
    plan_records: dict[int, ProtectionOrder | None] = field(default_factory=dict)  # plan -> adopted from
    plan_actions: dict[tuple[int, int], PlanAction] = field(default_factory=dict)  # (plan, number)
    children: dict[tuple[int, int], IncidentChild] = field(default_factory=dict)  # (incident, number)
    marac_actions: dict[tuple[int, int], MaracAction] = field(default_factory=dict)  # (incident, number)
    incidents: dict[int, IncidentFacts] = field(default_factory=dict)  # incident id -> its clocks' facts
    # What each subject's reminders are about (about.record_of), by subject_key: a plan's is its record.
    records: dict[tuple[str, int], ProtectionOrder | Incident | DisclosureRequest] = field(default_factory=dict)
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


@contextmanager
def loaded(session: Session, rows: Sequence[ReminderRow], owner_kinds: Any = None) -> Iterator[Batch]:
    """Load what `rows` are about and keep it for the block. `owner_kinds(row, officer_id)` gives
    the kind of a row's owner reminder (queue.owner_kind), if it is a supervisor's copy."""
    batch = Batch()
    held = batch.held
    sources = _in(session, Reminder, _ids(int(s) for r in rows if (s := follow_up_source(r.kind))))
    every = [*rows, *sources]
    held += sources
    orders = _in(session, ProtectionOrder, _ids(r.order_id for r in every))
    incidents = _in(session, Incident, _ids(r.incident_id for r in every))
    requests = _in(session, DisclosureRequest, _ids(r.disclosure_id for r in every))
    plans = _in(session, ManagementPlan, _ids(r.plan_id for r in every))
    held += orders + incidents + requests + plans
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
        **{("order", o.id or 0): o for o in orders},
        **{("incident", i.id or 0): i for i in incidents},
        **{("disclosure", r.id or 0): r for r in requests},
        **{("plan", plan): record for plan, record in batch.plan_records.items() if record is not None},
    }
    held += list(by_perpetrator.values())
    perpetrators = _in(
        session,
        Perpetrator,
        _ids(
            [
                *(o.perpetrator_id for o in orders),
                *(r.perpetrator_id for r in requests),
                *(p.perpetrator_id for p in plans),
            ]
        ),
    )
    held += perpetrators
    batch.perpetrators = {p.id: p for p in perpetrators if p.id is not None}
    batch.orders = {o.id: o for o in orders if o.id is not None}
    batch.sources = {r.id: r for r in sources if r.id is not None}
    plan_ids = _ids(p.id for p in plans)
    if plan_ids:
        actions = session.exec(select(PlanAction).where(col(PlanAction.plan_id).in_(plan_ids))).all()
        batch.plan_actions = {(a.plan_id, a.number): a for a in actions}
    incident_ids = _ids(i.id for i in incidents)
    if incident_ids:
        children = session.exec(select(IncidentChild).where(col(IncidentChild.incident_id).in_(incident_ids))).all()
        batch.children = {(c.incident_id, c.number): c for c in children}
        marac = session.exec(
            select(MaracReferral.incident_id, MaracAction)
            .join(MaracReferral, col(MaracReferral.id) == col(MaracAction.referral_id))
            .where(col(MaracReferral.incident_id).in_(incident_ids))
        ).all()
        batch.marac_actions = {(incident_id, a.number): a for incident_id, a in marac}
    teams = _ids(
        [
            *(o.team_id for o in orders),
            *(i.team_id for i in incidents),
            *(r.team_id for r in requests),
            *(p.team_id for p in plans),
            *(o.team_id for o in by_perpetrator.values()),
        ]
    )
    supervisors: dict[int, list[int]] = defaultdict(list)
    if teams:
        for team_id, user_id in session.exec(
            select(TeamSupervisor.team_id, TeamSupervisor.user_id).where(col(TeamSupervisor.team_id).in_(teams))
        ).all():
            supervisors[team_id].append(user_id)
    batch.supervisors = {t: sorted(supervisors.get(t, [])) for t in teams}
    user_ids = {
        *(r.recipient_id for r in every),
        *(o.officer_id for o in [*orders, *by_perpetrator.values()]),
        *(i.officer_id for i in incidents),
        *(r.officer_id for r in requests),
        *(p.created_by_id for p in plans),
        *(a.owner_id for a in batch.plan_actions.values()),
        *(u for ids in batch.supervisors.values() for u in ids),
        *(int(part) for r in every for part in r.kind.split(":")[2:] if part.isdigit()),
    }
    batch.users = {u.id: u for u in _in(session, AppUser, _ids(user_ids)) if u.id is not None}
    held += list(batch.users.values())
    if incidents:
        batch.incidents = _incident_facts(session, incidents, batch)
    if owner_kinds is not None:
        batch.owners = _owners(session, rows, owner_kinds, orders, incidents, requests, batch)
    previous = session.info.get(KEY)
    session.info[KEY] = batch
    try:
        yield batch
    finally:
        session.info[KEY] = previous
        held.clear()


def _incident_facts(session: Session, incidents: list[Incident], batch: Batch) -> dict[int, IncidentFacts]:
    """services.incidents.planning.load_facts for every incident at once: their referrals, the
    referrals' actions, their children, and when each incident against the same victim was reported
    (planning.victim_incidents' rule: same name key, dates of birth not disagreeing)."""
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
    victims: dict[int | None, ProtectedPerson] = {
        p.id: p for p in _in(session, ProtectedPerson, _ids(i.victim_id for i in incidents))
    }
    batch.held.extend(victims.values())
    keys = sorted({p.name_key for p in victims.values()})
    same_name: dict[str, list[tuple[datetime, date | None]]] = defaultdict(list)
    if keys:
        for reported_at, name_key, born in session.execute(
            sa.select(col(Incident.reported_at), col(ProtectedPerson.name_key), col(ProtectedPerson.date_of_birth))
            .join(ProtectedPerson, col(ProtectedPerson.id) == col(Incident.victim_id))
            .where(col(ProtectedPerson.name_key).in_(keys))
        ).all():
            same_name[name_key].append((reported_at, born))
    found = {}
    for incident in incidents:
        victim = victims[incident.victim_id]
        referral = referrals.get(incident.id)
        found[incident.id or 0] = IncidentFacts(
            incident=incident,
            children=children.get(incident.id or 0, []),
            referral=referral,
            actions=actions.get(referral.id or 0, []) if referral else [],
            victim_incidents=reports_of(victim, same_name[victim.name_key]),
            supervisor_ids=batch.supervisors.get(incident.team_id, []),
        )
    return found


def _owners(
    session: Session,
    rows: Sequence[ReminderRow],
    owner_kinds: Any,
    orders: list[ProtectionOrder],
    incidents: list[Incident],
    requests: list[DisclosureRequest],
    batch: Batch,
) -> list[Reminder]:
    officers: dict[tuple[str, int], int] = {}
    for order in orders:
        officers["order", order.id or 0] = order.officer_id
    for incident in incidents:
        officers["incident", incident.id or 0] = incident.officer_id
    for request in requests:
        officers["disclosure", request.id or 0] = request.officer_id
    for plan_id, record in batch.plan_records.items():
        if record is not None:
            officers["plan", plan_id] = record.officer_id
    kinds: set[str] = set()
    for row in rows:
        officer = officers.get(subject_key(row))
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
