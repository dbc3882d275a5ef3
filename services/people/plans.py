"""Perpetrator management plans: adopted for the person on a record, on a date, with actions
(disrupt, divert, enforce, support) each with an owner and a due date, a review date, and closure
with the reason. One unit of work per change, authorised as a change to the record it was adopted
from (its team's officers and supervisors), audited with typed text masked.

A plan's clocks (each open action's due date, the review date) are rules.plans.plan_clocks, shown on
the plan; every write replans its reminders in its unit of work (services/people/plan_reminders.py)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from sqlmodel import Session, col, or_, select

from models import AppUser, ManagementPlan, Perpetrator, PlanAction, ProtectionOrder
from models.types import pk
from rules.plans import ActionKind, OpenAction, plan_clocks
from rules.validation import Violation
from services import stored_text
from services.context import ServiceContext
from services.errors import Conflict, NotAllowed, NotFound, raise_if_any
from services.governance.access import can_read, can_write, require_write
from services.governance.audit import snapshot
from services.people.plan_reminders import replan_plan
from services.people.results import PlanActionView, PlanView
from services.records.lookup import find_order
from services.unit_of_work import Acting, acting, reading
from services.wording import Command


def same_person_rows(session: Session, perpetrator_id: int) -> list[int]:
    """The perpetrator rows of the person on a record: the same PNC id, or the same name and date of birth."""
    row = session.get(Perpetrator, perpetrator_id)
    if row is None:
        return [perpetrator_id]
    clauses = [col(Perpetrator.id) == perpetrator_id]
    if row.pnc_id:
        clauses.append(col(Perpetrator.pnc_id) == row.pnc_id)
    if row.date_of_birth is not None:
        clauses.append(
            (col(Perpetrator.name_key) == row.name_key) & (col(Perpetrator.date_of_birth) == row.date_of_birth)
        )
    return list(session.exec(select(Perpetrator.id).where(or_(*clauses))).all())  # type: ignore[arg-type]


def _plan_of(session: Session, order: ProtectionOrder, *, lock: bool = False) -> ManagementPlan | None:
    """The person's open plan, else their latest."""
    query = (
        select(ManagementPlan)
        .where(col(ManagementPlan.perpetrator_id).in_(same_person_rows(session, order.perpetrator_id)))
        .order_by(col(ManagementPlan.closed_at).is_not(None), col(ManagementPlan.adopted_at).desc())
    )
    return session.exec(query.with_for_update() if lock else query).first()


@contextmanager
def _open_plan(
    ctx: ServiceContext, actor_slack_id: str, reference: str
) -> Iterator[tuple[Acting, ProtectionOrder, ManagementPlan]]:
    with acting(ctx, actor_slack_id) as work:
        order = find_order(work.session, reference, force_code=ctx.settings.force_code, user=work.user)
        require_write(work.session, work.user, order)
        plan = _plan_of(work.session, order, lock=True)
        if plan is None or plan.closed_at is not None:
            raise Conflict(
                (
                    "There is no open plan for this person. Adopt one: ",
                    Command("perpetrator", f"{reference} plan adopt"),
                    ".",
                )
            )
        yield work, order, plan
        plan.updated_at = work.now
        replan_plan(work.session, plan, ctx.settings, work.now, by=pk(work.user))


def adopt(ctx: ServiceContext, actor_slack_id: str, reference: str, review_at: datetime | None = None) -> PlanView:
    with acting(ctx, actor_slack_id) as work:
        order = find_order(work.session, reference, force_code=ctx.settings.force_code, user=work.user)
        require_write(work.session, work.user, order)
        current = _plan_of(work.session, order, lock=True)
        if current is not None and current.closed_at is None:
            raise Conflict(("This person already has an open plan: ", Command("perpetrator", f"{reference} plan"), "."))
        _future("review_at", review_at, work.now)
        plan = ManagementPlan(
            perpetrator_id=order.perpetrator_id,
            team_id=order.team_id,
            adopted_at=work.now,
            review_at=review_at,
            created_by_id=pk(work.user),
            created_at=work.now,
            updated_at=work.now,
        )
        work.created(plan)
        replan_plan(work.session, plan, ctx.settings, work.now, by=pk(work.user))
        return _view(work.session, work.user, order, plan, work.now)


