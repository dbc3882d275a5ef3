"""Finding the record a request is about, locked for update when it will be changed.

A reference may be typed in full (WM-DVPN-2026-0042), without the force's prefix (DVPN-2026-0042,
the same record: one force, one prefix), or shortened to its end: the number (0042 or 42) or the
year and number (2026-0042). A shortened one is looked for only among the records the typist may
read (services.governance.justification.readable_records, the access decision as a filter), their
own teams' first: so whether it matches nothing, one record or several, the answer says nothing
about a record they may not read. A record beyond their teams is reached by its full reference.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from sqlmodel import Session, col, select

from models import AppUser, ProtectionOrder
from services.errors import DomainError, NotFound
from services.governance.access import require_write
from services.governance.justification import own_records, readable_records
from services.wording import Command, Text

FULL = re.compile(r"^([A-Z]{2,4})-([A-Z]{2,5})-(\d{4})-(\d{1,6})$")
WITHOUT_PREFIX = re.compile(r"^([A-Z]{2,5})-(\d{4})-(\d{1,6})$")
SHORT = re.compile(r"^(?:(\d{4})-)?(\d{1,6})$")
LISTED = 5  # the references an ambiguous short one lists


def normalise_reference(text: str) -> str:
    return text.strip().upper()


def example_reference(force_code: str) -> str:
    return f"{force_code}-DVPN-2026-0042"


def _number(digits: str) -> str:
    return f"{int(digits):04d}"  # references carry at least four digits: 42 is 0042


def find_order(
    session: Session,
    reference: str,
    *,
    force_code: str,
    user: AppUser | None = None,
    for_update: bool = False,
) -> ProtectionOrder:
    """The record `reference` names. A short form is read only for a `user` (see the module)."""
    typed = normalise_reference(reference)
    if (full := FULL.fullmatch(typed)) is not None:
        wanted = f"{full[1]}-{full[2]}-{full[3]}-{_number(full[4])}"
    elif (bare := WITHOUT_PREFIX.fullmatch(typed)) is not None:
        wanted = f"{force_code}-{bare[1]}-{bare[2]}-{_number(bare[3])}"
    elif (short := SHORT.fullmatch(typed)) is not None and user is not None:
        wanted = _one_of_theirs(session, user, typed, short, force_code)
    else:
        wanted = typed
    query = select(ProtectionOrder).where(ProtectionOrder.reference == wanted)
    if for_update:
        # Two officers changing one record wait for each other (PostgreSQL); SQLite has one writer.
        query = query.with_for_update()
    order = session.exec(query).first()
    if order is None:
        raise NotFound(_not_found(f"has the reference '{reference.strip()[:40]}'", force_code), "reference")
    return order


def _one_of_theirs(session: Session, user: AppUser, typed: str, short: re.Match[str], force_code: str) -> str:
    """The one reference of the user's readable records ending in `typed`; their own teams' first."""
    ending = f"-{short[1]}-{_number(short[2])}" if short[1] else f"-{_number(short[2])}"
    readable = readable_records(session, user)
    ends = col(ProtectionOrder.reference).endswith(ending)
    for scope in (own_records(session, user), readable):
        found = session.exec(
            select(ProtectionOrder.reference)
            .where(ends, readable, scope)
            .order_by(col(ProtectionOrder.reference).desc())
            .limit(LISTED + 1)
        ).all()
        if len(found) == 1:
            return found[0]
        if found:
            raise DomainError(_ambiguous(typed, found), "reference")
    raise NotFound(_not_found(f"you may read ends in '{typed}'", force_code), "reference")


def _ambiguous(typed: str, found: Sequence[str]) -> Text:
    listed = ", ".join(found[:LISTED]) + (" and more" if len(found) > LISTED else "")
    longer = found[0].split("-", 1)[1]
    return (
        f"'{typed}' could be any of {listed}. Type more of the reference, e.g. {longer}, or pick it from ",
        Command("list", set_apart=False),
        ".",
    )


def _not_found(which: str, force_code: str) -> Text:
    return (
        f"No record {which}. References look like {example_reference(force_code)} (or just its end, 0042): try ",
        Command("list", set_apart=False),
        " or ",
        Command("search", set_apart=False),
        ".",
    )


def order_to_change(session: Session, user: AppUser, reference: str, force_code: str) -> ProtectionOrder:
    order = find_order(session, reference, force_code=force_code, user=user, for_update=True)
    require_write(session, user, order)
    return order
