"""/dvpn clare: Clare's Law (Domestic Violence Disclosure Scheme) requests.

clare new ask|know "PERSON AT RISK" "SUBJECT" [pnc PNC-ID] [applicant "NAME"] [received WHEN]
clare REF [checks [WHEN] | forum [WHEN] | decide disclose|decline "why" | disclosed to "whom" [WHEN] | close "why"]
clare list [mine|team|all] · clare stats [PERIOD] [TEAM]
"""

from __future__ import annotations

import shlex
from datetime import datetime

from blocks.disclosures import figures_blocks, list_blocks, request_blocks, request_text
from blocks.messages import interpreted
from handlers import parsing
from handlers.router import Invocation, Reply
from rules.disclosure import Decision, Route
from services.disclosures import figures, requests, viewing
from services.disclosures.results import DisclosureView
from services.errors import DomainError
from services.records.order_writer import PersonInput

CLARE_USAGE = (
    'clare new ask|know "AT RISK" "SUBJECT" · clare REF checks|forum|decide|disclosed|close · clare list|stats'
)
NEW_USAGE = 'clare new ask|know "PERSON AT RISK" "SUBJECT" [pnc PNC-ID] [applicant "NAME"] [received WHEN]'
QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\u2018": "'", "\u2019": "'"})


def clare(inv: Invocation) -> Reply:
    word, _, rest = inv.args.strip().partition(" ")
    verb = word.lower()
    if verb in ("", "list"):
        found = viewing.open_requests(inv.ctx, inv.user_id, rest or "team")
        return Reply(list_blocks(found, inv.tz), f"{found.total} open Clare's Law requests")
    if verb == "stats":
        counted = figures.figures(inv.ctx, inv.user_id, rest)
        return Reply(figures_blocks(counted), "Clare's Law figures")
    if verb == "new":
        return _new(inv, rest)
    ref = parsing.reference(inv.args, CLARE_USAGE, inv.ctx.settings.force_code)
    step, _, detail = rest.strip().partition(" ")
    return _step(inv, ref, step.lower(), detail.strip())


def _reading(inv: Invocation, command: str) -> parsing.Reading:
    return parsing.Reading(inv.now, inv.tz, inv.ctx.settings.past_event_days, command)


def _reply(inv: Invocation, view: DisclosureView, headline: str | None, times: list[tuple[str, datetime]]) -> Reply:
    blocks = request_blocks(view, inv.tz, headline)
    if times:
        blocks.insert(1 if headline else 0, interpreted(times, inv.tz))
    return Reply(blocks, request_text(view))


def _step(inv: Invocation, ref: str, step: str, detail: str) -> Reply:
    ctx, user = inv.ctx, inv.user_id
    if not step:
        return _reply(inv, viewing.show(ctx, user, ref), None, [])
    if step in ("checks", "forum"):
        at = parsing.when(detail, _reading(inv, f"clare {ref} {step}"), kind="decision", field="at") if detail else None
        record = requests.record_checks if step == "checks" else requests.record_forum
        view = record(ctx, user, ref, at)
        return _reply(inv, view, f"{ref}: {'checks' if step == 'checks' else 'decision forum'} recorded.", _times(at))
    if step == "decide":
        choice, _, why = detail.partition(" ")
        decision = {"disclose": Decision.DISCLOSE, "decline": Decision.DECLINE, "no": Decision.DECLINE}.get(
            choice.lower()
        )
        if decision is None:
            raise DomainError(
                f'Say the decision: `/dvpn clare {ref} decide disclose "why"` or `decline "why"`.', "decision"
            )
        view = requests.decide(ctx, user, ref, decision, _quoted(why))
        return _reply(inv, view, f"{ref}: decision recorded ({decision.value}).", [])
    if step == "disclosed":
        whom, when_text = _to_whom(detail, ref)
        reading = _reading(inv, f'clare {ref} disclosed to "the person at risk"')
        at = parsing.when(when_text, reading, kind="decision", field="at") if when_text else None
        view = requests.record_disclosure(ctx, user, ref, whom, at)
        return _reply(inv, view, f"{ref}: disclosure recorded.", _times(at))
    if step == "close":
        view = requests.close(ctx, user, ref, _quoted(detail))
        return _reply(inv, view, f"{ref}: closed.", [])
    raise DomainError(f"'{step[:20]}' is not a step of a request. Usage: `/dvpn {CLARE_USAGE}`.", "step")


def _times(at: datetime | None) -> list[tuple[str, datetime]]:
    return [("At", at)] if at is not None else []


def _quoted(text: str) -> str:
    """The text inside quotes, or all of it."""
    text = text.translate(QUOTES).strip()
    if len(text) >= 2 and text[0] == text[-1] == '"':
        return text[1:-1]
    return text


def _to_whom(detail: str, ref: str) -> tuple[str, str]:
    """'to "the person at risk" yesterday 14:00' -> ('the person at risk', 'yesterday 14:00')."""
    text = detail.translate(QUOTES).strip()
    if text.lower().startswith("to "):
        text = text[3:].strip()
    if text.startswith('"') and '"' in text[1:]:
        end = text.index('"', 1)
        return text[1:end], text[end + 1 :].strip()
    raise DomainError(f'Say to whom, in quotes: `/dvpn clare {ref} disclosed to "the person at risk"`.', "disclosed_to")


def _new(inv: Invocation, rest: str) -> Reply:
    try:
        words = shlex.split(rest.translate(QUOTES))
    except ValueError:
        raise DomainError(f"A quote is not closed. Usage: `/dvpn {NEW_USAGE}`.", "new") from None
    route = Route.parse(words[0]) if words else None
    if route is None or len(words) < 3:
        raise DomainError(f"Give the route and both names: `/dvpn {NEW_USAGE}`.", "route")
    at_risk, subject, options = words[1], words[2], _options(words[3:])
    received = inv.now
    if options.get("received"):
        received = parsing.when(options["received"], _reading(inv, "clare new"), kind="service", field="received_at")
    new = requests.NewRequest(
        route=route,
        person_at_risk=PersonInput(at_risk),
        subject=PersonInput(subject, pnc_id=options.get("pnc") or None),
        received_at=received,
        applicant_name=options.get("applicant"),
    )
    view = requests.new_request(inv.ctx, inv.user_id, new)
    return _reply(
        inv, view, f"Clare's Law request {view.reference} recorded ({route.label}).", [("Received", received)]
    )


def _options(words: list[str]) -> dict[str, str]:
    """pnc ID, applicant NAME (one quoted word), received WHEN (the rest)."""
    found: dict[str, str] = {}
    index = 0
    while index < len(words):
        key = words[index].lower()
        if key == "received":
            found[key] = " ".join(words[index + 1 :])
            break
        if key in ("pnc", "applicant") and index + 1 < len(words):
            found[key] = words[index + 1]
            index += 2
            continue
        raise DomainError(f"'{words[index][:30]}' is not understood here. Usage: `/dvpn {NEW_USAGE}`.", "new")
    return found
