"""/dvpn new, show and list."""

from __future__ import annotations

from datetime import datetime

from blocks.card import card_text, record_card
from blocks.confirmation import confirmation
from blocks.forms import FormMeta, record_form
from blocks.lists import record_page
from blocks.mrkdwn import escape
from handlers import parsing
from handlers.router import Invocation, Reply
from rules.order_types import OrderType
from services.errors import DomainError
from services.incidents import card as incident_card
from services.records import recording as records
from services.reporting import listing
from services.reporting.list_results import ListScope
from services.views import RecordView
from services.wording import Command


def new(inv: Invocation) -> Reply | None:
    """`new [TYPE] [from INCIDENT]`: the record form; from an incident, its people are the incident's."""
    settings = inv.ctx.settings
    order_type, incident = None, None
    words = inv.args.split()
    lowered = [w.lower() for w in words]
    if "from" in lowered:
        at = lowered.index("from")
        if at + 2 != len(words):
            raise DomainError(("Name one incident: ", Command("new", "DVPN from INC-2026-0001"), "."), "incident")
        incident = incident_card.require_notice_allowed(inv.ctx, inv.user_id, words[at + 1])
        words = words[:at]
    if words:
        order_type = OrderType.parse(words[0])
        if order_type is None or order_type not in settings.order_types:
            known = ", ".join(t.value for t in settings.order_types)
            raise DomainError(f"'{words[0][:20]}' is not an order type this force records. Use one of: {known}.")
    if inv.client is None or not inv.trigger_id:
        raise DomainError("The record form opens from Slack only: type /dvpn new in a channel or DM.")
    view = record_form(order_type, settings.order_types, FormMeta(channel=inv.channel_id, incident=incident))
    inv.client.views_open(trigger_id=inv.trigger_id, view=view)
    return None


def show(inv: Invocation) -> Reply:
    ref = parsing.reference(inv.args, "show REF", inv.ctx.settings.force_code)
    return card_reply(records.view(inv.ctx, inv.user_id, ref), inv)


def list_(inv: Invocation) -> Reply:
    word = inv.args.split()[0] if inv.args.strip() else "mine"
    page = listing.list_records(inv.ctx, inv.user_id, ListScope.parse(word))
    return Reply(record_page(page, inv.tz, inv.now), f"{page.total} records")


def card_reply(view: RecordView, inv: Invocation) -> Reply:
    return Reply(record_card(view, inv.tz), card_text(view))


def confirm(inv: Invocation, view: RecordView, headline: str, times: list[tuple[str, datetime]]) -> Reply:
    """What changed and what is next; the card is behind its Show record button."""
    return Reply(confirmation(view, headline, times, inv.tz, inv.now), escape(headline))  # typed text in it
