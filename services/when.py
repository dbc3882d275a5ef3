"""The one wrapper around dateparser: English, day first, Europe/London.

"2/4/2026 20:00" is 2 April. Relative words ("friday 17:30", "yesterday 9pm") are read against the
injected clock; `prefer` says which way an ambiguous day goes (a service is in the past, a hearing
in the future).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Literal
from zoneinfo import ZoneInfo

import dateparser

from services.errors import DomainError

Prefer = Literal["past", "future"]

# The two written forms the README teaches, complete and unambiguous: read directly, because
# dateparser spends a fifth of a second building its time-zone patterns on its first call, and the
# command-line calculator should answer at once. Anything else goes to dateparser.
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2})?(Z|[+-]\d{2}:\d{2})?")
_DAY_FIRST = re.compile(r"\d{1,2}/\d{1,2}/\d{4} \d{1,2}:\d{2}")


def parse_when(text: str, *, now: datetime, tz: ZoneInfo, prefer: Prefer = "past", field: str = "when") -> datetime:
    """An aware instant for `text`, or a DomainError saying how to write it."""
    cleaned = " ".join(text.strip().split())
    if not cleaned:
        raise DomainError("Give a date and time, e.g. '2/4/2026 20:00' or 'today 14:30'.", field)
    if cleaned.lower() == "now":
        return now.astimezone(tz)
    exact = _exact(cleaned, tz)
    if exact is not None:
        return exact
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


def _exact(text: str, tz: ZoneInfo) -> datetime | None:
    """'2026-04-02 20:00' (or with seconds, 'T', an offset) and '2/4/2026 20:00', as dateparser would
    read them: a wall time in `tz`, or an instant with an offset shown in `tz`. None for anything
    else, or an impossible date, which dateparser then explains."""
    try:
        if _ISO.fullmatch(text):
            value = datetime.fromisoformat(text)
        elif _DAY_FIRST.fullmatch(text):
            value = datetime.strptime(text, "%d/%m/%Y %H:%M")
        else:
            return None
    except ValueError:
        return None
    return value.astimezone(tz) if value.tzinfo is not None else value.replace(tzinfo=tz)


def show(instant: datetime, tz: ZoneInfo) -> str:
    """How an instant appears on screen: 'Thu 02 Apr 2026 20:00 BST'."""
    local = instant.astimezone(tz)
    return f"{local:%a %d %b %Y %H:%M} {local.tzname()}"
