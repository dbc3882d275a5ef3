"""The search command: records by reference (exact or its beginning), by crime reference (of the record
or of one of its breaches), by the name of the perpetrator or a protected person (the whole name, a
surname or first name alone, any usual form of a given name, and then any spelling one letter
different: Thomson finds Thompson), and by their address or postcode (services.people.search_index).

Who sees what: a name or address search returns only records whose names and addresses the user
may see without asking (services.governance.justification.access: their own teams' records, or one
they gave a reason for within the last JUSTIFICATION_HOLDS_FOR), so it never tells anyone that a
person appears in a record, or lives at an address, beyond their reach, and never serves as a
reason-free way round the card's question. A record found by name or address on a reason is audited
with that reason. What was typed is personal data: it is neither logged nor audited (the audit row
lists what was found). References and crime references are identifiers rather than personal data:
supervisors, champions and admins find them force-wide (opening one beyond their team asks for a
justification); officers only within their own scope, the only records they can open. Results show
references and initials only.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from datetime import datetime

from sqlalchemy import or_
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, select

from models import (
    AppUser,
    Breach,
    Perpetrator,
    ProtectionOrder,
    Role,
    TermKind,
)
from rules.names import name_key, variants
from rules.search_terms import TERM_MAX, address_terms, looks_like_address
from services.context import ServiceContext
from services.errors import DomainError
from services.governance.audit import write_audit
from services.governance.justification import GivenReason, Reach, access, own_team_ids, reasons_in_force
from services.people.search_index import records_having_words, similar_words
from services.reporting.list_results import Matched, SearchHit, SearchResults
from services.reporting.listing import readable
from services.unit_of_work import reading
from services.views import initials

RESULTS_SHOWN = 25
MIN_LENGTH = 3


def search(ctx: ServiceContext, actor_slack_id: str, text: str, *, limit: int = RESULTS_SHOWN) -> SearchResults:
    cleaned = " ".join(text.split())
    if len(cleaned.replace(" ", "")) < MIN_LENGTH:
        raise DomainError(
            f"Give at least {MIN_LENGTH} characters: a reference (WM-DVPN-2026-0042 or its beginning, "
            "WM-DVPN-2026), a crime reference, a name (or just a surname or first name), an address or a postcode.",
            "text",
        )
    with reading(ctx, actor_slack_id) as read:
        session, user, now = read.session, read.user, read.now
        reasons = reasons_in_force(session, user, now)
        found: dict[int, Matched] = {}
        for matched, ids in _matching_ids(session, user, cleaned, limit + 1, reasons):
            for order_id in ids:
                found.setdefault(order_id, matched)
        more = len(found) > limit
        rows = session.exec(
            select(ProtectionOrder, Perpetrator.full_name)
            .join(Perpetrator, col(Perpetrator.id) == ProtectionOrder.perpetrator_id)
            .where(col(ProtectionOrder.id).in_(list(found)))
        ).all()
        order = list(Matched)
        hits = sorted(
            (
                SearchHit(o.reference, o.order_type.value, o.status.value, initials(name), found[o.id or 0])
                for o, name in rows
            ),
            key=lambda hit: (order.index(hit.matched), hit.reference),
        )[:limit]
        if hits:
            write_audit(
                session,
                actor=user,
                at=now,
                action="search",
                entity_type="protection_order",
                entity_id=None,
                after={"records": [h.reference for h in hits], "matched": sorted({h.matched.value for h in hits})},
                source=ctx.source,
            )
            _audit_found_on_a_reason(session, ctx, user, [o for o, _ in rows], hits, reasons, now)
        return SearchResults(tuple(hits), more)


def _audit_found_on_a_reason(
    session: Session,
    ctx: ServiceContext,
    user: AppUser,
    orders: list[ProtectionOrder],
    hits: list[SearchHit],
    reasons: dict[int, GivenReason],
    now: datetime,
) -> None:
    """A record matched by a name or an address beyond the user's teams was matched on the reason given for it:
    its own trail says so, with that reason."""
    by_name = {h.reference: h.matched for h in hits if h.matched.personal}
    for order in orders:
        if order.reference not in by_name:
            continue
        decision = access(session, user, order, now, given=reasons)
        if decision.reach is Reach.JUSTIFIED:
            write_audit(
                session,
                actor=user,
                at=now,
                action="search",
                entity_type="protection_order",
                entity_id=order.id,
                order_id=order.id,
                after={"matched": _field(by_name[order.reference]), **(decision.relied_on or {})},
                justification=decision.justification,
                source=ctx.source,
            )


def _field(matched: Matched) -> str:
    return "address" if matched in (Matched.PERPETRATOR_ADDRESS, Matched.PROTECTED_ADDRESS) else "name"


def _matching_ids(
    session: Session, user: AppUser, text: str, limit: int, reasons: dict[int, GivenReason]
) -> list[tuple[Matched, list[int]]]:
    """Each kind of match as its own small query, each limited, each on an indexed column."""
    identifiers = readable(session, user) if user.role is Role.OFFICER else None
    upper = text.upper()
    prefix = _escape_like(upper) + "%"

    def ids(query_where: list[ColumnElement[bool]], scope: ColumnElement[bool] | None) -> list[int]:
        query = select(ProtectionOrder.id).where(*query_where)
        if scope is not None:
            query = query.where(scope)
        return [i for i in session.exec(query.order_by(col(ProtectionOrder.reference)).limit(limit)).all() if i]

    crime = [text, upper]
    crime_prefixes = [_escape_like(t) + "%" for t in dict.fromkeys(crime)]
    found: list[tuple[Matched, list[int]]] = [
        (Matched.REFERENCE, ids([col(ProtectionOrder.reference).like(prefix, escape="\\")], identifiers)),
        (
            Matched.CRIME_REFERENCE,
            ids(
                [or_(*(col(ProtectionOrder.crime_reference).like(p, escape="\\") for p in crime_prefixes))], identifiers
            ),
        ),
        (
            Matched.BREACH_CRIME_REFERENCE,
            ids(
                [
                    col(ProtectionOrder.id).in_(
                        select(Breach.order_id).where(
                            or_(*(col(Breach.crime_reference).like(p, escape="\\") for p in crime_prefixes))
                        )
                    )
                ],
                identifiers,
            ),
        ),
    ]
    # Names only where access() would show them: own teams, or a reason in force.
    teams = own_team_ids(session, user)
    return found + _personal_ids(
        session,
        text,
        lambda kind, choices: records_having_words(
            session, kind, choices, teams=teams, records=list(reasons), limit=limit
        ),
    )


def _personal_ids(
    session: Session, text: str, ids: Callable[[TermKind, Sequence[Collection[str]]], list[int] | None]
) -> list[tuple[Matched, list[int]]]:
    """Records whose perpetrator or a protected person has every typed word in their name (each
    word as typed or one of its usual forms, then within one edit), or in their address."""
    words = [word[:TERM_MAX] for word in name_key(text).split()]
    exact = [variants(word) for word in words]
    near = [forms | similar_words(session, word) for word, forms in zip(words, exact, strict=True)]
    searches: list[tuple[Matched, TermKind, Sequence[Collection[str]]]] = [
        (Matched.PERPETRATOR, TermKind.PERPETRATOR_NAME, exact),
        (Matched.PROTECTED, TermKind.PROTECTED_NAME, exact),
        (Matched.PERPETRATOR_NEAR, TermKind.PERPETRATOR_NAME, near if near != exact else []),
        (Matched.PROTECTED_NEAR, TermKind.PROTECTED_NAME, near if near != exact else []),
    ]
    if looks_like_address(text):
        address = [{word} for word in sorted(address_terms(text))]
        searches += [
            (Matched.PERPETRATOR_ADDRESS, TermKind.PERPETRATOR_ADDRESS, address),
            (Matched.PROTECTED_ADDRESS, TermKind.PROTECTED_ADDRESS, address),
        ]
    found = []
    for matched, kind, choices in searches:
        records = ids(kind, choices)
        if records is not None:
            found.append((matched, records))
    return found


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
