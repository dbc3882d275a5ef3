"""The daily digest as a Slack message: counts first, then each section's items. References and
initials only, in a channel and in a DM alike; long sections are cut with "… and N more" and a
pointer to the full list, so the message stays within Slack's 50 blocks."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from blocks.common import (
    MAX_FIELDS,
    MAX_MESSAGE_BLOCKS,
    Block,
    context,
    escape,
    fields_section,
    fit,
    header,
    section,
    when,
)
from blocks.reminder_wording import late_note
from blocks.wording import command
from services.reminders.results import (
    AwaitingHearing,
    CheckAt,
    DeadlineSoon,
    DigestFact,
    DigestItem,
    DigestSection,
    EndsAt,
    HearingAt,
    LapsedAt,
    NoCrimeReference,
    OutcomeDue,
    RecentBreach,
    Recorded,
    TeamDigest,
    Undelivered,
)

ITEMS_SHOWN = 10  # per section; the rest are counted and the "show all" command named
TITLES = {
    "deadlines": "Hearing deadlines in the next 24 hours",
    "unbooked": "Notices with no hearing booked",
    "outcomes": "Hearings held with no outcome recorded",
    "lapsed": "Notices that lapsed",
    "expiring": "Orders expiring in 7 days",
    "hearings": "Hearings today and tomorrow",
    "checks": "Breach checks overdue or due today",
    "breaches": "Breaches in the last 24 hours",
    "crime": "Breaches without a crime reference",
    "failed": "Reminders that could not be delivered",
    "new": "New records",
}


def digest_blocks(digest: TeamDigest, *, in_channel: bool) -> list[Block]:
    """`in_channel`: posted to the team's channel, so officers are not @-mentioned (no pings for the
    whole channel); in a supervisor's DM each item names its officer in charge."""
    title = f"Daily digest: {digest.team_name} · {digest.local_date:%a %d %b %Y}"
    blocks: list[Block] = [header(title)]
    note = late_note(digest.late)
    if note:
        blocks.append(context(f":hourglass: Sent late {escape(note)}: the bot was not running then."))
    counts = [f"*{len(s.items)}* · {TITLES[s.key]}" for s in digest.sections]
    # A section holds at most MAX_FIELDS fields: the counts take as many sections as they need.
    blocks += [fields_section(counts[i : i + MAX_FIELDS]) for i in range(0, len(counts), MAX_FIELDS)]
    shown = [s for s in digest.sections if s.items]
    if not shown:
        blocks.append(section(":white_check_mark: Nothing due, overdue or new for this team."))
    blocks += [section(_section_text(s, in_channel, digest.tz)) for s in shown]
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
    counts = ", ".join(f"{len(s.items)} {TITLES[s.key].lower()}" for s in digest.sections if s.items)
    return f"Daily digest for {digest.team_name}, {digest.local_date:%a %d %b}: {counts or 'nothing to report'}"


def _section_text(digest_section: DigestSection, in_channel: bool, tz: ZoneInfo) -> str:
    items = digest_section.items
    lines = [_line(item, in_channel, tz) for item in items[:ITEMS_SHOWN]]
    more = len(items) - len(lines)
    text = f"*{escape(TITLES[digest_section.key])}* ({len(items)})\n" + "\n".join(f"• {line}" for line in lines)
    if more:
        text += f"\n… and {more} more: {command(digest_section.show_all)}"
    return text


def _line(item: DigestItem, in_channel: bool, tz: ZoneInfo) -> str:
    officer = f" · <@{item.officer_slack_id}>" if item.officer_slack_id and not in_channel else ""
    text = item_text(item.about, tz, in_channel=in_channel)  # typed text in it is escaped here
    return f"*{item.reference}* ({escape(item.initials)}) {item.order_type}: {escape(text)}{officer}"


def item_text(about: DigestFact, tz: ZoneInfo, *, in_channel: bool = False) -> str:
    """What an item says is due or happened, with its times: 'hearing deadline Tue 07 Apr 2026 20:00 BST'.
    `in_channel`: without the court, which is typed as free text (a name or an address could be in
    it); the crime reference comes checked against the force's format (services.reminders.digest)."""

    def at(instant: datetime | None) -> str:
        return when(instant, tz) if instant else "not set"

    match about:
        case DeadlineSoon():
            return f"hearing deadline {at(about.deadline)}" + ("" if about.booked else ": NOT BOOKED")
        case AwaitingHearing():
            return f"served {at(about.served_at)}; must be heard by {at(about.deadline)}"
        case OutcomeDue():
            return f"hearing {at(about.hearing_at)}: record its outcome"
        case LapsedAt():
            return f"lapsed {at(about.deadline)}: remove it from the PNC"
        case EndsAt():
            return f"ends at the end of {at(about.expires_at - timedelta(microseconds=1))[:15]}"
        case HearingAt():
            return f"hearing {at(about.at)}" + (f" at {about.court}" if about.court and not in_channel else "")
        case CheckAt():
            return ("OVERDUE since " if about.overdue else "due ") + at(about.due_at)
        case RecentBreach():
            court = ""
            if about.court_by is not None:
                which = "at the application hearing, earlier than 24 hours" if about.at_the_hearing else "24 hours"
                court = f", before the court by {at(about.court_by)} ({which})"
            return f"breach {at(about.occurred_at)}, crime reference {about.crime_reference or 'MISSING'}{court}"
        case NoCrimeReference():
            return f"breach recorded {at(about.recorded_at)} has no crime reference"
        case Undelivered():
            return f"{about.kind.replace('_', ' ')} due {at(about.due_at)} not delivered"
        case Recorded():
            return f"{about.order_type} recorded {at(about.created_at)}"
