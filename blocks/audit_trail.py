"""`/dvpn audit REF`: the record's audit trail, oldest first, Europe/London times, with reasons."""

from __future__ import annotations

import json
from zoneinfo import ZoneInfo

from blocks import actions as ids
from blocks.common import MAX_MESSAGE_BLOCKS, Block, actions, button, context, escape, fit, section, when
from services.governance.audit_results import AuditTrailPage, TrailEntry


def audit_trail_blocks(page: AuditTrailPage, tz: ZoneInfo) -> list[Block]:
    shown = f"{page.offset + 1}–{page.offset + len(page.entries)} of {page.total}" if page.entries else "none"
    blocks: list[Block] = [
        section(f"*Audit trail of {page.reference}* ({shown})"),
        context("Data Protection Act 2018 s62: who created, changed, viewed or exported the record, when and why."),
    ]
    blocks += [_entry(entry, tz) for entry in page.entries]
    if page.remaining:
        value = json.dumps({"ref": page.reference, "offset": page.offset + len(page.entries)})
        blocks.append(actions(button(f"More ({page.remaining})", ids.MORE_AUDIT, value)))
    return fit(blocks, MAX_MESSAGE_BLOCKS, "… {count} more entries: press More.")


def _entry(entry: TrailEntry, tz: ZoneInfo) -> Block:
    who = f"<@{entry.actor_slack_id}>" if entry.actor_slack_id else f"dvpn-bot ({escape(entry.system or 'system')})"
    text = f"*{when(entry.at, tz)}* · {who} {escape(entry.what)} _(via {escape(entry.source)})_"
    if entry.justification:
        text += f"\n> Reason: {escape(entry.justification)}"
    return section(text)
