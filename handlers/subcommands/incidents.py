"""/dvpn incident, /dvpn marac and /dvpn encompass: incidents and their safeguarding clocks, typed.
Every reply is the incident's card (references, initials and times only)."""

from __future__ import annotations

import shlex

from blocks.forms import FormMeta
from blocks.incident_card import incident_blocks, incident_text, marac_due_blocks
from blocks.incident_form import incident_form
from domain.enums import RiskLevel
from handlers import parsing
from handlers.router import Invocation, Reply
from services.context import ServiceContext
from services.errors import DomainError
from services.incidents import card, changes, school_terms
from services.incidents.recording import ChildInput, NewIncident, record_incident
from services.records.order_writer import PersonInput
from services.wording import Command

INCIDENT_USAGE = (
    'incident new · incident new victim "NAME" suspect "NAME" [at WHEN] [dash N] [crime CRIMEREF] '
    '[child "NAME" school "SCHOOL" area AREA] · incident REF dash N · incident REF crime CRIMEREF · '
    'incident REF considered yes|no "WHY" · incident REF attended [WHEN]'
)
MARAC_USAGE = (
    'marac due · marac REF referred · marac REF meeting WHEN · marac REF action "WHAT" owner @user due WHEN · '
    "marac REF done N"
)
ENCOMPASS_USAGE = "encompass REF told N"
_NEW_KEYWORDS = ("victim", "suspect", "at", "dash", "crime", "child", "school", "area", "linked")


def _reading(inv: Invocation, typed: str) -> parsing.Reading:
    return parsing.Reading(inv.now, inv.tz, inv.ctx.settings.past_event_days, typed)


def _tokens(text: str) -> list[str]:
    """Words, with "quoted names" kept whole (Slack may send curly quotes)."""
    straight = text.replace("\u201c", '"').replace("\u201d", '"').replace("\u2018", "'").replace("\u2019", "'")
    try:
        return shlex.split(straight)
    except ValueError as error:
        raise DomainError(f"A quote is not closed. Type: `/dvpn {INCIDENT_USAGE}`.") from error


def card_reply(inv: Invocation, reference: str, headline: str) -> Reply:
    return incident_reply(inv.ctx, inv.user_id, reference, headline)


def incident_reply(ctx: ServiceContext, user_id: str, reference: str, headline: str) -> Reply:
    """The incident's card under a line saying what was just done."""
    view = card.view_incident(ctx, user_id, reference)
    blocks = incident_blocks(view, ctx.settings.timezone)
    return Reply(
        [blocks[0], {"type": "section", "text": {"type": "mrkdwn", "text": headline}}, *blocks[1:]], incident_text(view)
    )


def incident(inv: Invocation) -> Reply | None:
    words = inv.args.split(maxsplit=2)
    if not words:
        raise DomainError(("Record an incident: ", Command("incident", 'new victim "NAME" suspect "NAME"'), "."))
    if words[0].lower() == "new":
        if len(words) == 1:
            return open_incident_form(inv)
        return _new(inv, inv.args.split(maxsplit=1)[1])
    ref = parsing.reference(inv.args, INCIDENT_USAGE, inv.ctx.settings.force_code)
    what = words[1].lower() if len(words) > 1 else ""
    rest = words[2] if len(words) > 2 else ""
    if what == "dash":
        return _dash(inv, ref, rest)
    if what == "crime":
        changes.record_crime(inv.ctx, inv.user_id, ref, rest)
        return card_reply(inv, ref, f"Crime reference added to {ref}.")
    if what == "considered":
        answer, _, why = rest.partition(" ")
        if answer.lower() not in ("yes", "no"):
            raise DomainError(("Say yes, or no and why: ", Command("incident", f'{ref} considered no "why not"'), "."))
        changes.record_considered(inv.ctx, inv.user_id, ref, answer.lower() == "yes", " ".join(_tokens(why)))
        return card_reply(inv, ref, f"DVPN/DAPN decision recorded on {ref}.")
    if what == "attended":
        at = (
            parsing.when(rest, _reading(inv, f"incident {ref} attended"), kind="incident", field="attended")
            if rest
            else None
        )
        changes.record_attended(inv.ctx, inv.user_id, ref, at)
        return card_reply(inv, ref, f"Attendance recorded on {ref}.")
    if what == "":
        return card_reply(inv, ref, f"Incident {ref}.")
    raise DomainError(f"Unknown: '{what[:20]}'. Type: `/dvpn {INCIDENT_USAGE}`.")


def open_incident_form(inv: Invocation) -> Reply | None:
    """`/dvpn incident new` alone: the incident form (handlers.incident_form saves it)."""
    if inv.client is None or not inv.trigger_id:
        raise DomainError(
            ("The incident form opens from Slack only: ", Command("incident", 'new victim "NAME" suspect "NAME"'), ".")
        )
    areas = school_terms.areas_for_recording(inv.ctx, inv.user_id)
    inv.client.views_open(trigger_id=inv.trigger_id, view=incident_form(FormMeta(channel=inv.channel_id), areas))
    return None


