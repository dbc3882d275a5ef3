"""The export's justification form: checked at once (inline error), then acknowledged, then the
CSV made, logged and sent to the requester's direct messages, after Slack's 3 seconds."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from blocks import actions as ids
from blocks.common import escape, section
from blocks.reports import ExportRequest
from blocks.wording import COMMAND
from handlers.after_ack import answered_in_ack
from handlers.context import services
from handlers.errors import log_unexpected, reply_for
from handlers.file_upload import direct_message_channel, share_file
from services.context import ServiceContext
from services.errors import DomainError
from services.reporting import export as export_service
from services.reporting.report_results import Export

UNREADABLE_FORM = (
    f"The export form came back without a period that can be read, so nothing was exported. "
    f"Type `{COMMAND} export last 4 weeks` (or the period you need) to start again."
)


def register(app: App) -> None:
    answered_in_ack(app, app.view(ids.EXPORT_FORM))(submit_export)


def submit_export(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    user = str(body["user"]["id"])
    typed = _typed_justification(view)
    try:
        export_service.checked_justification(typed)
    except DomainError as error:
        ack(response_action="errors", errors={"justification": error.message})
        return
    ack()  # closes the modal; the export may take longer than Slack waits
    ctx = services(context)
    try:
        request = ExportRequest.load(view.get("private_metadata"))
        period = request.period
    except (ValueError, KeyError, TypeError, AttributeError):  # the form came back altered: start again
        _tell(client, user, [section(f":warning: {UNREADABLE_FORM}")], "The export was not made.")
        return
    try:
        made = export_service.export_records(ctx, user, period, request.team, typed, request.export_kind)
    except Exception as error:  # nothing was exported or logged: say why in the DM
        _tell(client, user, reply_for(error, "export").blocks, "The export was not made.")
        return
    _deliver(ctx, client, user, made)


def _typed_justification(view: dict[str, Any]) -> str:
    state = view.get("state", {}).get("values", {})
    return str(state.get("justification", {}).get("value", {}).get("value") or "")


def _deliver(ctx: ServiceContext, client: WebClient, user: str, made: Export) -> None:
    scope = escape(made.scope.label)
    comment = f"Export of {made.rows} {made.kind.described} of {scope}. Logged in the audit trail with your reason."
    try:
        share_file(
            client,
            user_id=user,
            channel_id=None,
            content=made.content,
            filename=made.filename,
            title=made.filename,
            comment=comment,
        )
    except Exception as error:
        error_id = log_unexpected(error, "export upload")
        export_service.record_undelivered(ctx, user, made, error_id)
        _tell(
            client,
            user,
            [section(f":warning: The export could not be sent (error id {error_id}). Try again later.")],
            "The export could not be sent.",
        )


def _tell(client: WebClient, user: str, blocks: list[dict[str, Any]], text: str) -> None:
    try:
        client.chat_postMessage(channel=direct_message_channel(client, user), blocks=blocks, text=text)
    except Exception as error:  # Slack is away: the log holds the error id
        log_unexpected(error, "export reply")
