"""/dvpn perpetrator REF plan ...: a perpetrator management plan for the person on the record REF.

perpetrator REF plan                                    the plan
perpetrator REF plan adopt [review WHEN]
perpetrator REF plan action disrupt|divert|enforce|support @owner DUE "what"
perpetrator REF plan done N · review WHEN · close "why"
"""

from __future__ import annotations

import re
from datetime import datetime

from blocks.common import Block, section
from blocks.plans import plan_blocks
from handlers import parsing
from handlers.router import Invocation, Reply
from rules.periods import end_of_day
from rules.plans import ActionKind
from services.errors import DomainError, NotAllowed
from services.people import plans
from services.when import parse_day

PLAN_USAGE = (
    'perpetrator REF plan adopt · perpetrator REF plan action support @officer 1/6/2026 "what" · '
    'perpetrator REF plan done 1 · perpetrator REF plan review 1/7/2026 · perpetrator REF plan close "why"'
)
QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"'})


def _reading(inv: Invocation, command: str) -> parsing.Reading:
    return parsing.Reading(inv.now, inv.tz, inv.ctx.settings.past_event_days, command)


DAY = re.compile(r"^\d{1,2}/\d{1,2}/\d{4}$|^\d{4}-\d{1,2}-\d{1,2}$")


def _due(inv: Invocation, text: str, command: str, field: str) -> datetime:
    """A due or review date: a day alone is due by the end of that day (local); or a day and time."""
    if DAY.fullmatch(text.strip()):
        return end_of_day(parse_day(text, field=field), inv.tz)
    return parsing.when(text, _reading(inv, command), kind="check_due", field=field)


def plan(inv: Invocation, ref: str, rest: str) -> Reply:
    verb, _, detail = rest.translate(QUOTES).strip().partition(" ")
    verb, detail = verb.lower(), detail.strip()
    ctx, user = inv.ctx, inv.user_id
    if not verb:
        found = plans.plan_for(ctx, user, ref)
        if found is None:
            return Reply(
                [
                    section(
                        f"No management plan for the person on {ref}. Adopt one: `/dvpn perpetrator {ref} plan adopt`."
                    )
                ],
                "No plan",
            )
        return Reply(plan_blocks(found, inv.tz), "Management plan")
    if verb == "adopt":
        review = None
        if detail.lower().startswith("review "):
            review = _due(inv, detail[7:], f"perpetrator {ref} plan adopt review", "review_at")
        elif detail:
            raise DomainError(f"Usage: `/dvpn perpetrator {ref} plan adopt review 1/7/2026`.", "review_at")
        return Reply(
            plan_blocks(plans.adopt(ctx, user, ref, review), inv.tz, "Management plan adopted."), "Plan adopted"
        )
    if verb == "action":
        return _action(inv, ref, detail)
    if verb == "done" and detail.isdigit():
        return Reply(
            plan_blocks(plans.action_done(ctx, user, ref, int(detail)), inv.tz, f"Action {detail} done."), "Action done"
        )
    if verb == "review" and detail:
        at = _due(inv, detail, f"perpetrator {ref} plan review", "review_at")
        return Reply(plan_blocks(plans.set_review(ctx, user, ref, at), inv.tz, "Review date set."), "Review set")
    if verb == "close":
        reason = detail.strip().strip('"')
        return Reply(plan_blocks(plans.close_plan(ctx, user, ref, reason), inv.tz, "Plan closed."), "Plan closed")
    raise DomainError(f"Usage: `/dvpn {PLAN_USAGE}`.", "plan")


def _action(inv: Invocation, ref: str, detail: str) -> Reply:
    head, quote, tail = detail.partition('"')
    words = head.split()
    kind = ActionKind(words[0].lower()) if words and words[0].lower() in set(ActionKind) else None
    if kind is None or len(words) < 3 or not quote:
        raise DomainError(
            "Say the kind, owner, due date and what, e.g. "
            f'`/dvpn perpetrator {ref} plan action support @officer 1/6/2026 "referral to a perpetrator programme"`.',
            "action",
        )
    owner = parsing.user_id(words[1])
    due = _due(inv, " ".join(words[2:]), f"perpetrator {ref} plan action {kind.value} {words[1]}", "due_at")
    view = plans.add_action(inv.ctx, inv.user_id, ref, kind, owner, due, tail.rstrip().rstrip('"'))
    return Reply(plan_blocks(view, inv.tz, f"Action {len(view.actions)} added."), "Action added")


def plan_under_history(inv: Invocation, ref: str) -> list[Block]:
    """The plan under a person's history, when there is one the user may see."""
    try:
        found = plans.plan_for(inv.ctx, inv.user_id, ref)
    except NotAllowed:
        return []
    return plan_blocks(found, inv.tz) if found is not None else []
