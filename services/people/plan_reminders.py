"""A perpetrator management plan's reminders: each open action reminded to its owner the day before
it is due and, when it falls due undone, alerted to its owner and the team's supervisors; the
review date reminded to whoever adopted the plan the day before, then to them and the supervisors
when it arrives. A plan closed, an action done or a review date moved withdraws what no longer
applies (services.records.planning.reconcile), and posted messages are rewritten to say so.

Plans are force policy, not law (rules/plans.py): none of these is statutory, so one falling in the
quiet hours waits for the morning. Alerts are sent even when planned after their time, so an
action entered already overdue still raises its alarm.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from config import Settings
from models import ManagementPlan, PlanAction
from models.types import pk
from services.records.planning import PlannedReminder, after_quiet_hours, reconcile, supervisor_ids

ACTION_DUE = "plan_action_due:{action}"  # the owner, a day before
ACTION_OVERDUE = "plan_action_overdue:{action}:{user}"  # owner and supervisors, when it falls due undone
REVIEW_SOON = "plan_review_soon"  # whoever adopted the plan, a day before the review
REVIEW_DUE = "plan_review_due:{user}"  # they and the supervisors, when the review date arrives
AHEAD = timedelta(days=1)
# Why a posted reminder is withdrawn (worded by blocks.reminder_wording).
MOOT_ACTION_DONE = "moot_plan_action_done"
MOOT_CLOSED = "moot_closed"
MOOT_CHANGED = "moot_changed"  # the review date moved


def planned(plan: ManagementPlan, actions: Sequence[PlanAction], supervisors: list[int]) -> list[PlannedReminder]:
    """Every reminder the plan implies, before quiet hours are applied: none once it is closed."""
    if plan.closed_at is not None:
        return []
    found: list[PlannedReminder] = []
    for action in actions:
        if action.done_at is not None:
            continue
        found.append(PlannedReminder(ACTION_DUE.format(action=action.number), action.due_at - AHEAD, action.owner_id))
        found += [
            PlannedReminder(ACTION_OVERDUE.format(action=action.number, user=u), action.due_at, u, fire_if_late=True)
            for u in dict.fromkeys((action.owner_id, *supervisors))
        ]
    if plan.review_at is not None:
        found.append(PlannedReminder(REVIEW_SOON, plan.review_at - AHEAD, plan.created_by_id))
        found += [
            PlannedReminder(REVIEW_DUE.format(user=u), plan.review_at, u, fire_if_late=True)
            for u in dict.fromkeys((plan.created_by_id, *supervisors))
        ]
    return found


def moot_reason(plan: ManagementPlan, actions: Sequence[PlanAction], kind: str) -> str:
    if plan.closed_at is not None:
        return MOOT_CLOSED
    if kind.startswith("plan_action_"):
        number = int(kind.split(":")[1])
        if any(a.number == number and a.done_at is not None for a in actions):
            return MOOT_ACTION_DONE
    return MOOT_CHANGED


def replan_plan(
    session: Session,
    plan: ManagementPlan,
    settings: Settings,
    now: datetime,
    by: int | None = None,
    moot: str | None = None,
) -> tuple[int, int]:
    """Plan the plan's reminders and reconcile them with the stored ones: every write to a plan or
    its actions calls this in its unit of work. `by`: whose change it is (None: the system);
    `moot`: what the messages of posted reminders it withdraws say happened, when not the plan's
    own progress (an owner left)."""
    session.flush()
    actions = session.exec(
        select(PlanAction).where(PlanAction.plan_id == plan.id).order_by(col(PlanAction.number))
    ).all()
    policy, tz = settings.reminders, settings.timezone
    plan_now = []
    for p in planned(plan, actions, supervisor_ids(session, plan.team_id)):
        moved = after_quiet_hours(p.due_at, policy, tz)
        plan_now.append(
            p if moved == p.due_at else PlannedReminder(p.kind, moved, p.recipient_id, p.critical, p.fire_if_late)
        )
    relevant = {(p.kind, p.due_at) for p in plan_now}
    wanted = [p for p in plan_now if p.fire_if_late or p.due_at >= now]
    return reconcile(
        session,
        None,
        wanted,
        now,
        relevant,
        why=lambda kind: moot or moot_reason(plan, actions, kind),
        plan_id=pk(plan),
        by=by,
    )
