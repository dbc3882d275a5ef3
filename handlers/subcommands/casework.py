"""/dvpn caseload, perpetrator, search and audit, and /dvpn show (which may first ask why)."""

from __future__ import annotations

import re

from blocks.audit_trail import audit_trail_blocks
from blocks.caseload import caseload_blocks, caseload_text
from blocks.common import section
from blocks.identity import identity_blocks
from blocks.incident_card import incident_caseload_blocks, incident_caseload_text
from blocks.perpetrator import history_blocks, history_text, matches_blocks
from blocks.priority import priority_blocks, priority_text
from blocks.search_results import search_blocks
from domain.enums import OrderStatus, RiskLevel
from handlers import justification, parsing
from handlers.router import Invocation, Reply
from handlers.subcommands import incidents as incident_commands
from handlers.subcommands import plans as plan_commands
from handlers.subcommands import records as record_commands
from rules.order_types import OrderType
from services.errors import DomainError
from services.governance import audit_trail
from services.governance.justification_terms import JustificationRequired
from services.people import identity as identity_service
from services.people import perpetrator_history, priority
from services.people import search as record_search
from services.people.results import PerpetratorMatches
from services.reporting.caseload import caseload as caseload_of
from services.reporting.incident_caseload import incident_caseload, incident_query
from services.reporting.list_results import CaseloadQuery

CASELOAD_USAGE = (
    "caseload [@officer|TEAM|all] [type:DVPO] [risk:high] [status:active] [due:7d] · "
    "caseload incidents [risk high] [no-marac] [encompass untold] [team TEAM]"
)
DUE = re.compile(r"^(\d{1,4})(h|d|w)$")


def show(inv: Invocation) -> Reply | None:
    """A record's card; beyond the user's own team, the justification form first. An incident's
    reference shows the incident's card (initials only: no justification asked)."""
    first = inv.args.split(maxsplit=1)[0].upper() if inv.args.strip() else ""
    if "-INC-" in first or first.startswith("INC-"):
        ref = inv.args.split()[0]
        return incident_commands.card_reply(inv, ref, f"Incident {ref.upper()}.")
    try:
        return record_commands.show(inv)
    except JustificationRequired as asked:
        if inv.client is None or not inv.trigger_id:
            raise
        justification.ask(inv.client, inv.trigger_id, asked, inv.channel_id, push=False)
        return None


def caseload(inv: Invocation) -> Reply:
    first, _, rest = inv.args.strip().partition(" ")
    if first.lower() == "incidents":
        found = incident_caseload(inv.ctx, inv.user_id, incident_query(rest))
        return Reply(incident_caseload_blocks(found, inv.tz), incident_caseload_text(found))
    load = caseload_of(inv.ctx, inv.user_id, caseload_query(inv.args, inv.user_id))
    return Reply(caseload_blocks(load, inv.tz, inv.now), caseload_text(load))


def perpetrator(inv: Invocation) -> Reply:
    words = inv.args.split()
    if words and words[0].lower() == "top" and (len(words) == 1 or (len(words) == 2 and words[1].isdigit())):
        ranked = priority.top(inv.ctx, inv.user_id, int(words[1]) if len(words) == 2 else 10)
        return Reply(priority_blocks(ranked), priority_text(ranked))
    if len(words) >= 2 and words[1].lower() == "plan" and parsing.REFERENCE.fullmatch(words[0]):
        return plan_commands.plan(inv, words[0].upper(), inv.args.split(maxsplit=2)[2] if len(words) > 2 else "")
    found = perpetrator_history.lookup(inv.ctx, inv.user_id, inv.args)
    if isinstance(found, PerpetratorMatches):
        return Reply(matches_blocks(found), f"{found.total} people match")
    blocks = history_blocks(found, inv.tz)
    if len(words) == 1 and parsing.REFERENCE.fullmatch(words[0]):
        blocks += plan_commands.plan_under_history(inv, words[0].upper())
    return Reply(blocks, history_text(found))


