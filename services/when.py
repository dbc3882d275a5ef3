"""The one wrapper around dateparser: English, day first, Europe/London.

"2/4/2026 20:00" is 2 April. Relative words ("friday 17:30", "yesterday 9pm") are read against the
injected clock; `prefer` says which way an ambiguous day goes (a service is in the past, a hearing
in the future).
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from zoneinfo import ZoneInfo

import dateparser

from services.errors import DomainError

Prefer = Literal["past", "future"]


def parse_when(text: str, *, now: datetime, tz: ZoneInfo, prefer: Prefer = "past", field: str = "when") -> datetime:
    """An aware instant for `text`, or a DomainError saying how to write it."""
    cleaned = " ".join(text.strip().split())
    if not cleaned:
        raise DomainError("Give a date and time, e.g. '2/4/2026 20:00' or 'today 14:30'.", field)
    if cleaned.lower() == "now":
        return now.astimezone(tz)
    parsed = dateparser.parse(
        cleaned,
        languages=["en"],
        settings={
            "DATE_ORDER": "DMY",
            "PREFER_DAY_OF_MONTH": "first",
            "PREFER_DATES_FROM": prefer,
            "RELATIVE_BASE": now.astimezone(tz).replace(tzinfo=None),
            "TIMEZONE": str(tz),
            "TO_TIMEZONE": str(tz),
            "RETURN_AS_TIMEZONE_AWARE": True,
            "STRICT_PARSING": False,
        },
    )
    if parsed is None:
        raise DomainError(
            f"Could not read '{cleaned}' as a date and time. Try '2/4/2026 20:00' (day first), "
            "'2026-04-02 20:00' or 'friday 17:30'.",
            field,
        )
    # dateparser attaches a fixed offset; re-read the wall time in the zone so BST/GMT is right.
    return parsed.replace(tzinfo=None).replace(tzinfo=tz)


def show(instant: datetime, tz: ZoneInfo) -> str:
    """How an instant appears on screen: 'Thu 02 Apr 2026 20:00 BST'."""
    local = instant.astimezone(tz)
    return f"{local:%a %d %b %Y %H:%M} {local.tzname()}"
