"""Through the real Bolt app: /dvpn search by a surname, a spelling one letter out and a postcode,
answered to the officer alone with references and initials, and nothing beyond their team."""

from __future__ import annotations

import json

from services.context import ServiceContext
from services.records import recording as records
from services.records.order_writer import PersonInput
from tests.support.casework import Seeded, notice
from tests.support.force import Force
from tests.support.slack_driver import SlackDriver, reply_text

ADDRESS = "14 Acacia Avenue, Kings Heath, Birmingham B14 7QT"


def test_a_response_officer_finds_a_record_by_surname_spelling_and_postcode(
    slack: SlackDriver, ctx: ServiceContext, force: Force, casework: Seeded
) -> None:
    made = notice("2026-04-01 10:00", PersonInput("Dean Thompson", None, ADDRESS), "Lucy Harper")
    reference = records.record(ctx, force.officer, made).reference

    for typed, matched in (
        ("Thompson", "perpetrator's name"),
        ("thomson", "perpetrator's name, spelt one letter differently"),
        ("b14 7qt", "perpetrator's address"),
    ):
        slack.command(force.colleague, f"search {typed}")
        call = slack.last_reply()
        assert call.args.get("response_type") != "in_channel"  # to the officer alone
        text = reply_text(call)
        assert f"*{reference}* · DVPN · active · DT\n_matched its {matched}_" in text
        assert "Acacia" not in json.dumps(call.blocks) and "Lucy" not in json.dumps(call.blocks)

    slack.command(force.other_officer, "search b14 7qt")
    assert reference not in reply_text(slack.last_reply())
    assert "Nothing you may see matches" in reply_text(slack.last_reply())
