"""What reports return: whose records a report covers, the figures and their weekly trend, and an
export's file. Plain data for blocks/ and the handlers, no database."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from services.disclosures.results import DisclosureFigures
from services.reporting.period import Period


@dataclass(frozen=True)
class ReportScope:
    label: str  # "the force", "Team A", "your teams (Team A, Team B)": never a person
    team_ids: tuple[int, ...] | None  # None: every team

    @property
    def slug(self) -> str:
        """For file names: 'force', 'team-a'."""
        if self.team_ids is None:
            return "force"
        cleaned = "".join(c if c.isalnum() else "-" for c in self.label.lower()).strip("-")
        return "-".join(part for part in cleaned.split("-") if part) or "teams"


@dataclass(frozen=True)
class Figures:
    notices_issued: int
    applications_heard: int
    heard_in_time: int
    orders_granted: int
    orders_refused: int
    notices_converted: int
    notices_lapsed: int
    breaches: int
    breaches_crime_reference_24h: int
    checks_due: int
    checks_on_time: int
    median_hours_service_to_hearing: float | None

    @property
    def conversion_rate(self) -> float | None:
        return self.notices_converted / self.notices_issued if self.notices_issued else None


@dataclass(frozen=True)
class WeeklyTrend:
    weeks: tuple[str, ...]
    series: dict[str, tuple[int, ...]]  # name -> one count per week


@dataclass(frozen=True)
class CaseworkFigures:
    """Incidents, MARAC, Operation Encompass, Clare's Law and plans (services.reporting.casework_stats)."""

    incidents: int
    incidents_high: int
    incidents_medium: int
    incidents_standard: int
    incidents_unassessed: int
    high_risk: int  # high on their DASH
    marac_referred_in_time: int  # of those, referred within the setting's hours of the DASH
    marac_referral_hours: int
    children: int
    schools_told_in_time: int
    disclosures: DisclosureFigures
    plans_open: int
    plans_overdue: int
    plan_actions_overdue: int


@dataclass(frozen=True)
class StatsReport:
    scope: ReportScope
    period: Period
    figures: Figures
    trend: WeeklyTrend
    casework: CaseworkFigures | None = None


class ExportKind(StrEnum):
    """What an export holds, one CSV each: the first word typed after the export command names it."""

    ORDERS = "orders"  # notices and orders: the default
    INCIDENTS = "incidents"  # with their Operation Encompass notifications and MARAC referral and actions
    CLARE = "clare"  # Clare's Law requests
    PLANS = "plans"  # perpetrator management plans

    @property
    def described(self) -> str:
        return {
            ExportKind.ORDERS: "notices and orders",
            ExportKind.INCIDENTS: "incidents (with their MARAC referrals and school notifications)",
            ExportKind.CLARE: "Clare's Law requests",
            ExportKind.PLANS: "perpetrator management plans",
        }[self]


@dataclass(frozen=True)
class Export:
    filename: str
    content: bytes
    rows: int
    scope: ReportScope
    audit_event_id: int
    kind: ExportKind = ExportKind.ORDERS
