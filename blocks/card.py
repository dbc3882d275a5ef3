"""The record card: `/dvpn show`, the reply after every change, and the version posted to a channel.

In a channel a card shows the reference, type, status, initials and deadlines only (DESIGN.md,
Privacy). Names, dates of birth and addresses appear only in the ephemeral card for a user allowed
to see them.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from blocks import actions as ids
from blocks.common import (
    MAX_MESSAGE_BLOCKS,
    Block,
    actions,
    bullet_lines,
    button,
    context,
    divider,
    escape,
    fields_section,
    fit,
    header,
    section,
    when,
)
from blocks.wording import say
from services.views import DeadlineView, PersonView, RecordView

STATUS_EMOJI = {
    "active": ":large_green_circle:",
    "lapsed": ":red_circle:",
    "expired": ":white_circle:",
    "superseded": ":arrow_right:",
    "refused": ":x:",
}


def record_card(view: RecordView, tz: ZoneInfo, *, in_channel: bool = False, in_modal: bool = False) -> list[Block]:
    """`in_channel`: the version anyone in a channel may read. `in_modal`: the card shown as a modal
    (from the App Home), which has no conversation to post into."""
    blocks: list[Block] = [header(f"{view.reference} · {view.order_type}")]
    blocks.append(fields_section(_facts(view, tz)))
    blocks += [context(f":warning: {escape(w) if isinstance(w, str) else say(w)}") for w in view.warnings]
    if view.people and not in_channel:
        blocks.append(divider())
        blocks += [_person(p) for p in view.people]
    if view.deadlines:
        blocks.append(divider())
        blocks += [_deadline(d, tz, explain=not in_channel) for d in view.deadlines]
    history = _history(view, in_channel=in_channel)
    if history:
        blocks.append(section(history))
    if view.reminders and not in_channel:
        blocks.append(context(":alarm_clock: *Reminders:* " + "; ".join(view.reminders[:6])))
    buttons = _channel_buttons(view) if in_channel else _next_actions(view, postable=not in_modal)
    if buttons:
        blocks.append(actions(*buttons))
    return fit(blocks, MAX_MESSAGE_BLOCKS, "… {count} more blocks left out: open the record for the rest.")


def card_text(view: RecordView) -> str:
    """The notification text (no personal data: it shows on lock screens)."""
    return f"{view.reference} ({view.order_type}, {view.status}) {view.perpetrator_initials}"


def _facts(view: RecordView, tz: ZoneInfo) -> list[str]:
    facts = [
        f"*Status*\n{STATUS_EMOJI.get(view.status, ':white_circle:')} {view.status}",
        f"*Against*\n{view.perpetrator_initials or '—'}",
        f"*Officer in charge*\n<@{view.officer_slack_id}>",
    ]
    if view.served_at:
        facts.append(f"*Served*\n{when(view.served_at, tz)}")
    if view.made_at:
        facts.append(f"*Made*\n{when(view.made_at, tz)}")
    if view.parent_reference:
        facts.append(f"*Follows*\n{view.parent_reference}")
    if view.follow_on_reference:
        facts.append(f"*Followed by*\n{view.follow_on_reference}")
    if view.incident_reference:
        facts.append(f"*From incident*\n{view.incident_reference}")
    return facts


def _person(person: PersonView) -> Block:
    role = "Perpetrator" if person.role == "perpetrator" else "Protected person"
    lines = [f"*{role}:* {escape(person.full_name)}"]
    if person.date_of_birth:
        lines.append(f"Born {person.date_of_birth:%d %b %Y}")
    if person.address:
        lines.append(escape(person.address))
    return section("\n".join(lines))


def _deadline(deadline: DeadlineView, tz: ZoneInfo, *, explain: bool) -> Block:
    text = f"*{escape(deadline.label)}:* {when(deadline.at, tz)}\n_{escape(deadline.citation)}_"
    if explain and deadline.explanation:
        text += "\n" + "\n".join(f"> {escape(line)}" for line in deadline.explanation)
    return section(text)


def _history(view: RecordView, *, in_channel: bool) -> str:
    parts = []
    # In a channel: no court, no check outcome, and only crime references in the force's format.
    hearings = view.hearing_times if in_channel else view.hearings
    if hearings:
        parts.append("*Hearings*\n" + bullet_lines([escape(h) for h in hearings], limit_chars=900))
    breaches = view.channel_breaches if in_channel else view.breaches
    if breaches:
        parts.append("*Breaches*\n" + bullet_lines([escape(b) for b in breaches], limit_chars=900))
    checks = view.check_times if in_channel else view.checks
    if checks:
        parts.append("*Breach checks*\n" + bullet_lines([escape(c) for c in checks], limit_chars=900))
    return "\n".join(parts)


def _next_actions(view: RecordView, *, postable: bool) -> list[Block]:
    ref = view.reference
    post = [button("Post to channel", ids.POST_TO_CHANNEL, ref)] if postable else []
    if not view.writable or not view.is_active:
        return post
    found: list[Block] = []
    if view.is_notice and not view.hearing_pending:
        found.append(button("Book hearing", ids.BOOK_HEARING, ref, style="primary"))
    if view.hearing_pending:
        found.append(button("Record outcome", ids.RECORD_OUTCOME, ref, style="primary"))
    found.append(button("Record breach", ids.RECORD_BREACH, ref))
    if view.check_open:
        found.append(button("Breach check done", ids.CHECK_DONE, ref))
    if view.notification_awaited:
        found.append(button("Notification received", ids.RECORD_NOTIFICATION, ref))
    found.append(button("Close", ids.CLOSE_RECORD, ref, style="danger"))
    return found + post


def _channel_buttons(view: RecordView) -> list[Block]:
    # Anyone in the channel may press it; the card it opens is checked against their own rights.
    return [button("Open record", ids.OPEN_RECORD, view.reference)]
