"""Reminder messages: what the sweep posts, and the same message after someone acknowledged,
snoozed or finished it (updated in place with chat.update). Reference and initials only."""

from __future__ import annotations

from blocks import actions as ids
from blocks.common import Block, actions, button, context, escape, section
from blocks.reminder_wording import detail, headline, late_note, status_line
from blocks.wording import say
from services.reminders.results import ReminderActionResult, ReminderFacts

SNOOZE_LABELS = {"1h": "Snooze 1h", "4h": "Snooze 4h", "0800": "Until 08:00"}


def _summary(facts: ReminderFacts) -> Block:
    mark = ":rotating_light:" if facts.critical else ":bell:"
    note = late_note(facts.late)
    late = f" _{note}_" if note else ""
    return section(
        f"{mark} *{escape(headline(facts))}*{late}\n"
        f"*{facts.reference}* · {facts.order_type} · {escape(facts.initials)}\n"
        f"{say(detail(facts))}"  # typed text in it (a court's name) is escaped by say
    )


def reminder_blocks(facts: ReminderFacts) -> list[Block]:
    """The message as first posted: acknowledge (critical ones), done, snooze, open the record."""
    value = str(facts.reminder_id)
    buttons: list[Block] = []
    if facts.critical:
        buttons.append(button("Acknowledge", ids.REMINDER_ACKNOWLEDGE, value, style="primary"))
    buttons.append(button("Done", ids.REMINDER_DONE, value, style=None if facts.critical else "primary"))
    buttons += [button(SNOOZE_LABELS[c], ids.REMINDER_SNOOZE_PREFIX + c, value) for c in ids.SNOOZE_CHOICES]
    buttons.append(button("Open record", ids.OPEN_RECORD, facts.reference))
    hint = "Not acknowledged, this goes to your supervisor." if facts.critical else "Done clears it."
    return [_summary(facts), actions(*buttons, block_id=f"reminder_{value}"), context(hint)]


def reminder_settled_blocks(result: ReminderActionResult) -> list[Block]:
    """After acknowledge, snooze or done: the same words, the outcome, and only 'Open record'."""
    facts = result.reminder
    return [
        _summary(facts),
        context(say(status_line(result))),
        actions(button("Open record", ids.OPEN_RECORD, facts.reference), block_id=f"reminder_{facts.reminder_id}"),
    ]