def _dash(inv: Invocation, ref: str, rest: str) -> Reply:
    parts = rest.split()
    if not parts or not parts[0].isdigit():
        raise DomainError(("Give the number of yes answers: ", Command("incident", f"{ref} dash 15"), "."), "dash")
    judgement = RiskLevel(parts[1].lower()) if len(parts) > 1 and parts[1].lower() in ("high", "medium") else None
    level = changes.record_dash(inv.ctx, inv.user_id, ref, int(parts[0]), judgement)
    return card_reply(inv, ref, f"DASH recorded on {ref}: {level.value} risk.")


def _new(inv: Invocation, text: str) -> Reply:
    found: dict[str, list[str]] = {}
    children: list[dict[str, list[str]]] = []
    current = ""
    for token in _tokens(text):
        key = token.lower()
        if key in _NEW_KEYWORDS:
            current = key
            if key == "child":
                children.append({})
            target = children[-1] if children and key in ("child", "school", "area", "linked") else found
            target[key] = []
            continue
        target = children[-1] if children and current in ("child", "school", "area", "linked") else found
        target.setdefault(current, []).append(token)
    said = {k: " ".join(v) for k, v in found.items()}
    if not said.get("victim") or not said.get("suspect"):
        raise DomainError(
            ("Name the victim and the suspect: ", Command("incident", 'new victim "NAME" suspect "NAME"'), ".")
        )
    reported = (
        parsing.when(said["at"], _reading(inv, "incident new ... at"), kind="incident", field="reported_at")
        if said.get("at")
        else inv.now
    )
    dash = said.get("dash", "").split()
    if dash and not dash[0].isdigit():
        raise DomainError("Give the DASH as the number of yes answers, e.g. dash 15.", "dash")
    judgement = RiskLevel(dash[1].lower()) if len(dash) > 1 and dash[1].lower() in ("high", "medium") else None
    new = NewIncident(
        reported_at=reported,
        victim=PersonInput(said["victim"]),
        suspect=PersonInput(said["suspect"]),
        children=tuple(
            ChildInput(
                " ".join(c.get("child", [])),
                " ".join(c.get("school", [])),
                " ".join(c.get("area", [])),
                "linked" not in c,
            )
            for c in children
        ),
        dash_yes=int(dash[0]) if dash else None,
        judgement=judgement,
        crime_disclosed="crime" in said,
        crime_reference=said.get("crime") or None,
    )
    ref = record_incident(inv.ctx, inv.user_id, new)
    return card_reply(inv, ref, f"Incident {ref} recorded. Its clocks are running.")


def marac(inv: Invocation) -> Reply:
    if inv.args.strip().lower() == "due":
        return Reply(marac_due_blocks(card.marac_due_list(inv.ctx, inv.user_id), inv.tz), "MARAC referrals due")
    ref = parsing.reference(inv.args, MARAC_USAGE, inv.ctx.settings.force_code)
    what, _, rest = parsing.rest_after_reference(inv.args).partition(" ")
    what = what.lower()
    if what == "referred":
        changes.record_referral(inv.ctx, inv.user_id, ref)
        return card_reply(inv, ref, f"MARAC referral recorded for {ref}.")
    if what == "meeting":
        at = parsing.when(rest, _reading(inv, f"marac {ref} meeting"), kind="meeting", field="meeting")
        changes.record_meeting(inv.ctx, inv.user_id, ref, at)
        return card_reply(inv, ref, f"MARAC meeting recorded for {ref}.")
    if what == "action":
        return _action(inv, ref, rest)
    if what == "done":
        if not rest.strip().isdigit():
            raise DomainError(("Give the action's number: ", Command("marac", f"{ref} done 1"), "."), "action")
        changes.action_done(inv.ctx, inv.user_id, ref, int(rest))
        return card_reply(inv, ref, f"MARAC action {rest.strip()} of {ref} done.")
    raise DomainError(f"Type: `/dvpn {MARAC_USAGE}`.")


def _action(inv: Invocation, ref: str, rest: str) -> Reply:
    tokens = _tokens(rest)
    lowered = [t.lower() for t in tokens]
    if "owner" not in lowered or "due" not in lowered:
        raise DomainError(
            (
                "Give the action, its owner and its due date: ",
                Command("marac", f'{ref} action "safety plan review" owner @user due 20/5/2026 12:00'),
                ".",
            )
        )
    owner_at, due_at = lowered.index("owner"), lowered.index("due")
    what = " ".join(tokens[: min(owner_at, due_at)])
    owner = parsing.user_id(" ".join(tokens[owner_at + 1 : due_at if due_at > owner_at else None]))
    due_text = " ".join(tokens[due_at + 1 : owner_at if owner_at > due_at else None])
    due = parsing.when(
        due_text, _reading(inv, f'marac {ref} action "{what[:20]}" owner <@{owner}> due'), kind="meeting", field="due"
    )
    number = changes.add_action(inv.ctx, inv.user_id, ref, what, owner, due)
    return card_reply(inv, ref, f"MARAC action {number} recorded for {ref}.")


def encompass(inv: Invocation) -> Reply:
    ref = parsing.reference(inv.args, ENCOMPASS_USAGE, inv.ctx.settings.force_code)
    what, _, number = parsing.rest_after_reference(inv.args).partition(" ")
    if what.lower() != "told" or not number.strip().isdigit():
        raise DomainError(("Say which child's school was told: ", Command("encompass", f"{ref} told 1"), "."), "child")
    changes.record_school_told(inv.ctx, inv.user_id, ref, int(number))
    return card_reply(inv, ref, f"School of child {number.strip()} told about {ref}.")
