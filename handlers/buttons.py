"""Buttons on record cards, lists and the App Home, and the global shortcut."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from slack_bolt import App, Respond
from slack_sdk import WebClient

from blocks import actions as ids
from blocks.audit_trail import audit_trail_blocks
from blocks.card import card_text, record_card
from blocks.caseload import caseload_blocks, caseload_text
from blocks.forms import (
    FormMeta,
    breach_form,
    check_form,
    close_form,
    hearing_form,
    notification_form,
    outcome_form,
    record_form,
)
from blocks.justification import card_modal
from blocks.lists import record_page
from blocks.perpetrator import history_blocks, history_text, matches_blocks
from handlers import justification
from handlers.after_ack import after_ack
from handlers.errors import reported
from handlers.replies import channel_of, tell, user_of
from handlers.router import Reply
from services.context import ServiceContext
from services.errors import DomainError
from services.governance import audit_trail
from services.governance.justification_terms import JustificationRequired
from services.people import perpetrator_history
from services.people.results import PerpetratorMatches
from services.records import recording as records
from services.reporting import caseload, listing
from services.reporting.list_results import CaseloadQuery, ListScope

FORMS: dict[str, Callable[[FormMeta], dict[str, Any]]] = {
    ids.BOOK_HEARING: hearing_form,
    ids.RECORD_OUTCOME: outcome_form,
    ids.RECORD_BREACH: breach_form,
    ids.CHECK_DONE: check_form,
    ids.RECORD_NOTIFICATION: notification_form,
    ids.CLOSE_RECORD: close_form,
}


def register(app: App, ctx: ServiceContext) -> None:
    for action_id, form in FORMS.items():
        after_ack(app, app.action(action_id))(_opens(form, ctx))

    @after_ack(app, app.action(ids.OPEN_RECORD))
    @reported
    def open_record(body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        in_modal = body.get("view", {}).get("type") == "modal"
        try:
            view = records.view(ctx, user_of(body), _value(body))
        except JustificationRequired as asked:
            justification.ask(client, body["trigger_id"], asked, channel_of(body), push=in_modal)
            return
        if body.get("response_url"):
            tell(body, client, respond, Reply(record_card(view, ctx.settings.timezone), card_text(view)))
            return
        # From the App Home or a modal there is no conversation to answer in: show the card as a modal.
        card = card_modal(view, ctx.settings.timezone)
        if in_modal:
            client.views_push(trigger_id=body["trigger_id"], view=card)
        else:
            client.views_open(trigger_id=body["trigger_id"], view=card)

    @after_ack(app, app.action(ids.POST_TO_CHANNEL))
    @reported
    def post_to_channel(body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        if not body.get("response_url") or not channel_of(body):
            raise DomainError("Post a record from a channel: type /dvpn show REF there, then press Post to channel.")
        view = records.view(ctx, user_of(body), _value(body))
        # Only reference, type, status, initials and deadlines: the channel card has no personal data.
        channel_card = record_card(view, ctx.settings.timezone, in_channel=True)
        tell(body, client, respond, Reply(channel_card, card_text(view), in_channel=True))

    @after_ack(app, app.action(ids.MORE_RECORDS))
    @reported
    def more(body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        wanted = json.loads(_value(body))
        page = listing.list_records(ctx, user_of(body), ListScope.parse(wanted["scope"]), offset=int(wanted["offset"]))
        tell(body, client, respond, Reply(record_page(page, ctx.settings.timezone, ctx.clock.now()), "More records"))

    @after_ack(app, app.action(ids.MORE_CASELOAD))
    @reported
    def more_caseload(body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        wanted = json.loads(_value(body))
        query = CaseloadQuery.load(wanted["q"])
        load = caseload.caseload(ctx, user_of(body), query, offset=int(wanted["offset"]))
        blocks = caseload_blocks(load, ctx.settings.timezone, ctx.clock.now())
        tell(body, client, respond, Reply(blocks, caseload_text(load)))

    @after_ack(app, app.action(ids.MORE_AUDIT))
    @reported
    def more_audit(body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        wanted = json.loads(_value(body))
        page = audit_trail.trail(ctx, user_of(body), str(wanted["ref"]), offset=int(wanted["offset"]))
        reply = Reply(audit_trail_blocks(page, ctx.settings.timezone), f"Audit trail of {page.reference}")
        tell(body, client, respond, reply)

    @after_ack(app, app.action(ids.PERPETRATOR_PICK))
    @reported
    def pick_perpetrator(body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        found = perpetrator_history.lookup(ctx, user_of(body), _value(body))
        if isinstance(found, PerpetratorMatches):
            reply = Reply(matches_blocks(found), f"{found.total} people match")
        else:
            reply = Reply(history_blocks(found, ctx.settings.timezone), history_text(found))
        tell(body, client, respond, reply)

    @after_ack(app, app.action(ids.NEW_RECORD))
    @reported
    def new_from_home(body: dict[str, Any], client: WebClient) -> None:
        client.views_open(trigger_id=body["trigger_id"], view=record_form(None, ctx.settings.order_types, FormMeta()))

    @after_ack(app, app.shortcut(ids.NEW_RECORD_SHORTCUT))
    @reported
    def new_from_shortcut(body: dict[str, Any], client: WebClient) -> None:
        channel = channel_of(body)
        meta = FormMeta(channel=channel)
        client.views_open(trigger_id=body["trigger_id"], view=record_form(None, ctx.settings.order_types, meta))


def _value(body: dict[str, Any]) -> str:
    return str(body["actions"][0].get("value") or "")


def _opens(form: Callable[[FormMeta], dict[str, Any]], ctx: ServiceContext) -> Callable[..., None]:
    @reported
    def open_form(body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        reference = _value(body)
        records.require_change_allowed(ctx, user_of(body), reference)  # refuse before the form, not after it
        meta = FormMeta(reference=reference, channel=channel_of(body))
        if body.get("view", {}).get("type") == "modal":
            client.views_push(trigger_id=body["trigger_id"], view=form(meta))
        else:
            client.views_open(trigger_id=body["trigger_id"], view=form(meta))

    return open_form
