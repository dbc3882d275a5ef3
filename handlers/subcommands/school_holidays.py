"""/dvpn admin school-holiday: the school holidays of each local authority that Operation
Encompass counts (services.incidents.school_terms). Areas and holiday names are not personal data,
but the reply is the admin's alone, as every admin reply is."""

from __future__ import annotations

import shlex

from blocks.common import context, section
from blocks.mrkdwn import escape
from handlers.router import Invocation, Reply
from services.errors import DomainError
from services.incidents import school_terms
from services.incidents.school_terms import TermChanged
from services.when import parse_day

USAGE = (
    'admin school-holiday add AREA FROM TO "NAME" · admin school-holiday remove AREA FROM · '
    "admin school-holiday list [AREA]"
)
NOTE = (
    "Operation Encompass: a school is told before the start of the next school day; weekends, bank "
    "holidays and these holidays are not school days."
)


def handles(tokens: list[str]) -> bool:
    return bool(tokens) and tokens[0].lower() in ("school-holiday", "school-holidays")


def typed_alone(inv: Invocation) -> Reply:
    """`/dvpn school-holiday ...`: the same as `/dvpn admin school-holiday ...`."""
    return school_holiday(inv, _words(inv.args))


def school_holiday(inv: Invocation, words: list[str] | None = None) -> Reply:
    """`words`: what follows `school-holiday`; the admin command's, read from its arguments."""
    words = _words(inv.args)[1:] if words is None else words
    verb = words[0].lower() if words else ""
    if verb == "list":
        return _list(inv, " ".join(words[1:]) or None)
    if verb == "add" and len(words) >= 5:
        area, first, last, name = words[1], words[2], words[3], " ".join(words[4:])
        changed = school_terms.add_term(
            inv.ctx, inv.user_id, area, parse_day(first, field="first"), parse_day(last, field="last"), name
        )
        return _done(changed, "added")
    if verb == "remove" and len(words) == 3:
        changed = school_terms.remove_term(inv.ctx, inv.user_id, words[1], parse_day(words[2], field="first"))
        return _done(changed, "removed")
    raise DomainError(f"Usage: `/dvpn {USAGE}` (an area of several words in quotes).")


def _words(text: str) -> list[str]:
    straight = text.replace("\u201c", '"').replace("\u201d", '"').replace("\u2018", "'").replace("\u2019", "'")
    try:
        return shlex.split(straight)
    except ValueError as error:
        raise DomainError(f"A quote is not closed. Type: `/dvpn {USAGE}`.") from error


def _list(inv: Invocation, area: str | None) -> Reply:
    terms = school_terms.list_terms(inv.ctx, inv.user_id, area)
    lines = [
        f"{escape(t.area)}: {t.first:%a %d %b %Y} to {t.last:%a %d %b %Y}, {escape(t.name)} "
        + (f"(added by <@{t.added_by}>)" if t.added_by else "(shipped)")
        for t in terms[:80]
    ]
    more = f"\n… and {len(terms) - 80} more: name an area." if len(terms) > 80 else ""
    where = escape(area[:60]) if area else "any area"
    text = "\n".join(lines) + more if lines else f"No school holidays are held for {where}."
    return Reply([section(text[:2900]), context(NOTE)], f"{len(terms)} school holidays")


def _done(changed: TermChanged, verb: str) -> Reply:
    t = changed.term
    said = f"{escape(t.name)} ({escape(t.area)}, {t.first:%a %d %b %Y} to {t.last:%a %d %b %Y}) {verb}."
    moved = (
        f" Schools' deadlines recomputed on: {', '.join(changed.moved)}."
        if changed.moved
        else " No school waiting to be told is affected."
    )
    message = said + moved
    return Reply([section(f":white_check_mark: {message}"), context("Recorded in the audit trail.")], message)
