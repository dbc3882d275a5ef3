"""SQLModel tables. Import from here so every table is registered on `metadata`."""

from sqlmodel import SQLModel

from domain.enums import DigestState, HearingOutcome, NotificationKind, OrderStatus, ReminderState, RiskLevel, Role
from models.audit import AuditEvent
from models.calendar_days import ExtraExcludedDay
from models.caseload import CaseloadCount, CaseworkDailyCount, CaseworkSpread, DailyCount
from models.deliveries import SlackDelivery
from models.digests import DigestRun
from models.disclosures import DisclosureApplicant, DisclosureRequest, ManagementPlan, PlanAction
from models.incidents import Incident, IncidentChild, IncidentCount, MaracAction, MaracReferral, SchoolHolidayTerm
from models.orders import (
    ACTIVE_WITH_LAPSE,
    BREACH_TEAM,
    CHECK_ACTIVE_TEAM,
    HEARING_ACTIVE_TEAM,
    Breach,
    BreachCheck,
    Hearing,
    Notification,
    ProtectionOrder,
    ReferenceCounter,
)
from models.people import IdentityMismatch, OrderProtectedPerson, Perpetrator, ProtectedPerson
from models.priority import PriorityAhead, PriorityDirty, PriorityMember, PriorityState, PriorityTally, PriorityTeam
from models.reminders import Reminder
from models.search import SearchTerm, SearchTermKey, TermKind
from models.staff import AppUser, Team, TeamSupervisor
from models.threads import RecordThreadPost

metadata = SQLModel.metadata

__all__ = [
    "ACTIVE_WITH_LAPSE",
    "BREACH_TEAM",
    "CHECK_ACTIVE_TEAM",
    "HEARING_ACTIVE_TEAM",
    "AppUser",
    "AuditEvent",
    "Breach",
    "BreachCheck",
    "CaseloadCount",
    "CaseworkDailyCount",
    "CaseworkSpread",
    "DailyCount",
    "DigestRun",
    "DigestState",
    "DisclosureApplicant",
    "DisclosureRequest",
    "ExtraExcludedDay",
    "Hearing",
    "HearingOutcome",
    "IdentityMismatch",
    "Incident",
    "IncidentChild",
    "IncidentCount",
    "ManagementPlan",
    "MaracAction",
    "MaracReferral",
    "Notification",
    "NotificationKind",
    "OrderProtectedPerson",
    "OrderStatus",
    "Perpetrator",
    "PlanAction",
    "PriorityAhead",
    "PriorityDirty",
    "PriorityMember",
    "PriorityState",
    "PriorityTally",
    "PriorityTeam",
    "ProtectedPerson",
    "ProtectionOrder",
    "RecordThreadPost",
    "ReferenceCounter",
    "Reminder",
    "ReminderState",
    "RiskLevel",
    "Role",
    "SchoolHolidayTerm",
    "SearchTerm",
    "SearchTermKey",
    "SlackDelivery",
    "Team",
    "TeamSupervisor",
    "TermKind",
    "metadata",
]
