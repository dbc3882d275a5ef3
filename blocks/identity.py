"""`/dvpn identity`: the open identity checks, by reference only (no names, no PNC id)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from blocks.common import MAX_MESSAGE_BLOCKS, Block, context, escape, fit, section, when
from services.people.results import OpenMismatch


def identity_blocks(found: tuple[OpenMismatch, ...], tz: ZoneInfo) -> list[Block]:
    if not found:
        return [section("No identity checks are open for your teams.")]
    blocks: list[Block] = [
        section(
            f"*{len(found)} identity check{'s' * (len(found) != 1)} open.* A PNC id was given with a name or date "
            "of birth that differ from the person already holding it. Compare with `/dvpn show REF`, then "
            "`/dvpn identity resolve ID same` or `/dvpn identity resolve ID different`."
        )
    ]
    for m in found:
        held = ", ".join(m.held_on) or "a record since erased"
        blocks.append(
            section(
                f"*#{m.id}* · *{m.reference}* ({escape(m.team)}, <@{m.recorded_by}>, {when(m.recorded_at, tz)})\n"
                f"PNC id already on {held}"
            )
        )
    blocks.append(context("Until settled as the same person, perpetrator history keeps these records apart."))
    return fit(blocks, MAX_MESSAGE_BLOCKS, "… {count} more: settle these first.")
