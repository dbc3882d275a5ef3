"""Record lists (`/dvpn list`). References and initials only."""

from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

from blocks import actions as ids
from blocks.common import (
    MAX_MESSAGE_BLOCKS,
    Block,
    actions,
    button,
    context,
    fit,
    section,
    when,
)
from services.reporting.list_results import RecordPage, RecordSummary

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
