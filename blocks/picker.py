"""The record picker: an `external_select` whose options Slack asks the app for as the user types
(a `block_suggestion` to the options load URL, or over Socket Mode), answered with `options` or, as
here, `option_groups`: the user's own teams' records, then those beyond that they may read."""

from __future__ import annotations

from typing import Any

from blocks import actions as ids
from blocks.common import Block, option, plain
from services.records.choice_results import RecordChoice, RecordChoices

# Slack asks after this many characters typed: one is enough, a record's number is short.
MIN_QUERY_LENGTH = 1
MAX_OPTIONS = 100  # Slack's limit on options (and on groups) in one answer


def record_picker(placeholder: str, initial: str | None = None) -> Block:
    element: Block = {
        "type": "external_select",
        "action_id": ids.RECORD_PICKER,
        "placeholder": plain(placeholder, 150),
        "min_query_length": MIN_QUERY_LENGTH,
    }
    if initial:
        element["initial_option"] = option(initial, initial)
    return element


def record_options(choices: RecordChoices) -> dict[str, Any]:
    """What an options load answers: groups only when both have records (a group needs options)."""
    own = [_option(c) for c in choices.own][:MAX_OPTIONS]
    beyond = [_option(c) for c in choices.beyond][: MAX_OPTIONS - len(own)]
    if own and beyond:
        return {
            "option_groups": [
                {"label": plain("Your teams", 75), "options": own},
                {"label": plain("Other teams (a reason is asked)", 75), "options": beyond},
            ]
        }
    return {"options": own or beyond}


def _option(choice: RecordChoice) -> dict[str, Any]:
    return option(f"{choice.reference} · {choice.order_type} · {choice.initials} · {choice.status}", choice.reference)
