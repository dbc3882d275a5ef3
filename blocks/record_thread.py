"""A record's thread in its team's channel: the root (reference, type, initials, where the record is
and its next deadline, with an Open button that shows the card to whoever may read it) and the
replies, one line each. References, initials and times only: a channel is read by many."""

from __future__ import annotations

from blocks import actions as ids
from blocks.common import Block, button, context, section, when
from blocks.mrkdwn import escape
from services.reminders.thread_results import ThreadPostFacts, ThreadRecord

ENDED = {
    "superseded": "Ended: superseded by the order made on it",
    "refused": "Ended: the court refused the application",
    "lapsed": "Lapsed: its hearing deadline passed with no decision. Remove it from the PNC",
    "withdrawn": "Withdrawn",
    "expired": "Expired",
    "discharged": "Discharged by the court",
    "closed": "Closed",
}
OUTCOMES = {
    "granted": "Hearing outcome: granted",
    "refused": "Hearing outcome: refused",
    "adjourned": "Hearing adjourned",
    "withdrawn": "Hearing outcome: application withdrawn",
}


def status_words(record: ThreadRecord) -> str:
    """Where the record is now, in words."""
    if record.status != "active":
        return ENDED.get(record.status, record.status)
    words = record.state[:1].upper() + record.state[1:]
    if record.next_deadline is not None:
        words += f" · next: {record.next_deadline.label.lower()} {when(record.next_deadline.at, record.tz)}"
    return words


def root_text(post: ThreadPostFacts) -> str:
    record = post.record
    return f"{record.reference} ({record.initials}) {record.order_type}: {status_words(record)}"


def root_blocks(post: ThreadPostFacts) -> list[Block]:
    record = post.record
    line = f"*{record.reference}* ({escape(record.initials)}) {record.order_type}\n{escape(status_words(record))}"
    return [
        section(line, accessory=button("Open record", ids.OPEN_RECORD, record.reference)),
        context("Updates on this record are posted in this thread."),
    ]


def reply_text(post: ThreadPostFacts) -> str:
    event, tz = post.event, post.record.tz
    if event.hearing_at is not None:
        return f"Hearing booked for {when(event.hearing_at, tz)}"
    if event.outcome is not None:
        return OUTCOMES.get(event.outcome, f"Hearing outcome: {event.outcome}")
    if event.breach_at is not None:
        return f"Breach recorded (happened {when(event.breach_at, tz)})"
    if event.ended is not None:
        return ENDED.get(event.ended, event.ended)
    return "The record changed"


def reply_blocks(post: ThreadPostFacts) -> list[Block]:
    return [section(escape(reply_text(post)))]


def post_text(post: ThreadPostFacts) -> str:
    return root_text(post) if post.is_root else reply_text(post)


def post_blocks(post: ThreadPostFacts) -> list[Block]:
    return root_blocks(post) if post.is_root else reply_blocks(post)
