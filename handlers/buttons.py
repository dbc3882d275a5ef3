"""Buttons on record cards, lists and the App Home, and the global shortcut."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltContext, Respond
from slack_sdk import WebClient

from blocks import actions as ids
from blocks.audit_trail import audit_trail_blocks
from blocks.card import card_text, record_card
from blocks.caseload import caseload_blocks, caseload_text
from blocks.common import plain
from blocks.disclosures import request_blocks, request_modal, request_text
from blocks.forms import (
    FormMeta,
    breach_form,
    check_form,
    close_form,
    hearing_form,
    hearing_form_before,
    notification_form,
    outcome_form,
    record_form,
)
from blocks.incident_card import incident_blocks, incident_text
from blocks.justification import card_modal
from blocks.lists import record_page
from blocks.perpetrator import history_blocks, history_text, matches_blocks
from handlers import justification
from handlers.after_ack import Listener, after_ack
from handlers.context import services
from handlers.errors import reported
from handlers.replies import channel_of, from_home, tell, user_of
from handlers.router import Reply
from services.disclosures import viewing as disclosures
from services.errors import DomainError
from services.governance import audit_trail
from services.governance.justification_terms import JustificationRequired
from services.incidents import card as incident_card
from services.people import perpetrator_history
from services.people.results import PerpetratorMatches
from services.records import recording as records
from services.reporting import caseload, listing
from services.reporting.list_results import CaseloadQuery, ListScope


def register(app: App) -> None:
    for action_id, opener in FORM_OPENERS.items():
        after_ack(app, app.action(action_id))(opener)
    after_ack(app, app.action(ids.OPEN_RECORD))(open_record)
    after_ack(app, app.action(ids.OPEN_CLARE))(open_clare_request)
    after_ack(app, app.action(ids.OPEN_INCIDENT))(open_incident)
    after_ack(app, app.action(ids.POST_TO_CHANNEL))(post_to_channel)
    after_ack(app, app.action(ids.MORE_RECORDS))(more_records)
    after_ack(app, app.action(ids.MORE_CASELOAD))(more_caseload)
    after_ack(app, app.action(ids.MORE_AUDIT))(more_audit)
    after_ack(app, app.action(ids.PERPETRATOR_PICK))(pick_perpetrator)
    after_ack(app, app.action(ids.NEW_RECORD))(new_from_home)
    after_ack(app, app.shortcut(ids.NEW_RECORD_SHORTCUT))(new_from_shortcut)


@reported
def open_record(body: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext) -> None:
    ctx = services(context)
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


@reported
def open_clare_request(body: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext) -> None:
    """A Clare's Law request from its reminder or the App Home: shown to the user who pressed it
    (a consultation, audited), as a reply where there is a conversation, else as a modal."""
    ctx = services(context)
    view = disclosures.show(ctx, user_of(body), _value(body))
    if body.get("response_url"):
        tell(body, client, respond, Reply(request_blocks(view, ctx.settings.timezone), request_text(view)))
        return
    client.views_open(trigger_id=body["trigger_id"], view=request_modal(view, ctx.settings.timezone))


@reported
def open_incident(body: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext) -> None:
    """An incident from a digest line or the App Home: its card (a consultation, audited), as a
    reply where there is a conversation, else as a modal."""
    ctx = services(context)
    view = incident_card.view_incident(ctx, user_of(body), _value(body))
    blocks = incident_blocks(view, ctx.settings.timezone)
    if body.get("response_url"):
        tell(body, client, respond, Reply(blocks, incident_text(view)))
        return
    modal = {"type": "modal", "title": plain(view.reference[:24]), "close": plain("Close"), "blocks": blocks}
    client.views_open(trigger_id=body["trigger_id"], view=modal)


@reported
def post_to_channel(body: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext) -> None:
    if not body.get("response_url") or not channel_of(body):
        raise DomainError("Post a record from a channel: type /dvpn show REF there, then press Post to channel.")
    ctx = services(context)
    view = records.view(ctx, user_of(body), _value(body))
    # Only reference, type, status, initials and deadlines: the channel card has no personal data.
    channel_card = record_card(view, ctx.settings.timezone, in_channel=True)
    tell(body, client, respond, Reply(channel_card, card_text(view), in_channel=True))


@reported
def more_records(body: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext) -> None:
    ctx = services(context)
    wanted = json.loads(_value(body))
    page = listing.list_records(ctx, user_of(body), ListScope.parse(wanted["scope"]), offset=int(wanted["offset"]))
    tell(body, client, respond, Reply(record_page(page, ctx.settings.timezone, ctx.clock.now()), "More records"))


@reported
def more_caseload(body: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext) -> None:
    ctx = services(context)
    wanted = json.loads(_value(body))
    query = CaseloadQuery.load(wanted["q"])
    load = caseload.caseload(ctx, user_of(body), query, offset=int(wanted["offset"]))
    blocks = caseload_blocks(load, ctx.settings.timezone, ctx.clock.now())
    tell(body, client, respond, Reply(blocks, caseload_text(load)))


@reported
def more_audit(body: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext) -> None:
    ctx = services(context)
    wanted = json.loads(_value(body))
    page = audit_trail.trail(ctx, user_of(body), str(wanted["ref"]), offset=int(wanted["offset"]))
    reply = Reply(audit_trail_blocks(page, ctx.settings.timezone), f"Audit trail of {page.reference}")
    tell(body, client, respond, reply)


@reported
def pick_perpetrator(body: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext) -> None:
    ctx = services(context)
    found = perpetrator_history.lookup(ctx, user_of(body), _value(body))
    if isinstance(found, PerpetratorMatches):
        reply = Reply(matches_blocks(found), f"{found.total} people match")
    else:
        reply = Reply(history_blocks(found, ctx.settings.timezone), history_text(found))
    tell(body, client, respond, reply)


@reported
def new_from_home(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    order_types = services(context).settings.order_types
    client.views_open(trigger_id=body["trigger_id"], view=record_form(None, order_types, FormMeta()))


@reported
def new_from_shortcut(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    order_types = services(context).settings.order_types
    client.views_open(
        trigger_id=body["trigger_id"], view=record_form(None, order_types, FormMeta(channel=channel_of(body)))
    )


# A record's buttons that open a form to change it: one listener each, so that each has a name of
# its own (the work processes run a listener by its name).


@reported
def open_hearing_form(body: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext) -> None:
    _open_form(hearing_form, body, client, context)


@reported
def open_outcome_form(body: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext) -> None:
    _open_form(outcome_form, body, client, context)


@reported
def open_breach_form(body: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext) -> None:
    _open_form(breach_form, body, client, context)


@reported
def open_check_form(body: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext) -> None:
    _open_form(check_form, body, client, context)


@reported
def open_notification_form(body: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext) -> None:
    _open_form(notification_form, body, client, context)


@reported
def open_close_form(body: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext) -> None:
    _open_form(close_form, body, client, context)


FORM_OPENERS: dict[str, Listener] = {
    ids.BOOK_HEARING: open_hearing_form,
    ids.RECORD_OUTCOME: open_outcome_form,
    ids.RECORD_BREACH: open_breach_form,
    ids.CHECK_DONE: open_check_form,
    ids.RECORD_NOTIFICATION: open_notification_form,
    ids.CLOSE_RECORD: open_close_form,
}


def _open_form(
    form: Callable[[FormMeta], dict[str, Any]], body: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    reference = _value(body)
    ctx = services(context)
    deadline = records.require_change_allowed(ctx, user_of(body), reference)  # refuse before the form, not after it
    if form is hearing_form:
        form = hearing_form_before(deadline, ctx.clock.now(), ctx.settings.timezone)
    meta = FormMeta(reference=reference, channel=channel_of(body), home=from_home(body))
    if body.get("view", {}).get("type") == "modal":
        client.views_push(trigger_id=body["trigger_id"], view=form(meta))
    else:
        client.views_open(trigger_id=body["trigger_id"], view=form(meta))


def _value(body: dict[str, Any]) -> str:
    return str(body["actions"][0].get("value") or "")
