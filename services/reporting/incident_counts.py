"""The incident caseload's total from the kept counts (models.incidents.IncidentCount, kept by
triggers in the same transaction as each write, migration 0030): per team, officer and risk level,
how many incidents and how many with no MARAC referral, summed over a few thousand rows instead of
counted over millions of incidents. Used when a question's filters are the kept keys (the teams in
scope, a risk level or none yet, no MARAC referral); one asking for a school still to be told
counts the incidents themselves (services.reporting.incident_caseload)."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, func, select

from domain.enums import RiskLevel
from models import IncidentCount
from models.incidents import UNASSESSED


def kept(*, untold: bool) -> bool:
    """Whether the counts keep a question's total: all but the schools still to be told."""
    return not untold


def total(
    session: Session,
    teams: Collection[int] | None,
    risk: RiskLevel | None = None,
    *,
    unassessed: bool = False,
    no_marac: bool = False,
) -> int:
    """The incidents of `teams` (None: every team) at `risk` (or with no DASH yet, if `unassessed`),
    only those with no MARAC referral if `no_marac`."""
    wanted: list[ColumnElement[bool]] = [] if teams is None else [col(IncidentCount.team_id).in_(sorted(teams))]
    if risk is not None:
        wanted.append(col(IncidentCount.risk) == risk.value)
    if unassessed:
        wanted.append(col(IncidentCount.risk) == UNASSESSED)
    counted = col(IncidentCount.unreferred) if no_marac else col(IncidentCount.incidents)
    return int(session.exec(select(func.coalesce(func.sum(counted), 0)).where(*wanted)).one())
