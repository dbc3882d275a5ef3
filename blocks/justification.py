"""The justification modal (Data Protection Act 2018 s62(2)) asked before a record beyond the
user's own team is opened, and the record card shown as a modal once it is given."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from blocks import actions as ids
from blocks.card import record_card
from blocks.common import MAX_VIEW_BLOCKS, context, plain, section
from blocks.forms import FormMeta, text_input
from services.governance.justification_terms import JUSTIFICATION_MAX
from services.views import RecordView


def justification_form(meta: FormMeta) -> dict[str, Any]:
    assert meta.reference, "the form is about one record"
    return {
        "type": "modal",
        "callback_id": ids.JUSTIFICATION_FORM,
        "title": plain("Why open this record?"),
        "submit": plain("Open record"),
        "close": plain("Cancel"),
        "private_metadata": meta.dump(),
        "blocks": [
            section(
                f"*{meta.reference}* belongs to a team outside yours. Opening it is logged with your name, "
                "the time and your reason, as the Data Protection Act 2018 (s62) requires."
            ),
            text_input(
                "justification",
                "Reason",
                multiline=True,
                placeholder="e.g. MARAC review of repeat victim",
                max_length=JUSTIFICATION_MAX,
            ),
            context("The supervisors of the record's team and admins can read this reason in its audit trail."),
        ],
    }


def card_modal(view: RecordView, tz: ZoneInfo) -> dict[str, Any]:
    """The card as a modal: from the App Home, another modal, or after a justification."""
    return {
        "type": "modal",
        "title": plain(view.reference[:24]),
        "close": plain("Close"),
        "blocks": record_card(view, tz, in_modal=True)[:MAX_VIEW_BLOCKS],
    }
