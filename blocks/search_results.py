"""`/dvpn search`: a compact list of records found, each with what it matched and an Open button."""

from __future__ import annotations

from blocks import actions as ids
from blocks.common import MAX_MESSAGE_BLOCKS, Block, button, context, escape, fit, section
from services.reporting.list_results import SearchResults


def search_blocks(results: SearchResults, typed: str) -> list[Block]:
    count = len(results.hits)
    shown = f"{count}{'+' if results.more else ''} record{'s' * (count != 1)}"
    blocks: list[Block] = [section(f"*Search:* {escape(typed[:100])} · {shown}")]
    if not results.hits:
        blocks.append(
            context(
                "Nothing you may see matches. Try a whole reference (WM-DVPN-2026-0042), its beginning "
                "(WM-DVPN-2026), a crime reference, a name (a surname alone will do), an address or a postcode."
            )
        )
    for hit in results.hits:
        text = (
            f"*{hit.reference}* · {hit.order_type} · {hit.status} · {escape(hit.perpetrator_initials) or '—'}\n"
            f"_matched its {hit.matched.value}_"
        )
        blocks.append(section(text, accessory=button("Open", ids.OPEN_RECORD, hit.reference)))
    if results.more:
        blocks.append(context("More records match than are shown: make the search longer."))
    return fit(blocks, MAX_MESSAGE_BLOCKS, "… {count} more: make the search longer.")
