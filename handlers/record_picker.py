"""The record picker's options, answered in the acknowledgement as Slack requires (an options
load gets no second answer). A user who may not use dvpn-bot, or an error, gets no options:
a picker answers with what it can, and a refusal has nowhere to show."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext

from blocks import actions as ids
from blocks.picker import record_options
from handlers.after_ack import answered_in_ack
from handlers.context import services
from handlers.errors import log_unexpected
from handlers.replies import user_of
from services.errors import DomainError
from services.records.choices import record_choices

log = logging.getLogger("dvpn.handlers")


def register(app: App) -> None:
    answered_in_ack(app, app.options(ids.RECORD_PICKER))(suggest_records)


def suggest_records(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    try:
        choices = record_choices(services(context), user_of(body), str(body.get("value") or ""))
    except DomainError:
        ack(options=[])
        return
    except Exception as error:  # Slack shows "no options"; the log has why
        log.warning("record picker answered empty (error id %s)", log_unexpected(error, "record picker"))
        ack(options=[])
        return
    ack(**record_options(choices))