def add_action(
    ctx: ServiceContext,
    actor_slack_id: str,
    reference: str,
    kind: ActionKind,
    owner_slack_id: str,
    due_at: datetime,
    what: str,
) -> PlanView:
    with _open_plan(ctx, actor_slack_id, reference) as (work, order, plan):
        owner = work.session.exec(select(AppUser).where(AppUser.slack_user_id == owner_slack_id)).first()
        if owner is None or not owner.active:
            raise NotAllowed("The owner must be a dvpn-bot user. Ask an admin to add them.")
        said = " ".join(what.split())
        raise_if_any(
            [
                None
                if said
                else Violation(
                    "what", 'Say what the action is, in quotes: e.g. "referral to a perpetrator programme".'
                ),
                stored_text.violation(PlanAction, "what", said),
            ]
        )
        _future("due_at", due_at, work.now)
        number = len(work.session.exec(select(PlanAction.id).where(PlanAction.plan_id == plan.id)).all()) + 1
        work.created(
            PlanAction(
                plan_id=pk(plan),
                number=number,
                kind=kind,
                what=said,
                owner_id=pk(owner),
                due_at=due_at,
                created_at=work.now,
            )
        )
        return _view(work.session, work.user, order, plan, work.now)


def action_done(ctx: ServiceContext, actor_slack_id: str, reference: str, number: int) -> PlanView:
    with _open_plan(ctx, actor_slack_id, reference) as (work, order, plan):
        action = work.session.exec(
            select(PlanAction).where(PlanAction.plan_id == plan.id, PlanAction.number == number)
        ).first()
        if action is None:
            raise NotFound(f"The plan has no action {number}.", "number")
        if action.done_at is not None:
            raise Conflict(f"Action {number} is already done.")
        before = snapshot(action)
        action.done_at = work.now
        work.changed(action, before)
        return _view(work.session, work.user, order, plan, work.now)


def set_review(ctx: ServiceContext, actor_slack_id: str, reference: str, review_at: datetime) -> PlanView:
    with _open_plan(ctx, actor_slack_id, reference) as (work, order, plan):
        _future("review_at", review_at, work.now)
        if plan.review_at == review_at:  # as any other "already": refused, so every change is audited
            raise Conflict("The plan's review is already set for that date.", "review_at")
        before = snapshot(plan)
        plan.review_at = review_at
        work.changed(plan, before)
        return _view(work.session, work.user, order, plan, work.now)


def close_plan(ctx: ServiceContext, actor_slack_id: str, reference: str, reason: str) -> PlanView:
    with _open_plan(ctx, actor_slack_id, reference) as (work, order, plan):
        said = " ".join(reason.split())
        raise_if_any(
            [
                None
                if said
                else Violation("reason", 'Give the reason for closing the plan, in quotes: e.g. "risk reduced".'),
                stored_text.violation(ManagementPlan, "close_reason", said),
            ]
        )
        before = snapshot(plan)
        plan.closed_at, plan.close_reason = work.now, said
        work.changed(plan, before)
        return _view(work.session, work.user, order, plan, work.now)


def plan_for(ctx: ServiceContext, actor_slack_id: str, reference: str) -> PlanView | None:
    """The person's plan as this user may see it (a record they may read), or None; audited when shown."""
    with reading(ctx, actor_slack_id) as read:
        order = find_order(read.session, reference, force_code=ctx.settings.force_code, user=read.user)
        if not can_read(read.session, read.user, order):
            raise NotAllowed(
                f"{order.reference} belongs to another team. Its officers, supervisors and champions see its plan."
            )
        plan = _plan_of(read.session, order)
        if plan is None:
            return None
        read.audit("view", "management_plan", plan.id, order_id=order.id)
        return _view(read.session, read.user, order, plan, read.now)


def _future(field: str, at: datetime | None, now: datetime) -> None:
    if at is not None and at <= now:
        raise_if_any([Violation(field, "Give a date in the future.")])


def _view(session: Session, user: AppUser, order: ProtectionOrder, plan: ManagementPlan, now: datetime) -> PlanView:
    session.flush()
    actions = session.exec(
        select(PlanAction).where(PlanAction.plan_id == plan.id).order_by(col(PlanAction.number))
    ).all()
    owners = dict(
        session.exec(
            select(AppUser.id, AppUser.slack_user_id).where(col(AppUser.id).in_({a.owner_id for a in actions}))
        ).all()
    )
    named = can_write(session, user, order) or user.team_id == plan.team_id
    open_actions = [OpenAction(a.number, a.kind, a.due_at) for a in actions if a.done_at is None]
    return PlanView(
        reference=order.reference,
        adopted_at=plan.adopted_at,
        review_at=plan.review_at,
        closed_at=plan.closed_at,
        close_reason=plan.close_reason if named else None,
        actions=tuple(
            PlanActionView(
                a.number,
                a.kind.value,
                a.what if named else None,
                owners.get(a.owner_id, ""),
                a.due_at,
                a.done_at,
                a.done_at is None and a.due_at <= now,
            )
            for a in actions
        ),
        clocks=plan_clocks(plan.review_at, open_actions, plan.closed_at is not None),
        writable=can_write(session, user, order) and plan.closed_at is None,
    )
