"""Attack (by a careless setting): `DVPN_LOG_LEVEL=DEBUG` on a real `dvpn-bot serve`. A record is
made through the form with known names, dates of birth, addresses and a PNC id, then looked at
and changed with commands that carry those same values; none of them appears anywhere in the log
of the serving process or its work process, though the log is at DEBUG."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from console.slack_api import TEAM_ID, SlackWebAPI
from tests.support.drills import START, Served, form_answers
from tests.support.force import Force
from tests.support.slack_driver import fill

PERPETRATOR = "Zebedee Quartermaine"
PROTECTED = "Philippa Thistlewood"
SECRETS = {
    "perpetrator_name": PERPETRATOR,
    "perpetrator_dob": "1987-03-14",
    "perpetrator_address": "17 Larkspur Crescent, Dudley DY1 4QQ",
    "perpetrator_pnc": "11/987654D",
    "protected_name": PROTECTED,
    "protected_dob": "1990-06-21",
    "protected_address": "4 Marram Close, Walsall WS2 8PL",
}


def logged_forms(value: str) -> list[str]:
    """The value, and its parts a log line could carry on their own (surnames, a date as shown)."""
    forms = [value, *[part for part in re.split(r"[ ,]+", value) if len(part) > 6 and not part.isdigit()]]
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        year, month, day = value.split("-")
        forms += [f"{day}/{month}/{year}", f"{year}{month}{day}"]
    return forms


def test_debug_logging_writes_no_personal_data(
    serve: Callable[..., Served], force: Force, slack_api: SlackWebAPI
) -> None:
    served = serve(DVPN_LOG_LEVEL="DEBUG")
    officer = force.officer
    served.command(officer, "new DVPN", replied=False)
    [opened] = slack_api.wait_for(1, "views.open", timeout=15)
    form = opened.view | {"id": "VDEBUG", "hash": "h1"}
    answers = form_answers((START - timedelta(hours=1)).astimezone(ZoneInfo("Europe/London"))) | SECRETS
    answers["conditions"] = f"Not to contact {PROTECTED} or go to {SECRETS['protected_address']}"
    submission: dict[str, Any] = {
        "type": "view_submission",
        "team": {"id": TEAM_ID},
        "user": {"id": officer},
        "api_app_id": "ADVPN",
        "trigger_id": served.trigger(),
        "view": form | {"state": {"values": fill(form, answers)}},
    }
    status, answer, _ = served.interact(submission)
    assert (status, answer) == (200, {}), answer
    [confirmation] = slack_api.wait_for(1, "chat.postEphemeral", timeout=15)
    found = re.search(r"[A-Z]{2,4}-DVPN-\d{4}-\d{4}", json.dumps(confirmation.args))
    assert found, confirmation.args
    ref = found.group()
    shown, _ = served.command(officer, f"show {ref}")
    assert PERPETRATOR in shown  # the officer was shown the names: they were in play

    for text in (
        f"search {PERPETRATOR}",
        f"perpetrator {PERPETRATOR}",
        f"perpetrator {SECRETS['perpetrator_pnc']}",
        f"perpetrator {ref}",
        "list mine",
        f"hearing {ref} tomorrow 10:00 at Dudley Magistrates",
        f"breach {ref} yesterday 21:00 details {PERPETRATOR} went to {SECRETS['protected_address']}",
        f"search {PROTECTED}",
    ):
        reply, _ = served.command(officer, text)
        assert "Something went wrong" not in reply, (text, reply)

    log = served.bot.output()
    assert " DEBUG dvpn.http: " in log  # the log really is at DEBUG
    leaked = {
        form for value in [*SECRETS.values(), answers["conditions"]] for form in logged_forms(value) if form in log
    }
    assert leaked == set(), f"personal data in the DEBUG log: {leaked}"
