"""Asking for a justification before a record beyond the user's own team is opened, and answering
the form: the card replaces the form, or the problem is shown inline and nothing is written.

services.records.recording.view decides (JustificationRequired); every way of opening a record in Slack
(`/dvpn show`, Open buttons in messages, the App Home and modals) comes here when it is raised."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from blocks import actions as ids
from blocks.forms import FormMeta
from blocks.justification import card_modal, justification_form
from handlers.after_ack import answered_in_ack
from handlers.context import services
from handlers.errors import form_errors
from handlers.form_values import FormValues
from services.governance.justification_terms import JustificationRequired
from services.records import recording as records


def ask(client: WebClient, trigger_id: str, asked: JustificationRequired, channel: str | None, *, push: bool) -> None:
    """Open the form; `push` stacks it on a modal the user already has open."""
    form = justification_form(FormMeta(reference=asked.reference, channel=channel))
    if push:
        client.views_push(trigger_id=trigger_id, view=form)
    else:
        client.views_open(trigger_id=trigger_id, view=form)


def register(app: App) -> None:
    answered_in_ack(app, app.view(ids.JUSTIFICATION_FORM))(justified)


def justified(ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
    ctx = services(context)
    meta = FormMeta.load(view.get("private_metadata"))
    reason = FormValues(view, now=ctx.clock.now(), tz=ctx.settings.timezone).text("justification")
    try:
        assert meta.reference, "the form carries its record's reference"
        record = records.view(ctx, str(body["user"]["id"]), meta.reference, justification=reason or "")
    except Exception as error:  # every failure must answer the modal, or Slack shows a timeout
        ack(response_action="errors", errors=form_errors(error, view["blocks"], {}))
        return
    ack(response_action="update", view=card_modal(record, ctx.settings.timezone))
