"""The reply after a change: what changed and what is next, in a line or two, read on a phone at
3 a.m. The full card is one press away (**Show record**, audited as a view like `/dvpn show`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from blocks import actions as ids
from blocks.common import Block, actions, button, context, cut, escape, section, when
from blocks.messages import interpreted
from blocks.wording import say
from services.views import RecordView

# The warnings a change raised, at most this long: a phone shows four lines of them. Their start says
# what matters (the clock started, the offence or not); the card and the reminders carry the rest.
WARNINGS_SHOWN = 160


def confirmation(
    view: RecordView, headline: str, times: Sequence[tuple[str, datetime]], tz: ZoneInfo, now: datetime
) -> list[Block]:
    """`headline`: what changed. The times typed are shown as read, and the warnings, shortened."""
    blocks: list[Block] = [section(f":white_check_mark: {escape(headline)}\n{next_step(view, tz, now)}")]
    if times:
        blocks.append(interpreted(times, tz))
    if view.warnings:
        said = " ".join(escape(w) if isinstance(w, str) else say(w) for w in view.warnings)
        blocks.append(context(f":warning: {cut(said, WARNINGS_SHOWN)}"))
    blocks.append(actions(*_buttons(view)))
    return blocks


def next_step(view: RecordView, tz: ZoneInfo, now: datetime) -> str:
    if not view.is_active:
        return f"{view.reference} is {view.status}: nothing more is due."
    upcoming = sorted((d for d in view.deadlines if d.at >= now), key=lambda d: d.at)
    deadline = f"{escape(upcoming[0].label)}: {when(upcoming[0].at, tz)}" if upcoming else ""
    if view.hearing_pending:
        return "Next: record the hearing's outcome." + (f" Then {deadline}." if deadline else "")
    if view.is_notice:
        return f"Next: book the hearing. {deadline}." if deadline else "Next: book the hearing."
    return f"Next: {deadline}." if deadline else "No deadline is pending."


def _buttons(view: RecordView) -> list[Block]:
    found = [button("Show record", ids.OPEN_RECORD, view.reference)]
    if view.writable and view.is_active and view.hearing_pending:
        found.append(button("Record outcome", ids.RECORD_OUTCOME, view.reference, style="primary"))
    elif view.writable and view.is_active and view.is_notice:
        found.append(button("Book hearing", ids.BOOK_HEARING, view.reference, style="primary"))
    return found
