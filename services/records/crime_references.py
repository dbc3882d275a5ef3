"""Crime references: the one typed value a channel post, a team digest or an export may carry, so
it is checked against the force's format (DVPN_CRIME_REFERENCE_PATTERN) when it is entered.

A free-text box is where a name or an address ends up when an officer is in a hurry; a value that
must look like `22/123456/26` cannot hold one. Whatever pattern a force configures, a crime
reference is also held to letters, digits, `/` and `-` and the column's length, so a loose pattern
(`.*`) cannot open channels to free text.
"""

from __future__ import annotations

import re

from config import Settings
from models import Breach
from models.types import column_length
from rules.validation import Violation

CRIME_REFERENCE_LENGTH = column_length(Breach, "crime_reference")
_ALWAYS = re.compile(rf"[A-Za-z0-9/-]{{1,{CRIME_REFERENCE_LENGTH}}}")


def crime_reference_violation(settings: Settings, field: str, text: str | None) -> Violation | None:
    """None if `text` (stripped, None for none given) is a crime reference in the force's format."""
    if text is None or is_crime_reference(settings, text):
        return None
    return Violation(
        field,
        f"That is not a crime reference in this force's format (for example {settings.crime_reference_example}): "
        f"only letters, digits, / and -, at most {CRIME_REFERENCE_LENGTH} characters. Type the reference from the "
        "crime system; names, addresses and notes go in the details, which never leave the record.",
    )


def is_crime_reference(settings: Settings, text: str) -> bool:
    pattern = re.compile(settings.crime_reference_pattern, re.IGNORECASE)
    return bool(_ALWAYS.fullmatch(text) and pattern.fullmatch(text))


def shareable_crime_reference(settings: Settings, text: str | None) -> str | None:
    """The crime reference as a channel or an export may show it: a value entered before the
    format was checked, or under an older pattern, is withheld rather than shown."""
    if text is None:
        return None
    return text if is_crime_reference(settings, text) else "(withheld: not in the crime reference format)"
