"""A Clare's Law request's reminders: its completion target (rules.disclosure.clocks, the force's
DVPN_DVDS_TARGET_DAYS and DVPN_DVDS_NEAR_DAYS) planned as reminders while the request is open, then
reconciled with the stored rows as a record's are (services.records.planning.reconcile), so a
request completed or closed withdraws them and their posted messages are rewritten.

When the request comes within the near-target period its officer is reminded (critical: left
unacknowledged, it goes up the escalation chain) and the team's supervisors are told; when the
target passes with the request still open, the officer and the supervisors are alerted (sent even
when planned after its time, so a request recorded late still raises its alarm). Neither is a
statutory deadline, so one falling in the quiet hours waits for the morning.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session

from config import ReminderPolicy, Settings
from models import DisclosureRequest
from models.types import pk
from rules.disclosure import NEAR_KIND, TARGET_KIND, Clock, clocks
from services.disclosures.viewing import facts_of
from services.records.planning import PlannedReminder, after_quiet_hours, reconcile, supervisor_ids

# Kinds: the clock's kind (rules.disclosure), then who, where several people get one.
NEAR = NEAR_KIND  # the officer, when the request comes within the near-target period
NEAR_TEAM = NEAR_KIND + ":{user}"  # each supervisor, at the same time
PAST = TARGET_KIND + ":{user}"  # officer and supervisors, when the target passes unmet
# Why a posted reminder is withdrawn (worded by blocks.reminder_wording).
MOOT_COMPLETED = "moot_dvds_completed"  # the disclosure was made
MOOT_CLOSED = "moot_closed"
MOOT_CHANGED = "moot_changed"  # its target moved (a corrected receipt time or a new setting)


def request_clocks(request: DisclosureRequest, settings: Settings) -> tuple[Clock, ...]:
    return clocks(
        request.received_at,
        facts_of(request),
        target_days=settings.dvds_target_days,
        near_days=settings.dvds_near_days,
        tz=settings.timezone,
    )


def planned(request: DisclosureRequest, settings: Settings, supervisors: list[int]) -> list[PlannedReminder]:
    """Every reminder the open request implies, before quiet hours are applied."""
    found: list[PlannedReminder] = []
    officer = request.officer_id
    for clock in request_clocks(request, settings):
        if clock.kind == NEAR_KIND:
            found.append(PlannedReminder(NEAR, clock.due_at, officer, critical=True))
            found += [PlannedReminder(NEAR_TEAM.format(user=u), clock.due_at, u) for u in supervisors if u != officer]
        else:
            found += [
                PlannedReminder(PAST.format(user=u), clock.due_at, u, fire_if_late=True)
                for u in dict.fromkeys((officer, *supervisors))
            ]
    return found


def _quiet(p: PlannedReminder, policy: ReminderPolicy, tz: ZoneInfo) -> PlannedReminder:
    moved = after_quiet_hours(p.due_at, policy, tz)
    return p if moved == p.due_at else PlannedReminder(p.kind, moved, p.recipient_id, p.critical, p.fire_if_late)


def moot_reason(request: DisclosureRequest) -> str:
    if request.disclosed_at is not None:
        return MOOT_COMPLETED
    return MOOT_CLOSED if request.closed_at is not None else MOOT_CHANGED


def replan_request(
    session: Session,
    request: DisclosureRequest,
    settings: Settings,
    now: datetime,
    by: int | None = None,
    moot: str | None = None,
) -> tuple[int, int]:
    """Plan the request's reminders and reconcile them with the stored ones: every write to a
    request calls this in its unit of work. `by`: whose change it is (None: the system); `moot`:
    what the messages of posted reminders it withdraws say happened, when not the request's own
    progress (its officer left)."""
    session.flush()
    supervisors = supervisor_ids(session, request.team_id)
    plan = [_quiet(p, settings.reminders, settings.timezone) for p in planned(request, settings, supervisors)]
    relevant = {(p.kind, p.due_at) for p in plan}
    wanted = [p for p in plan if p.fire_if_late or p.due_at >= now]
    reason = moot or moot_reason(request)
    return reconcile(session, None, wanted, now, relevant, why=lambda kind: reason, disclosure_id=pk(request), by=by)
