"""Record lists (`/dvpn list`) and the App Home dashboard. References and initials only."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from blocks import actions as ids
from blocks.common import (
    MAX_MESSAGE_BLOCKS,
    MAX_VIEW_BLOCKS,
    Block,
    actions,
    button,
    context,
    divider,
    fit,
    header,
    section,
    when,
)
from services.reporting.list_results import Dashboard, RecordPage, RecordSummary

SCOPE_TITLES = {
    "mine": "Your records",
    "team": "Your team's records",
    "due": "Deadlines in the next 24 hours or passed",
    "expiring": "Orders ending in the next 7 days",
    "lapsed": "Lapsed notices",
}


def summary_line(item: RecordSummary, tz: ZoneInfo, now: datetime) -> str:
    nxt = item.next_deadline
    if nxt is None:
        due = "no open deadline"
    else:
        flag = ":rotating_light: *overdue* " if nxt.overdue(now) else ""
        due = f"{flag}{nxt.label}: {when(nxt.at, tz)}"
    return f"*{item.reference}* · {item.perpetrator_initials or '—'} · <@{item.officer_slack_id}>\n{due}"


def record_row(item: RecordSummary, tz: ZoneInfo, now: datetime) -> Block:
    return section(summary_line(item, tz, now), accessory=button("Open", ids.OPEN_RECORD, item.reference))


def record_page(page: RecordPage, tz: ZoneInfo, now: datetime) -> list[Block]:
    title = SCOPE_TITLES.get(page.scope.value, "Records")
    shown = f"{page.offset + 1}–{page.offset + len(page.items)} of {page.total}" if page.items else "none"
    blocks: list[Block] = [section(f"*{title}* ({shown})")]
    if not page.items:
        blocks.append(context("Nothing here. `/dvpn list mine|team|due|expiring|lapsed` shows the others."))
    blocks += [record_row(item, tz, now) for item in page.items]
    if page.remaining:
        value = json.dumps({"scope": page.scope.value, "offset": page.offset + len(page.items)})
        blocks.append(actions(button(f"More ({page.remaining})", ids.MORE_RECORDS, value)))
    return fit(blocks, MAX_MESSAGE_BLOCKS, "… {count} more: narrow the list.")


def unplaced_home(message: str) -> dict[str, object]:
    """The App Home of someone in no team: how to get placed, and nothing else."""
    return {"type": "home", "blocks": [header("dvpn-bot"), section(f":information_source: {message}")]}


def home_view(board: Dashboard, tz: ZoneInfo, now: datetime) -> dict[str, object]:
    blocks: list[Block] = [
        header("dvpn-bot"),
        actions(button("New protection record", ids.NEW_RECORD, style="primary")),
    ]
    if not board.team_assigned and board.role in ("officer", "supervisor"):
        blocks.append(
            context(":information_source: You are not in a team yet. Ask an admin: `/dvpn admin team add TEAM @you`.")
        )
    blocks += _part("Your records", [record_row(i, tz, now) for i in board.mine], "No open records.")
    blocks += _part(
        "Breach checks due today",
        [
            section(
                f"*{c.reference}* · due {when(c.due_at, tz)}", accessory=button("Done", ids.CHECK_DONE, c.reference)
            )
            for c in board.checks_due
        ],
        "No checks due today.",
    )
    blocks += _part(
        "Reminders waiting for you",
        [
            section(
                f"*{r.reference}* · {r.kind.split(':', 1)[0].replace('_', ' ')} · {when(r.due_at, tz)}",
                accessory=button("Acknowledge", ids.REMINDER_ACKNOWLEDGE, str(r.reminder_id)),
            )
            for r in board.reminders_waiting
        ],
        "Nothing waiting.",
    )
    if board.role == "supervisor":
        blocks += _part(
            "Your teams: past a deadline",
            [record_row(i, tz, now) for i in board.team_overdue],
            "Nothing overdue in your teams.",
        )
    blocks.append(context(f"Updated {when(now, tz)} · `/dvpn help` for every command"))
    return {"type": "home", "blocks": fit(blocks, MAX_VIEW_BLOCKS, "… {count} more left out: use `/dvpn list`.")}


def _part(title: str, rows: Sequence[Block], empty: str) -> list[Block]:
    return [divider(), section(f"*{title}*"), *(rows or [context(empty)])]
