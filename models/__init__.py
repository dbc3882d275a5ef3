"""SQLModel tables. Import from here so every table is registered on `metadata`."""

from sqlmodel import SQLModel

from domain.enums import DigestState, HearingOutcome, NotificationKind, OrderStatus, ReminderState, RiskLevel, Role
from models.audit import AuditEvent
from models.calendar_days import ExtraExcludedDay
from models.deliveries import SlackDelivery
from models.digests import DigestRun
from models.incidents import Incident, IncidentChild, MaracAction, MaracReferral, SchoolHolidayTerm
from models.orders import Breach, BreachCheck, Hearing, Notification, ProtectionOrder, ReferenceCounter
from models.people import IdentityMismatch, OrderProtectedPerson, Perpetrator, ProtectedPerson
from models.reminders import Reminder
from models.staff import AppUser, Team, TeamSupervisor

metadata = SQLModel.metadata

__all__ = [
    "AppUser",
    "AuditEvent",
    "Breach",
    "BreachCheck",
    "DigestRun",
    "DigestState",
    "ExtraExcludedDay",
    "Hearing",
    "HearingOutcome",
    "IdentityMismatch",
    "Incident",
    "IncidentChild",
    "MaracAction",
    "MaracReferral",
    "Notification",
    "NotificationKind",
    "OrderProtectedPerson",
    "OrderStatus",
    "Perpetrator",
    "ProtectedPerson",
    "ProtectionOrder",
    "ReferenceCounter",
    "Reminder",
    "ReminderState",
    "RiskLevel",
    "Role",
    "SchoolHolidayTerm",
    "SlackDelivery",
    "Team",
    "TeamSupervisor",
    "metadata",
]
