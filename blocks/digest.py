"""The daily digest as a Slack message that passes the 30-second test: first what needs action
today, most urgent first, each line with its button (Open, Nudge officer, Record outcome); then
what is coming and what happened; then counts. Zero counts are left out, each record is listed once
(services.reminders.digest), and an item open since before today says since when. References and
initials only, in a channel and in a DM alike; long lists end with "… and N more" and the command
that shows them all, so the message stays within Slack's 50 blocks."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from blocks import actions as ids
from blocks.common import MAX_MESSAGE_BLOCKS, Block, button, context, escape, fit, header, section, when
from blocks.reminder_wording import late_note, words
from blocks.wording import command
from services.reminders.results import (
    ACTION_LISTED,
    AwaitingHearing,
    CheckAt,
    ClareTarget,
    DigestFact,
    DigestItem,
    DigestSection,
    EndsAt,
    HearingAt,
    IncidentClock,
    IncidentLate,
    ItemAction,
    LapsedAt,
    NoCrimeReference,
    NudgeResult,
    OutcomeDue,
    PlanActionLate,
    RecentBreach,
    SchoolUntold,
    SectionKind,
    TeamDigest,
    Undelivered,
)
from services.wording import Command

ACTION_SHOWN = ACTION_LISTED  # lines of today's work; the rest are counted and the full list named
OTHER_SHOWN = 6  # lines of each of the other parts
PARTS = {SectionKind.COMING: "Coming up", SectionKind.HAPPENED: "In the last 24 hours"}
# What a count-only section counts, as "21 new records in the last 24 hours".
COUNTED = {"new": ("new record", "new records", "in the last 24 hours")}
# The words of each section that is not today's work in the notification text ("2 hearings today or
# tomorrow"); today's work is counted as one ("3 to act on today").
SUMMARY = {
    "hearings": "hearings today or tomorrow",
    "expiring": "ending within 7 days",
    "breaches": "breaches in the last 24 hours",
    "new": "new records",
}
BUTTONS = {
    ItemAction.OPEN: "Open",
    ItemAction.NUDGE: "Nudge officer",
    ItemAction.OUTCOME: "Record outcome",
    ItemAction.OPEN_INCIDENT: "Open",
    ItemAction.OPEN_CLARE: "Open",
}
# Each line's button by what it opens: a record's card, an incident, a Clare's Law request.
OPENS = {ItemAction.OPEN_INCIDENT: ids.OPEN_INCIDENT, ItemAction.OPEN_CLARE: ids.OPEN_CLARE}
# An incident's clock past due, as its digest line begins (the time it fell due follows).
INCIDENT_LATE = {
    IncidentClock.ATTENDANCE: "not attended in time, due ",
    IncidentClock.CRIME: "crime not recorded at 24 hours, due ",
    IncidentClock.MARAC_REFERRAL: "MARAC referral due ",
}
DUE_LIST = Command("list", "due")


def digest_blocks(digest: TeamDigest, *, in_channel: bool) -> list[Block]:
    """`in_channel`: posted to the team's channel, so officers are not @-mentioned (no pings for the
    whole channel) and no line offers "Nudge officer" (a supervisor's button); in a supervisor's DM
    each line names its officer in charge."""
    title = f"Daily digest: {digest.team_name} · {digest.local_date:%a %d %b %Y}"
    blocks: list[Block] = [header(title)]
    note = late_note(digest.late)
    if note:
        blocks.append(context(f":hourglass: Sent late {escape(note)}: the bot was not running then."))
    line = _Line(digest, in_channel)
    today, today_count = digest.today(), digest.today_count()
    if today:
        blocks.append(section(f"*Needs action today* ({today_count})"))
        blocks += [line.block(item) for _, item in today[:ACTION_SHOWN]]
        if today_count > ACTION_SHOWN:
            blocks.append(context(f"… and {today_count - ACTION_SHOWN} more: {command(DUE_LIST)}"))
    else:
        blocks.append(section(":white_check_mark: Nothing needs action today."))
    for kind, title in PARTS.items():
        blocks += _part(title, digest.of_kind(kind), line)
    counts = [_count(s) for s in digest.of_kind(SectionKind.COUNT) if s.count]
    if counts:
        blocks.append(context(" · ".join(counts)))
    blocks.append(
        context(
            f"References and initials only. Full lists: {command(DUE_LIST)} · {command(Command('list', 'team'))}. "
            f"This digest again: {command(Command('digest', escape(digest.team_name)))}"
        )
    )
    return fit(blocks, MAX_MESSAGE_BLOCKS, "… {count} more parts: " + command(Command("digest")))


def digest_text(digest: TeamDigest) -> str:
    note = late_note(digest.late)
    late = f" {note}" if note else ""
    return escape(_summary(digest) + late)  # the notification text is read as mrkdwn too


def _summary(digest: TeamDigest) -> str:
    """One line of the counts that are not zero, for the notification text."""
    today = digest.today_count()
    counts = [f"{today} to act on today"] if today else []
    counts += [
        f"{len(s.items) if s.count is None else s.count} {SUMMARY.get(s.key, s.key)}"
        for s in digest.sections
        if s.kind is not SectionKind.ACTION and (s.items or s.count)
    ]
    return (
        f"Daily digest for {digest.team_name}, {digest.local_date:%a %d %b}: {', '.join(counts) or 'nothing to report'}"
    )


def _part(title: str, sections: Sequence[DigestSection], line: _Line) -> list[Block]:
    items = [item for s in sections for item in s.items]
    if not items:
        return []
    blocks = [section(f"*{title}* ({len(items)})"), *(line.block(item) for item in items[:OTHER_SHOWN])]
    if len(items) > OTHER_SHOWN:
        where = " · ".join(dict.fromkeys(command(s.show_all) for s in sections if s.items))
        blocks.append(context(f"… and {len(items) - OTHER_SHOWN} more: {where}"))
    return blocks


def _count(counted: DigestSection) -> str:
    one, many, over = COUNTED.get(counted.key, (counted.key, counted.key, ""))
    number = counted.count or 0
    said = " ".join(w for w in (f"*{number}*", one if number == 1 else many, over) if w)
    return f"{said}: {command(counted.show_all)}"


class _Line:
    """One item as a line of the digest with its button."""

    def __init__(self, digest: TeamDigest, in_channel: bool) -> None:
        self.tz, self.in_channel = digest.tz, in_channel
        local_start = digest.generated_at.astimezone(digest.tz).replace(hour=0, minute=0, second=0, microsecond=0)
        self.start_of_today = local_start

    def block(self, item: DigestItem) -> Block:
        return section(self.text(item), accessory=self.button(item))

    def text(self, item: DigestItem) -> str:
        officer = f" · <@{item.officer_slack_id}>" if item.officer_slack_id and not self.in_channel else ""
        said = [item_text(about, self.tz, in_channel=self.in_channel) for about in (item.about, *item.also)]
        carried = self.carried_over(item)
        return (
            f"*{item.reference}* ({escape(item.initials)}) {item.order_type}: "
            f"{escape('; also '.join(said))}{officer}{carried}"
        )

    def carried_over(self, item: DigestItem) -> str:
        """'still open since Tue' for an item open before today (so in an earlier digest too)."""
        since = item.open_since
        if since is None or since >= self.start_of_today:
            return ""
        local = since.astimezone(self.tz)
        day = f"{local:%a}" if self.start_of_today - since < timedelta(days=6) else f"{local:%a %d %b}"
        return f" · _still open since {day}_"

    def button(self, item: DigestItem) -> Block:
        action = ItemAction.OPEN if item.action is ItemAction.NUDGE and self.in_channel else item.action
        if action is ItemAction.NUDGE:
            return button(BUTTONS[action], ids.DIGEST_NUDGE, nudge_value(item))
        if action is ItemAction.OUTCOME:
            return button(BUTTONS[action], ids.RECORD_OUTCOME, item.reference)
        if action in OPENS:
            return button(BUTTONS[action], OPENS[action], item.reference)
        return button(BUTTONS[action], ids.OPEN_RECORD, item.reference)


def nudge_value(item: DigestItem) -> str:
    """The Nudge button's value: the record's reference (the handler reads it back)."""
    return json.dumps({"reference": item.reference})


def item_text(about: DigestFact, tz: ZoneInfo, *, in_channel: bool = False) -> str:
    """What an item says is due or happened, with its times: 'no hearing booked; must be heard by Tue
    07 Apr 2026 20:00 BST'. `in_channel`: without the court, which is typed as free text (a name or an
    address could be in it); the crime reference comes checked against the force's format."""

    def at(instant: datetime | None) -> str:
        return when(instant, tz) if instant else "not set"

    match about:
        case AwaitingHearing():
            return f"no hearing booked; must be heard by {at(about.deadline)}"
        case OutcomeDue():
            return f"hearing {at(about.hearing_at)}: record its outcome"
        case LapsedAt():
            return f"lapsed {at(about.deadline)}: remove it from the PNC"
        case EndsAt():
            return f"ends at the end of {at(about.expires_at - timedelta(microseconds=1))[:15]}"
        case HearingAt():
            return f"hearing {at(about.at)}" + (f" at {about.court}" if about.court and not in_channel else "")
        case CheckAt():
            return ("breach check OVERDUE since " if about.overdue else "breach check due ") + at(about.due_at)
        case RecentBreach():
            court = ""
            if about.court_by is not None:
                which = "at the application hearing, earlier than 24 hours" if about.at_the_hearing else "24 hours"
                court = f", before the court by {at(about.court_by)} ({which})"
            return f"breach {at(about.occurred_at)}, crime reference {about.crime_reference or 'MISSING'}{court}"
        case NoCrimeReference():
            return f"breach recorded {at(about.recorded_at)} has no crime reference"
        case Undelivered():
            headline = words(about.what, "", tz)[0]
            return f"reminder not delivered: “{headline}” (due {at(about.due_at)})"
        case IncidentLate():
            return INCIDENT_LATE[about.what] + at(about.due_at)
        case SchoolUntold():
            return f"school of child {about.child} not told (Operation Encompass), due {at(about.due_at)}"
        case ClareTarget():
            standing = "PAST its completion target" if about.past else "near its completion target"
            return f"Clare's Law request {standing}, {at(about.target_at)}"
        case PlanActionLate():
            return f"management plan action {about.number} OVERDUE since {at(about.due_at)}"


def nudge_message(result: NudgeResult) -> tuple[list[Block], str]:
    """The DM to the officer in charge: who asks, about which record, and what is open on it."""
    said = "; ".join(item_text(about, result.tz) for about in result.items)
    by = f"<@{result.by.slack_id}>" if result.by.slack_id else "Your supervisor"
    text = f"{by} asks you to act on {result.reference} ({escape(result.initials)}) {result.order_type}: {escape(said)}"
    return [section(text, accessory=button("Open", ids.OPEN_RECORD, result.reference))], text


def nudge_reply(result: NudgeResult) -> tuple[list[Block], str]:
    """What the supervisor who pressed "Nudge officer" is told: sent, or already sent by whom and when."""
    officer = f"<@{result.officer.slack_id}>" if result.officer.slack_id else "the officer in charge"
    if result.first:
        text = f":white_check_mark: Nudged {officer} about {result.reference}. Recorded in the audit trail."
    else:
        by = f"<@{result.by.slack_id}>" if result.by.slack_id else "someone"
        text = (
            f"{officer} was already nudged about {result.reference} by {by} at {when(result.at, result.tz)}, "
            "so they were not messaged again."
        )
    return [section(text)], text
