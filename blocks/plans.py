"""A perpetrator management plan, shown under the person's history: adopted, review date, each
action with its owner and due date (overdue marked), closure, and the clocks the plan implies."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from blocks.common import Block, context, escape, section, when
from services.people.results import PlanView


def plan_blocks(plan: PlanView, tz: ZoneInfo, headline: str | None = None) -> list[Block]:
    blocks: list[Block] = []
    if headline:
        blocks.append(section(f":white_check_mark: {escape(headline)}"))
    state = f"closed {when(plan.closed_at, tz)}" if plan.closed_at else "open"
    why = f": {escape(plan.close_reason)}" if plan.close_reason else ""
    blocks.append(
        section(
            f"*Management plan* ({state}{why}) · adopted {when(plan.adopted_at, tz)} · "
            f"review {when(plan.review_at, tz)}"
        )
    )
    lines = []
    for action in plan.actions:
        status = f"done {when(action.done_at, tz)}" if action.done_at else ("*overdue*" if action.overdue else "open")
        what = f": {escape(action.what)}" if action.what else ""
        lines.append(
            f"{action.number}. {action.kind}{what} · <@{action.owner_slack_id}> · "
            f"due {when(action.due_at, tz)} · {status}"
        )
    blocks.append(section("\n".join(lines) or "No actions yet."))
    if plan.writable:
        reference = plan.reference
        blocks.append(
            context(
                f'Add or settle: `/dvpn perpetrator {reference} plan action disrupt @officer 1/6/2026 "what"`, '
                f"`/dvpn perpetrator {reference} plan done 1`, `/dvpn perpetrator {reference} plan review 1/7/2026`, "
                f'`/dvpn perpetrator {reference} plan close "why"`.'
            )
        )
    return blocks
