"""`/dvpn caseload`: counts per status, a table per officer, then the records by urgency with Open
buttons and a "More" button. References, initials and deadlines only."""

from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

from blocks import actions as ids
from blocks.common import (
    MAX_MESSAGE_BLOCKS,
    Block,
    Cell,
    actions,
    button,
    context,
    divider,
    escape,
    fit,
    section,
    table,
    table_text,
    user_cell,
)
from blocks.lists import record_row
from blocks.wording import mention
from services.reporting.list_results import Caseload
from services.wording import Mention

FILTER_HELP = "Widen it: `status:all`, a longer `due:`, or drop a filter."


def caseload_blocks(load: Caseload, tz: ZoneInfo, now: datetime) -> list[Block]:
    shown = f"{load.offset + 1}–{load.offset + len(load.items)} of {load.total}" if load.items else "none"
    blocks: list[Block] = [
        section(f"*Caseload: {_whose(load.whose)}* · {escape(load.query.filters_text())} ({shown})"),
    ]
    if load.offset == 0:
        blocks += _counts(load)
    if not load.items:
        blocks.append(context(f"No records match. {FILTER_HELP}"))
    blocks += [record_row(item, tz, now) for item in load.items]
    if load.remaining:
        value = json.dumps({"q": load.query.dump(), "offset": load.offset + len(load.items)})
        blocks.append(actions(button(f"More ({load.remaining})", ids.MORE_CASELOAD, value)))
    return fit(blocks, MAX_MESSAGE_BLOCKS, "… {count} more: narrow the caseload with a filter.")


def caseload_text(load: Caseload) -> str:
    """The notification text, and what a client that does not draw the officers' table shows."""
    lines = [f"Caseload: {load.total} records"]
    if load.offset == 0 and load.by_officer:
        rows = [[mention(o.slack_user_id), o.records, o.overdue or "—"] for o in load.by_officer]
        lines.append(table_text(OFFICER_HEADING, rows))
    return "\n".join(lines)


OFFICER_HEADING = ("Officer", "Records", "Overdue")


def _counts(load: Caseload) -> list[Block]:
    if not load.by_status:
        return []
    statuses = " · ".join(f"{status} {count}" for status, count in load.by_status)
    blocks = [section(f"*By status:* {statuses}")]
    if load.by_officer:
        cells: list[list[Cell]] = [[user_cell(o.slack_user_id), o.records, o.overdue or "—"] for o in load.by_officer]
        blocks.append(table(OFFICER_HEADING, cells, right=(1, 2)))
        others = load.officers_total - len(load.by_officer)
        if others > 0:
            blocks.append(context(f"… and {others} more officer{'s' * (others != 1)}"))
    blocks.append(divider())
    return blocks


def _whose(whose: str | Mention) -> str:
    return mention(whose.user_id) if isinstance(whose, Mention) else escape(whose)
