"""The terms of giving a reason to open a record beyond one's teams (Data Protection Act 2018
s62(2)): how long a reason must be, how long one holds, and the error that asks for one. No
database, so blocks/ and the handlers read them without reaching the access decision
(services.governance.justification)."""

from __future__ import annotations

from datetime import timedelta

from services.errors import DomainError

JUSTIFICATION_MIN = 10  # "ok" or "x" is not a reason a reviewer could check
# What a form accepts; services.governance.justification refuses to start if the audit column is shorter.
JUSTIFICATION_MAX = 300
# Pressing a button on a card already justified (Post to channel, Open again) is the same
# consultation: a reason given this recently by the same user for the same record covers it.
JUSTIFICATION_HOLDS_FOR = timedelta(minutes=30)


class JustificationRequired(DomainError):
    """Opening this record needs a reason first. Carries the reference for the form."""

    def __init__(self, reference: str) -> None:
        super().__init__(
            f"{reference} belongs to a team outside yours. Opening it is logged with your reason "
            "(Data Protection Act 2018 s62): give a short justification to see it.",
            "justification",
        )
        self.reference = reference
