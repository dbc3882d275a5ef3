"""The terms of giving a reason to open a record beyond one's teams (Data Protection Act 2018
s62(2)): how long a reason must be, how long one holds, and the error that asks for one. No
database, so blocks/ and the handlers read them without reaching the access decision
(services.governance.justification)."""

from __future__ import annotations

import re
from datetime import timedelta

from services.errors import DomainError

JUSTIFICATION_MIN = 10  # "ok" or "x" is not a reason a reviewer could check
# A reason a reviewer could check is words: at least two different words of two or more letters,
# at least five different letters in all, most words holding a vowel (a e i o u w y: Welsh counts
# w and y), and no run of five or more neighbouring keys along a keyboard row, forwards or backwards,
# inside a word (four would refuse "property"). So "xxxxxxxxxx", "aaaa bbbb", "asdfg hjkl" and
# "qwertyuiop" are refused; "MARAC review" and "Safeguarding referral" pass. Whether the reason is
# true is the reviewer's to judge: the rule only keeps out text that cannot be a reason at all.
JUSTIFICATION_MIN_WORDS = 2
JUSTIFICATION_MIN_LETTERS = 5
KEYBOARD_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
KEYBOARD_RUN = 5
VOWELS = frozenset("aeiouwy")
# What a form accepts; services.governance.justification refuses to start if the audit column is shorter.
JUSTIFICATION_MAX = 300
# Pressing a button on a card already justified (Post to channel, Open again) is the same
# consultation: a reason given this recently by the same user for the same record covers it.
JUSTIFICATION_HOLDS_FOR = timedelta(minutes=30)


_WORD = re.compile(r"[^\W\d_]{2,}")  # two or more letters, in any alphabet
_RUNS = frozenset(
    row[i : i + KEYBOARD_RUN]
    for keys in KEYBOARD_ROWS
    for row in (keys, keys[::-1])
    for i in range(len(row) - KEYBOARD_RUN + 1)
)
REASON_EXAMPLE = "e.g. 'MARAC review of repeat victim'"


def meaningless(reason: str) -> str | None:
    """Why `reason` cannot be a reason a reviewer could check (the rule above), or None."""
    text = reason.lower()
    words = set(_WORD.findall(text))
    letters = {c for c in text if c.isalpha()}
    latin = [w for w in words if w.isascii()]  # the vowel test means nothing in other scripts
    if len(words) < JUSTIFICATION_MIN_WORDS or len(letters) < JUSTIFICATION_MIN_LETTERS:
        return (
            f"Say why in words a reviewer can check: at least {JUSTIFICATION_MIN_WORDS} different words "
            f"and {JUSTIFICATION_MIN_LETTERS} different letters, {REASON_EXAMPLE}."
        )
    mashed = any(w[i : i + KEYBOARD_RUN] in _RUNS for w in words for i in range(len(w) - KEYBOARD_RUN + 1))
    if mashed or 2 * sum(1 for w in latin if VOWELS & set(w)) < len(latin):
        return f"That reads as keys typed at random, not a reason: say why, {REASON_EXAMPLE}."
    return None


class JustificationRequired(DomainError):
    """Opening this record needs a reason first. Carries the reference for the form."""

    def __init__(self, reference: str) -> None:
        super().__init__(
            f"{reference} belongs to a team outside yours. Opening it is logged with your reason "
            "(Data Protection Act 2018 s62): give a short justification to see it.",
            "justification",
        )
        self.reference = reference
