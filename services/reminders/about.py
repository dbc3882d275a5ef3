"""The record a reminder is about: a notice or order, or an incident. The queue, the escalation
chain and the buttons need only its reference, team and officer in charge."""

from __future__ import annotations

from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col

from models import Incident, ProtectionOrder, Reminder


def record_of(session: Session, reminder: Reminder) -> ProtectionOrder | Incident:
    record: ProtectionOrder | Incident | None = (
        session.get(Incident, reminder.incident_id)
        if reminder.incident_id is not None
        else session.get(ProtectionOrder, reminder.order_id)
    )
    assert record is not None, f"reminder {reminder.id} is about no record"
    return record


def same_record(reminder: Reminder) -> ColumnElement[bool]:
    """SQL: reminders about the same record as `reminder`."""
    if reminder.incident_id is not None:
        return col(Reminder.incident_id) == reminder.incident_id
    return col(Reminder.order_id) == reminder.order_id