def search(inv: Invocation) -> Reply:
    results = record_search.search(inv.ctx, inv.user_id, inv.args)
    return Reply(search_blocks(results, inv.args), f"{len(results.hits)} records found")


def identity(inv: Invocation) -> Reply:
    words = inv.args.split()
    if not words:
        found = identity_service.open_mismatches(inv.ctx, inv.user_id)
        return Reply(identity_blocks(found, inv.tz), f"{len(found)} identity checks open")
    if len(words) == 3 and words[0].lower() == "resolve" and words[1].lstrip("#").isdigit():
        verdict = words[2].lower()
        if verdict in ("same", "different"):
            settled = identity_service.resolve(inv.ctx, inv.user_id, int(words[1].lstrip("#")), verdict == "same")
            joined = "joined in perpetrator history" if verdict == "same" else "kept apart: correct the wrong PNC id"
            return Reply([section(f":white_check_mark: Identity check #{settled.id} settled: {joined}.")], "Settled")
    raise DomainError(f"Usage: `/dvpn {identity_service.USAGE}`.")


def audit(inv: Invocation) -> Reply:
    page = audit_trail.trail(
        inv.ctx, inv.user_id, parsing.reference(inv.args, "audit REF", inv.ctx.settings.force_code)
    )
    return Reply(audit_trail_blocks(page, inv.tz), f"Audit trail of {page.reference}")


def caseload_query(text: str, me: str) -> CaseloadQuery:
    """'@sam type:dvpo risk:high due:7d' -> a query. Words that are neither a filter, a mention
    nor `all` name a team. Anything unreadable is refused with the filters there are."""
    whose: dict[str, str | bool] = {}
    filters: dict[str, object] = {}
    team_words: list[str] = []
    for word in text.split():
        key, colon, value = word.partition(":")
        if colon and not word.startswith("<"):
            filters.update(_filter(key.lower(), value, word))
        elif word.lower() == "all":
            whose["everyone"] = True
        elif word.lower() in ("me", "mine", "@me"):
            whose["officer"] = me
        elif word.startswith(("<@", "@")):
            whose["officer"] = parsing.user_id(word)
        else:
            team_words.append(word)
    if team_words:
        whose["team"] = " ".join(team_words)
    if len(whose) > 1:
        raise DomainError(f"Ask for one of: an @officer, a team, or `all`. Usage: `/dvpn {CASELOAD_USAGE}`.")
    return CaseloadQuery(**whose, **filters)  # type: ignore[arg-type]


def _filter(key: str, value: str, word: str) -> dict[str, object]:
    wanted = value.strip().lower()
    if key == "type" and (order_type := OrderType.parse(wanted)) is not None:
        return {"order_type": order_type}
    if key == "risk" and wanted in {r.value for r in RiskLevel} | {"none"}:
        return {"risk_unassessed": True} if wanted == "none" else {"risk": RiskLevel(wanted)}
    if key == "status" and wanted in {s.value for s in OrderStatus} | {"all"}:
        return {"status": None if wanted == "all" else OrderStatus(wanted)}
    if key == "due" and wanted in ("overdue", "passed"):
        return {"due_hours": 0}
    if key == "due" and (match := DUE.fullmatch(wanted)):
        return {"due_hours": int(match[1]) * {"h": 1, "d": 24, "w": 168}[match[2]]}
    raise DomainError(f"'{word[:40]}' is not a caseload filter. {FILTERS}")


FILTERS = (
    "Filters: "
    f"`type:` {'|'.join(t.value for t in OrderType)}; "
    f"`risk:` {'|'.join(r.value for r in RiskLevel)}|none; "
    f"`status:` {'|'.join(s.value for s in OrderStatus)}|all; "
    "`due:` 24h|7d|2w|overdue; "
    "and one of @officer, a team's name, or `all`."
)
