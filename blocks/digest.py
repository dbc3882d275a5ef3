"""The daily digest as a Slack message: counts first, then each section's items. References and
initials only, in a channel and in a DM alike; long sections are cut with "… and N more" and a
pointer to the full list, so the message stays within Slack's 50 blocks."""

from __future__ import annotations

from blocks.common import MAX_MESSAGE_BLOCKS, Block, context, escape, fields_section, fit, header, section
from blocks.reminder_wording import late_note
from blocks.wording import command
from services.reminders.results import DigestItem, DigestSection, TeamDigest

ITEMS_SHOWN = 10  # per section; the rest are counted and the "show all" command named


def digest_blocks(digest: TeamDigest, *, in_channel: bool) -> list[Block]:
    """`in_channel`: posted to the team's channel, so officers are not @-mentioned (no pings for the
    whole channel); in a supervisor's DM each item names its officer in charge."""
    title = f"Daily digest: {digest.team_name} · {digest.local_date:%a %d %b %Y}"
    blocks: list[Block] = [header(title)]
    note = late_note(digest.late)
    if note:
        blocks.append(context(f":hourglass: Sent late {escape(note)}: the bot was not running then."))
    blocks.append(fields_section([f"*{len(s.items)}* · {s.title}" for s in digest.sections]))
    shown = [s for s in digest.sections if s.items]
    if not shown:
        blocks.append(section(":white_check_mark: Nothing due, overdue or new for this team."))
    blocks += [section(_section_text(s, in_channel)) for s in shown]
    blocks.append(
        context(
            "References and initials only. Show all with the commands above, or `/dvpn digest "
            f"{escape(digest.team_name)}` for this digest now."
        )
    )
    return fit(blocks, MAX_MESSAGE_BLOCKS, "… {count} more sections: `/dvpn digest`")


def digest_text(digest: TeamDigest) -> str:
    note = late_note(digest.late)
    late = f" {note}" if note else ""
    return escape(_summary(digest) + late)  # the notification text is read as mrkdwn too


def _summary(digest: TeamDigest) -> str:
    """One line of counts, for the notification text."""
    counts = ", ".join(f"{len(s.items)} {s.title.lower()}" for s in digest.sections if s.items)
    return f"Daily digest for {digest.team_name}, {digest.local_date:%a %d %b}: {counts or 'nothing to report'}"


def _section_text(digest_section: DigestSection, in_channel: bool) -> str:
    items = digest_section.items
    lines = [_line(item, in_channel) for item in items[:ITEMS_SHOWN]]
    more = len(items) - len(lines)
    text = f"*{escape(digest_section.title)}* ({len(items)})\n" + "\n".join(f"• {line}" for line in lines)
    if more:
        text += f"\n… and {more} more: {command(digest_section.show_all)}"
    return text


def _line(item: DigestItem, in_channel: bool) -> str:
    officer = f" · <@{item.officer_slack_id}>" if item.officer_slack_id and not in_channel else ""
    return f"*{item.reference}* ({escape(item.initials)}) {item.order_type}: {escape(item.text)}{officer}"
