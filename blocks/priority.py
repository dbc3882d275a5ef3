"""`/dvpn perpetrator top`: the perpetrator priority list for the tasking meeting, each score with
its working. Initials and references only: open a person with `/dvpn perpetrator REF`."""

from __future__ import annotations

from blocks.common import MAX_MESSAGE_BLOCKS, Block, context, escape, fit, section
from services.people.results import PriorityList


def priority_blocks(found: PriorityList) -> list[Block]:
    blocks: list[Block] = [
        section(
            f"*Perpetrator priority (RFG(V), last {found.window_months} months):* {found.scored} with offending "
            f"recorded, {found.serial} serial. The top {len(found.entries)}:"
        )
    ]
    for entry in found.entries:
        score = entry.score
        serial = " · :triangular_flag_on_post: serial" if score.serial else ""
        working = "\n".join(f"> {escape(line)}" for line in score.working)
        blocks.append(
            section(
                f"*{entry.rank}. {escape(entry.initials) or '—'}* · score *{score.total}* "
                f"(R{score.recency} F{score.frequency} G{score.gravity} V{score.victims}) · "
                f"{score.victim_count} victims{serial} · latest {entry.reference}\n{working}"
            )
        )
    if not found.entries:
        blocks.append(section("No offending recorded in the window."))
    blocks.append(
        context("Open a person: `/dvpn perpetrator REF` with the reference shown. The matrix: rules/rfgv.toml.")
    )
    return fit(blocks, MAX_MESSAGE_BLOCKS, "… {count} more: ask for fewer, e.g. `/dvpn perpetrator top 10`.")


def priority_text(found: PriorityList) -> str:
    return f"Perpetrator priority: top {len(found.entries)} of {found.scored}"
