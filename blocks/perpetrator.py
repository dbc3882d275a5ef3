"""`/dvpn perpetrator`: one person's history, or the people a name matched to pick from.

An ephemeral reply to the user who asked. The perpetrator's and protected people's names appear
only where the service named them (the user may read a record of theirs); otherwise initials."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from blocks import actions as ids
from blocks.common import (
    MAX_MESSAGE_BLOCKS,
    Block,
    bullet_lines,
    button,
    context,
    divider,
    escape,
    fields_section,
    fit,
    header,
    section,
)
from services.governance.justification_terms import JUSTIFICATION_HOLDS_FOR
from services.people.results import HistoryRecord, PerpetratorHistory, PerpetratorMatches


def history_blocks(found: PerpetratorHistory, tz: ZoneInfo) -> list[Block]:
    born = f" · born {found.birth_year}" if found.birth_year else ""
    pnc = f" · PNC {escape(found.pnc_id)}" if found.pnc_id else " · no PNC id recorded"
    blocks: list[Block] = [
        header(f"Perpetrator history: {found.name}"),
        context(f"{len(found.records)} records{born}{pnc}"),
    ]
    flag = (
        f":triangular_flag_on_post: *Repeat perpetrator:* {escape(found.repeat)}"
        if found.repeat
        else "Not flagged as a repeat perpetrator."
    )
    blocks.append(
        fields_section(
            [
                f"*Current risk*\n{found.current_risk or 'none recorded on a record in force'}",
                f"*Breaches*\n{found.breaches}",
                f"*Breach checks missed*\n{found.checks_missed} (done late or not done)",
            ]
        )
    )
    blocks.append(section(flag))
    if found.linked_by_name:
        blocks.append(
            context(
                "Some records have no PNC id: they were joined by name and date of birth. Check before relying on them."
            )
        )
    if found.withheld:
        minutes = int(JUSTIFICATION_HOLDS_FOR.total_seconds() // 60)
        blocks.append(
            context(
                f"Names on {', '.join(found.withheld[:10])}{' …' if len(found.withheld) > 10 else ''} are withheld: "
                "those records are beyond your teams. `/dvpn show REF` asks your reason (Data Protection Act "
                f"2018 s62); for {minutes} minutes after, that record's names show here too."
            )
        )
    if found.protected:
        hidden = " _(initials: not a record you can read)_"
        lines = [f"{escape(p.name)}{'' if p.named else hidden} · {', '.join(p.references)}" for p in found.protected]
        blocks.append(section("*Protected*\n" + bullet_lines(lines, limit_chars=2900)))
    blocks.append(divider())
    blocks += [_record(r, tz) for r in found.records]
    return fit(blocks, MAX_MESSAGE_BLOCKS, "… {count} more records: open them from /dvpn search.")


def history_text(found: PerpetratorHistory) -> str:
    """The notification text: no name, it shows on lock screens."""
    return f"Perpetrator history: {len(found.records)} records" + (" (repeat)" if found.repeat else "")


def _record(record: HistoryRecord, tz: ZoneInfo) -> Block:
    started = f" · {record.started_at.astimezone(tz):%d %b %Y}" if record.started_at else ""
    risk = f" · risk {record.risk_level}" if record.risk_level else ""
    problems = []
    if record.breaches:
        problems.append(f"{record.breaches} breach{'es' * (record.breaches != 1)}")
    if record.checks_missed:
        problems.append(f"{record.checks_missed} check{'s' * (record.checks_missed != 1)} missed")
    trouble = f"\n:warning: {', '.join(problems)}" if problems else ""
    text = (
        f"*{record.reference}* · {record.order_type} · {record.status}{started}{risk}\n"
        f"{escape(record.team)} · <@{record.officer_slack_id}>{trouble}"
    )
    return section(text, accessory=button("Open", ids.OPEN_RECORD, record.reference))


def matches_blocks(found: PerpetratorMatches) -> list[Block]:
    blocks: list[Block] = [
        section(
            f"*{found.total} people match that name.* Pick one, or ask again with their PNC id or a record reference."
        ),
    ]
    for match in found.matches:
        pick = match.pnc_id or match.latest_reference
        born = f"born {match.birth_year}" if match.birth_year else "no date of birth"
        pnc = f"PNC {escape(match.pnc_id)}" if match.pnc_id else "no PNC id"
        text = (
            f"*{escape(match.initials) or '—'}* · {born} · {pnc} · {match.records} record{'s' * (match.records != 1)}"
        )
        if match.latest_reference:
            text += f" (latest {match.latest_reference})"
        blocks.append(section(text, accessory=button("History", ids.PERPETRATOR_PICK, pick) if pick else None))
    if found.total > len(found.matches):
        blocks.append(context(f"… {found.total - len(found.matches)} more: add more of the name, or use a PNC id."))
    return fit(blocks, MAX_MESSAGE_BLOCKS, "… {count} more: add more of the name, or use a PNC id.")
