"""The App Home: "Mine today", "My team" (supervisors) and "Waiting for me", live items only, each
line in the words the digest and the reminder messages use (blocks.digest.item_text,
blocks.reminder_wording.headline: one wording for a thing wherever it is shown), each with its main
action as a button. References and initials only."""

from __future__ import annotations

from collections.abc import Sequence
from zoneinfo import ZoneInfo

from blocks import actions as ids
from blocks.common import MAX_VIEW_BLOCKS, Block, actions, button, context, divider, escape, fit, header, section, when
from blocks.digest import BUTTONS, item_text, nudge_value
from blocks.reminder_wording import headline
from blocks.reminders import WORK_BUTTONS
from blocks.wording import command
from services.reminders.results import (
    HOME_LISTED,
    AwaitingHearing,
    CheckAt,
    DigestItem,
    HomeBoard,
    ItemAction,
    OutcomeDue,
    ReminderFacts,
)
from services.wording import Command

SHOWN = HOME_LISTED  # lines per part (what the Home reads of a section); the rest counted, the full list named
# The main action of an item on the user's own record: the work itself where a form does it.
MY_WORK = {
    AwaitingHearing: ("Book hearing", ids.BOOK_HEARING),
    OutcomeDue: ("Record outcome", ids.RECORD_OUTCOME),
    CheckAt: ("Check done", ids.CHECK_DONE),
}


def unplaced_home(message: str) -> dict[str, object]:
    """The App Home of someone in no team: how to get placed, and nothing else."""
    return {"type": "home", "blocks": [header("dvpn-bot"), section(f":information_source: {message}")]}


def home_view(board: HomeBoard, tz: ZoneInfo) -> dict[str, object]:
    blocks: list[Block] = [
        header("dvpn-bot"),
        actions(button("New protection record", ids.NEW_RECORD, style="primary")),
    ]
    if not board.team_assigned and board.role in ("officer", "supervisor"):
        blocks.append(
            context(":information_source: You are not in a team yet. Ask an admin: `/dvpn admin team add TEAM @you`.")
        )
    mine = [_mine(i, tz) for i in board.mine]
    blocks += _part("Mine today", mine, board.mine_count, "Nothing needs you today.", Command("list", "mine"))
    if board.role == "supervisor":
        team = [_team(i, tz) for i in board.team]
        blocks += _part("My team", team, board.team_count, "Nothing open in your teams.", Command("list", "due"))
    waiting = [_waiting(f) for f in board.waiting]
    blocks += _part("Waiting for me", waiting, board.waiting_count, "Nothing waiting.", Command("list", "due"))
    blocks.append(context(f"Updated {when(board.generated_at, tz)} · `/dvpn help` for every command"))
    return {"type": "home", "blocks": fit(blocks, MAX_VIEW_BLOCKS, "… {count} more left out: use `/dvpn list`.")}


def _part(title: str, rows: Sequence[Block], count: int, empty: str, full: Command) -> list[Block]:
    """A part's first SHOWN lines of the `count` it has in all (those read and those only counted),
    and when some are left out, which command lists them."""
    shown = [divider(), section(f"*{title}*" + (f" ({count})" if count else ""))]
    if not count:
        return [*shown, context(empty)]
    listed = rows[:SHOWN]
    more = [context(f"{len(listed)} of {count} shown: {command(full)} lists the rest")] if count > len(listed) else []
    return [*shown, *listed, *more]


def _said(item: DigestItem, tz: ZoneInfo) -> str:
    return escape("; also ".join(item_text(about, tz) for about in (item.about, *item.also)))


def _mine(item: DigestItem, tz: ZoneInfo) -> Block:
    label, action_id = MY_WORK.get(type(item.about), (BUTTONS[ItemAction.OPEN], ids.OPEN_RECORD))
    text = f"*{item.reference}* ({escape(item.initials)}) {item.order_type}: {_said(item, tz)}"
    return section(text, accessory=button(label, action_id, item.reference))


def _team(item: DigestItem, tz: ZoneInfo) -> Block:
    officer = f" · <@{item.officer_slack_id}>" if item.officer_slack_id else ""
    text = f"*{item.reference}* ({escape(item.initials)}) {item.order_type}: {_said(item, tz)}{officer}"
    if item.action is ItemAction.NUDGE:
        return section(text, accessory=button(BUTTONS[ItemAction.NUDGE], ids.DIGEST_NUDGE, nudge_value(item)))
    if item.action is ItemAction.OUTCOME:
        return section(text, accessory=button(BUTTONS[ItemAction.OUTCOME], ids.RECORD_OUTCOME, item.reference))
    return section(text, accessory=button(BUTTONS[ItemAction.OPEN], ids.OPEN_RECORD, item.reference))


def _waiting(facts: ReminderFacts) -> Block:
    value = str(facts.reminder_id)
    if facts.offer is not None:
        label, action_id = WORK_BUTTONS[facts.offer][0]
    elif facts.critical:
        label, action_id = "Acknowledge", ids.REMINDER_ACKNOWLEDGE
    else:
        label, action_id = "Dismiss", ids.REMINDER_DISMISS
    text = (
        f"*{escape(headline(facts))}*\n*{facts.reference}* ({escape(facts.initials)}) {facts.order_type} · "
        f"sent {when(facts.due_at, facts.tz)}"
    )
    return section(text, accessory=button(label, action_id, value))
