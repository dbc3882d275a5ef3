"""Reading what people type after `/dvpn`: references, mentions, times, lengths, keywords.

Every failure is a DomainError that says what to type instead; nothing here touches the database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from services.errors import DomainError
from services.when import Kind, TimeQuestion, example, parse_when
from services.wording import Command, parts

# In full (WM-DVPN-2026-0042), without the force's prefix (DVPN-2026-0042), or its end (2026-0042,
# 0042, 42): services.records.lookup finds the record, a short one among the user's own.
REFERENCE = re.compile(r"^(?:(?:[A-Za-z]{2,4}-)?[A-Za-z]{2,5}-)?(?:\d{4}-)?\d{1,6}$")
MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$|^@?([UW][A-Z0-9]{2,})$")
CHANNEL = re.compile(r"^<#([CG][A-Z0-9]+)(?:\|[^>]*)?>$|^#?([CG][A-Z0-9]{2,})$")
CLOCK_TIME = re.compile(r"^\d{1,2}([:.]\d{2})?\s*(am|pm)?$", re.I)


@dataclass(frozen=True)
class Length:
    """How long an order lasts, as an officer writes it."""

    days: int | None = None
    months: int | None = None
    last_day: date | None = None
    until_further_order: bool = False


def words(text: str) -> list[str]:
    return text.split()


def reference(text: str, usage: str, force_code: str) -> str:
    """The first word as a record reference, whole or shortened, or a message showing the usage."""
    found = text.split(maxsplit=1)
    if not found:
        raise DomainError(f"Give the record's reference: `/dvpn {usage}`.", "reference")
    ref = found[0].strip().upper()
    if not REFERENCE.fullmatch(ref):
        raise DomainError(
            f"'{found[0][:40]}' is not a record reference (they look like {force_code}-DVPN-2026-0042, "
            f"or just 0042). Usage: `/dvpn {usage}`.",
            "reference",
        )
    return ref


def rest_after_reference(text: str) -> str:
    parts = text.split(maxsplit=1)
    return parts[1].strip() if len(parts) > 1 else ""


def user_id(text: str) -> str:
    match = MENTION.fullmatch(text.strip())
    if not match:
        raise DomainError(f"'{text[:40]}' is not a Slack user: mention them, e.g. @Sam Patel.", "user")
    return match[1] or match[2]


def channel_id(text: str) -> str:
    match = CHANNEL.fullmatch(text.strip())
    if not match:
        raise DomainError(f"'{text[:40]}' is not a channel: mention it, e.g. #ppu-north.", "channel")
    return match[1] or match[2]


@dataclass(frozen=True)
class Reading:
    """What a command needs to read its times: the clock, the zone, the force's window for past
    events (DVPN_PAST_EVENT_DAYS), and the command's words before the time, to show a fix that works."""

    now: datetime
    tz: ZoneInfo
    past_event_days: int
    command: str | None = None  # "check WM-DVPN-2026-0001 due"; None in a form, where the error is on the field


def when(text: str, reading: Reading, *, kind: Kind, field: str) -> datetime:
    """A time typed after a command; a refusal ends with the command to type instead."""
    try:
        return parse_when(
            text, now=reading.now, tz=reading.tz, kind=kind, field=field, past_event_days=reading.past_event_days
        )
    except DomainError as error:
        if reading.command is None:
            raise
        instead = error.instead if isinstance(error, TimeQuestion) and error.instead else None
        typed = instead or example(kind, reading.now, reading.tz, reading.past_event_days)
        raise DomainError((*parts(error.wording), " Type: ", Command(reading.command, typed)), field) from None


def split_keywords(text: str, keywords: tuple[str, ...]) -> dict[str, str]:
    """'yesterday 22:00 arrested today 01:00 crime 43/1234/26 hit the door' with keywords
    ('arrested', 'crime', 'details') -> {'': 'yesterday 22:00', 'arrested': 'today 01:00',
    'crime': '43/1234/26 hit the door'}. A keyword counts only as a whole word."""
    parts: dict[str, list[str]] = {"": []}
    current = ""
    for word in text.split():
        key = word.lower().rstrip(":")
        if key in keywords and key not in parts:
            current = key
            parts[current] = []
            continue
        parts[current].append(word)
    return {key: " ".join(value) for key, value in parts.items()}


def time_and_court(text: str, reading: Reading, *, field: str) -> tuple[datetime, str | None]:
    """'tomorrow 10:00 at Birmingham Magistrates' -> (time, court). 'friday at 10:00' has no court:
    an 'at' followed by a clock time belongs to the time."""
    pieces = re.split(r"\s+at\s+", text.strip(), flags=re.I)
    for cut_at in range(len(pieces) - 1, 0, -1):
        court = " at ".join(pieces[cut_at:]).strip()
        if court and not CLOCK_TIME.match(court) and re.search(r"[A-Za-z]{3,}", court):
            at = when(" at ".join(pieces[:cut_at]), reading, kind="hearing", field=field)
            return at, court
    return when(text, reading, kind="hearing", field=field), None


TIME_LIKE = re.compile(r"\d|^(today|yesterday|now|tonight|noon|midnight|last|this)$", re.I)


def time_then_text(text: str, reading: Reading, *, kind: Kind, field: str) -> tuple[datetime, str]:
    """The longest leading run of words that reads as a time, then the rest as free text.
    'yesterday 14:00 no contact made' -> (yesterday 14:00, 'no contact made'). Text that does not
    start like a time: now, and all of it is the text. Text that starts like a time but is not a
    plausible one ('31/2/2026 10:00 ...') is refused, never saved as the text."""
    tokens = text.split()
    if not tokens or not TIME_LIKE.search(tokens[0]):
        return reading.now, text.strip()
    if tokens[0].lower() == "now":
        return reading.now, " ".join(tokens[1:])
    refusals: list[DomainError] = []
    for size in range(min(len(tokens), 5), 0, -1):
        head = " ".join(tokens[:size])
        try:
            return when(head, reading, kind=kind, field=field), " ".join(tokens[size:])
        except DomainError as error:
            refusals.append(error)
    # The reason given for the longest head that was read as a time but refused beats "could not read".
    asked = [e for e in refusals if not e.message.startswith("Could not read")]
    raise (asked or refusals)[-1 if not asked else 0]


LENGTH_USAGE = "Give the length as: 28 days, 6 months, until 1/5/2026, or until further order."


def length(text: str, reading: Reading) -> Length:
    cleaned = " ".join(text.lower().split())
    if not cleaned:
        raise DomainError(LENGTH_USAGE, "duration")
    if cleaned in {"until further order", "ufo", "indefinite", "until further notice"}:
        return Length(until_further_order=True)
    match = re.fullmatch(r"(\d{1,4})\s*(d|day|days|m|month|months|w|week|weeks)?", cleaned)
    if match:
        number, unit = int(match[1]), (match[2] or "days")[0]
        if number <= 0:
            raise DomainError("The length must be at least one day.", "duration")
        if unit == "m":
            return Length(months=number)
        return Length(days=number * 7 if unit == "w" else number)
    if cleaned.startswith(("until ", "to ", "ends ")):
        day = when(cleaned.split(" ", 1)[1], reading, kind="order_end", field="duration")
        return Length(last_day=day.date())
    raise DomainError(f"Could not read '{text[:40]}' as a length. {LENGTH_USAGE}", "duration")
