"""What a Clare's Law request's or a management plan's reminder is about, as facts
(services/reminders/facts.py does the notices' and orders'): the request's reference, or the
reference of the record the plan was adopted from, and the subject's initials; never a name, the
applicant or the action's words."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import TypeVar

import sqlalchemy as sa
from sqlmodel import Session, col, select

from config import Settings
from models import (
    AppUser,
    DisclosureRequest,
    ManagementPlan,
    Perpetrator,
    PlanAction,
    ProtectionOrder,
    Reminder,
    ReminderState,
)
from rules.disclosure import TARGET_KIND, completion_target
from services.records.planning import follow_up_source
from services.reminders.about import adopted_from
from services.reminders.batch import current
from services.reminders.batch_rows import UserRow
from services.reminders.chain import Escalation
from services.reminders.results import (
    CLARE_TYPE,
    PLAN_TYPE,
    CaseworkClock,
    CaseworkDue,
    FollowUp,
    Late,
    Person,
    ReminderFacts,
)
from services.reminders.rows import ReminderRow
from services.reminders.snoozing import snoozes_before
from services.views import initials

Lateness = Callable[[datetime, datetime, Settings], Late | None]
Sent = TypeVar("Sent", bound=ReminderRow)


def casework_facts_for(
    session: Session,
    reminders: Sequence[ReminderRow],
    settings: Settings,
    now: datetime,
    lateness: Lateness,
    late: bool,
    escalation: Escalation,
) -> dict[int, ReminderFacts]:
    found: dict[int, ReminderFacts] = {}
    for reminder in reminders:
        assert reminder.id is not None
        source_id = follow_up_source(reminder.kind)
        source = session.get(Reminder, int(source_id)) if source_id else None
        about = _about(session, settings, source or reminder)
        if about is None:
            continue
        reference, type_, subject_id, team_id, owner_id, due = about
        users = _users(session, [i for i in (reminder.recipient_id, owner_id, source and source.recipient_id) if i])
        recipient, owner = users.get(reminder.recipient_id or 0), users.get(owner_id)
        told = users.get(source.recipient_id or 0) if source else recipient  # whom `due` was sent to
        if told is not None and owner is not None and told.id != owner.id:
            due = CaseworkDue(due.what, due.due_at, due.overdue, due.number, Person(owner.slack_user_id))
        subject: CaseworkDue | FollowUp = due
        if source_id is not None:  # sent again, or escalated: about its source's clock
            failed = source is not None and source.state is ReminderState.FAILED
            subject = FollowUp(
                reminder.kind.startswith("renotify"),
                due if source else None,
                failed,
                Person(told.slack_user_id if told else None),
            )
        perpetrator = session.get(Perpetrator, subject_id)
        deadline = due.due_at if not due.overdue and source_id is None else None
        found[reminder.id] = ReminderFacts(
            reminder_id=reminder.id,
            kind=reminder.kind,
            reference=reference,
            order_type=type_,
            initials=initials(perpetrator.full_name) if perpetrator else "?",
            subject=subject,
            critical=reminder.critical,
            due_at=reminder.due_at,
            officer_slack_id=owner.slack_user_id if owner else "",
            tz=settings.timezone,
            recipient_slack_id=recipient.slack_user_id if recipient else None,
            channel=reminder.recipient_channel,
            late=lateness(reminder.snoozed_until or reminder.due_at, now, settings) if late else None,
            deadline=deadline,
            snoozes=snoozes_before(deadline, now, settings.timezone),
            escalates_to=escalation.level(reminder, team_id, recipient),
        )
    return found


def still_due(session: Session, reminders: Sequence[Sent], sources: Mapping[int, ReminderRow]) -> list[Sent]:
    """Those of `reminders` whose facts say what is due (casework_facts_for gives them a CaseworkDue,
    or a follow-up of one): what they are about, a follow-up's source's, is on record (a request; a
    plan and the record it was adopted from). Read set by set from `sources`, the follow-ups'
    sources by id, and two statements, not their facts: the App Home tells live from spent so."""
    about: dict[int | None, ReminderRow] = {}
    for reminder in reminders:
        source_id = follow_up_source(reminder.kind)
        found = reminder if source_id is None else sources.get(int(source_id))
        if found is not None:
            about[reminder.id] = found
    request_ids = sorted({a.disclosure_id for a in about.values() if a.disclosure_id is not None})
    plan_ids = sorted({a.plan_id for a in about.values() if a.disclosure_id is None and a.plan_id is not None})
    requests: set[int | None] = set()
    if request_ids:
        requests = set(
            session.exec(select(DisclosureRequest.id).where(col(DisclosureRequest.id).in_(request_ids))).all()
        )
    plans: set[int | None] = set()
    if plan_ids:
        adopted = sa.exists().where(col(ProtectionOrder.perpetrator_id) == col(ManagementPlan.perpetrator_id))
        plans = set(session.exec(select(ManagementPlan.id).where(col(ManagementPlan.id).in_(plan_ids), adopted)).all())
    return [
        r
        for r in reminders
        if (a := about.get(r.id)) is not None
        and (a.disclosure_id in requests if a.disclosure_id is not None else a.plan_id in plans)
    ]


def _users(session: Session, ids: list[int]) -> dict[int | None, UserRow]:
    batch = current(session)
    if batch is not None and all(i in batch.users for i in ids):
        return {i: batch.users[i] for i in ids}
    return {u.id: u for u in session.exec(select(AppUser).where(col(AppUser.id).in_(ids))).all()}


About = tuple[str, str, int, int, int, CaseworkDue]  # reference, type, subject, team, owner, what


def _about(session: Session, settings: Settings, reminder: ReminderRow) -> About | None:
    if reminder.disclosure_id is not None:
        return _request(session, settings, reminder)
    return _plan(session, reminder)


def _request(session: Session, settings: Settings, reminder: ReminderRow) -> About | None:
    request = session.get(DisclosureRequest, reminder.disclosure_id)
    if request is None:
        return None
    target = completion_target(request.received_at, settings.dvds_target_days, settings.timezone).at
    overdue = reminder.kind.startswith(f"{TARGET_KIND}:")
    what = CaseworkDue(CaseworkClock.CLARE_TARGET, target, overdue)
    return request.reference, CLARE_TYPE, request.perpetrator_id, request.team_id, request.officer_id, what


def _plan(session: Session, reminder: ReminderRow) -> About | None:
    assert reminder.plan_id is not None
    plan = session.get(ManagementPlan, reminder.plan_id)
    record = adopted_from(session, reminder.plan_id)
    if plan is None or record is None:
        return None
    head, _, rest = reminder.kind.partition(":")
    if head.startswith("plan_action_"):
        number = int(rest.split(":")[0])
        batch = current(session)
        if batch is not None:
            action = batch.plan_actions.get((reminder.plan_id, number))
        else:
            action = session.exec(
                select(PlanAction).where(PlanAction.plan_id == plan.id, PlanAction.number == number)
            ).first()
        owner = action.owner_id if action else plan.created_by_id
        what = CaseworkDue(
            CaseworkClock.PLAN_ACTION, action.due_at if action else None, head == "plan_action_overdue", number
        )
    else:
        owner = plan.created_by_id
        what = CaseworkDue(CaseworkClock.PLAN_REVIEW, plan.review_at, head == "plan_review_due")
    return record.reference, PLAN_TYPE, plan.perpetrator_id, plan.team_id, owner, what
