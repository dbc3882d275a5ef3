"""Reminder messages: what the sweep posts, and the same message after someone acknowledged,
snoozed or finished it (updated in place with chat.update). Reference and initials only."""

from __future__ import annotations

from blocks import actions as ids
from blocks.common import Block, actions, button, context, escape, section
from blocks.wording import say
from services.reminders.results import ReminderMessage
from services.wording import Text

SNOOZE_LABELS = {"1h": "Snooze 1h", "4h": "Snooze 4h", "0800": "Until 08:00"}


def _summary(message: ReminderMessage) -> Block:
    mark = ":rotating_light:" if message.critical else ":bell:"
    late = f" _{message.late_note}_" if message.late_note else ""
    return section(
        f"{mark} *{escape(message.headline)}*{late}\n"
        f"*{message.reference}* · {message.order_type} · {escape(message.initials)}\n"
        f"{say(message.detail)}"  # typed text in it (a court's name) is escaped by say
    )


def reminder_blocks(message: ReminderMessage) -> list[Block]:
    """The message as first posted: acknowledge (critical ones), done, snooze, open the record."""
    value = str(message.reminder_id)
    buttons: list[Block] = []
    if message.critical:
        buttons.append(button("Acknowledge", ids.REMINDER_ACKNOWLEDGE, value, style="primary"))
    buttons.append(button("Done", ids.REMINDER_DONE, value, style=None if message.critical else "primary"))
    buttons += [button(SNOOZE_LABELS[c], ids.REMINDER_SNOOZE_PREFIX + c, value) for c in ids.SNOOZE_CHOICES]
    buttons.append(button("Open record", ids.OPEN_RECORD, message.reference))
    hint = "Not acknowledged, this goes to your supervisor." if message.critical else "Done clears it."
    return [_summary(message), actions(*buttons, block_id=f"reminder_{value}"), context(hint)]


def reminder_settled_blocks(message: ReminderMessage, status_line: Text) -> list[Block]:
    """After acknowledge, snooze or done: the same words, the outcome, and only 'Open record'."""
    return [
        _summary(message),
        context(say(status_line)),
        actions(button("Open record", ids.OPEN_RECORD, message.reference), block_id=f"reminder_{message.reminder_id}"),
    ]
