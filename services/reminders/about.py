"""The record a reminder is about: a notice or order, an incident, a Clare's Law request, or, for a
perpetrator management plan, the record the plan was adopted from (its team's officers and
supervisors act on the plan, as services/people/plans.py decides). The queue, the escalation
chain and the buttons need only its reference, team and officer in charge."""

from __future__ import annotations

from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, select

from models import DisclosureRequest, Incident, ManagementPlan, ProtectionOrder, Reminder
from services.reminders.batch import current, subject_key
from services.reminders.rows import ReminderRow

Record = ProtectionOrder | Incident | DisclosureRequest


def record_of(session: Session, reminder: ReminderRow) -> Record:
    batch = current(session)  # a claimed batch holds its records
    record: Record | None = batch.records.get(subject_key(reminder)) if batch is not None else None
    if record is not None:
        return record
    if reminder.incident_id is not None:
        record = session.get(Incident, reminder.incident_id)
    elif reminder.disclosure_id is not None:
        record = session.get(DisclosureRequest, reminder.disclosure_id)
    elif reminder.plan_id is not None:
        record = adopted_from(session, reminder.plan_id)
    else:
        record = session.get(ProtectionOrder, reminder.order_id)
    assert record is not None, f"reminder {reminder.id} is about no record"
    return record


def officer_of(session: Session, reminder: ReminderRow) -> int:
    """The officer in charge of the record a reminder is about: a claimed batch holds them all,
    including its notices' and orders', which it reads as plain rows rather than records."""
    batch = current(session)
    officer = batch.officers.get(subject_key(reminder)) if batch is not None else None
    return officer if officer is not None else record_of(session, reminder).officer_id


def adopted_from(session: Session, plan_id: int) -> ProtectionOrder | None:
    """The record a plan was adopted from: the one whose perpetrator row the plan names."""
    batch = current(session)
    if batch is not None and plan_id in batch.plan_records:
        return batch.plan_records[plan_id]
    plan = session.get(ManagementPlan, plan_id)
    if plan is None:
        return None
    return session.exec(
        select(ProtectionOrder)
        .where(ProtectionOrder.perpetrator_id == plan.perpetrator_id)
        .order_by(col(ProtectionOrder.id))
    ).first()


def same_record(reminder: ReminderRow) -> ColumnElement[bool]:
    """SQL: reminders about the same record as `reminder`."""
    if reminder.incident_id is not None:
        return col(Reminder.incident_id) == reminder.incident_id
    if reminder.disclosure_id is not None:
        return col(Reminder.disclosure_id) == reminder.disclosure_id
    if reminder.plan_id is not None:
        return col(Reminder.plan_id) == reminder.plan_id
    return col(Reminder.order_id) == reminder.order_id
