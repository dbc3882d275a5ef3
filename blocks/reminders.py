"""Reminder messages: what the sweep posts, and the same message after someone acknowledged,
snoozed or finished it (updated in place with chat.update). Reference and initials only."""

from __future__ import annotations

from blocks import actions as ids
from blocks.common import Block, actions, button, context, escape, section
from blocks.reminder_wording import detail, headline, is_moot, late_note, status_line
from blocks.wording import say
from services.reminders.results import CLARE_TYPE, INCIDENT_TYPE, Level, Offer, ReminderActionResult, ReminderFacts

SNOOZE_LABELS = {"1h": "Snooze 1h", "4h": "Snooze 4h", "0800": "Until 08:00"}
# The button that does the work a reminder asks for, by what it asks for.
WORK_BUTTONS = {
    Offer.CHECK: (("Check done", ids.REMINDER_CHECK_DONE), ("Record outcome of check", ids.REMINDER_CHECK_FORM)),
    Offer.CRIME_REFERENCE: (("Add crime reference", ids.REMINDER_CRIME_REFERENCE),),
    Offer.HEARING: (("Book hearing", ids.REMINDER_BOOK_HEARING),),
    Offer.OUTCOME: (("Record outcome", ids.REMINDER_RECORD_OUTCOME),),
}
ESCALATES = {
    Level.SUPERVISORS: "Not acknowledged, this goes to your supervisor.",
    Level.NEXT_LEVEL: "Not acknowledged, this goes to the next level of the escalation chain.",
}


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
    """The message as first posted: the work it asks for, acknowledge (critical ones) or dismiss,
    the snoozes that end before its deadline, open the record. Each button does what it says."""
    value = str(facts.reminder_id)
    work = WORK_BUTTONS.get(facts.offer, ()) if facts.offer else ()
    buttons: list[Block] = [
        button(label, action, value, style="primary" if i == 0 else None) for i, (label, action) in enumerate(work)
    ]
    if facts.critical:
        buttons.append(button("Acknowledge", ids.REMINDER_ACKNOWLEDGE, value, style=None if work else "primary"))
    else:
        buttons.append(button("Dismiss", ids.REMINDER_DISMISS, value))
    buttons += [button(SNOOZE_LABELS[c], ids.REMINDER_SNOOZE_PREFIX + c, value) for c in facts.snoozes]
    if (opened := _open_button(facts)) is not None:
        buttons.append(opened)
    return [_summary(facts), actions(*buttons, block_id=f"reminder_{value}"), context(_hint(facts))]


def _open_button(facts: ReminderFacts) -> Block | None:
    """What opens the record the reminder is about: a request's own view, a notice's or order's
    card (a plan's reminder names the record it was adopted from). An incident opens with
    /dvpn incident REF, not a card."""
    if facts.order_type == CLARE_TYPE:
        return button("Open request", ids.OPEN_CLARE, facts.reference)
    if facts.order_type == INCIDENT_TYPE:
        return None
    return button("Open record", ids.OPEN_RECORD, facts.reference)


def _hint(facts: ReminderFacts) -> str:
    if facts.critical:
        return ESCALATES[facts.escalates_to] if facts.escalates_to else "Acknowledge it to stop it being sent again."
    return "Dismiss clears this message; it changes nothing on the record."


def reminder_settled_blocks(result: ReminderActionResult) -> list[Block]:
    """After acknowledge, snooze or done: the same words, the outcome, and only 'Open record'."""
    facts = result.reminder
    return [
        _summary(facts),
        context(say(status_line(result))),
        *(
            [actions(opened, block_id=f"reminder_{facts.reminder_id}")]
            if (opened := _open_button(facts)) is not None
            else []
        ),
    ]


def reminder_updated_blocks(result: ReminderActionResult) -> list[Block]:
    """A posted reminder rewritten by the sweep once it is moot or someone else settled it: no
    buttons, since none of them applies any more. A moot one keeps only its headline, struck
    through, as what it asked for is no longer wanted."""
    facts = result.reminder
    if is_moot(result):
        summary = section(
            f":white_check_mark: ~{escape(headline(facts))}~\n*{facts.reference}* · {facts.order_type} · "
            f"{escape(facts.initials)}"
        )
    else:
        summary = _summary(facts)
    # The block id still names the reminder, as on every reminder message.
    return [summary, context(say(status_line(result))) | {"block_id": f"reminder_{facts.reminder_id}"}]
