"""/dvpn end to end: signed requests into the real Bolt app, replies read from the Slack stand-in."""

from __future__ import annotations

from console.slack_api import SlackWebAPI
from services.context import ServiceContext
from tests.conftest import Force, row_counts
from tests.slack.slack_driver import SlackDriver, reply_text


def test_help_lists_every_subcommand_ephemerally(slack: SlackDriver, force: Force) -> None:
    response = slack.command(force.officer, "help")

    assert response.status == 200
    reply = slack.last_reply()
    assert reply["response_type"] == "ephemeral"
    text = reply_text(reply)
    for usage in ("new [TYPE]", "show REF", "hearing REF WHEN [at COURT]", "deadline TYPE WHEN", "admin role"):
        assert usage in text


def test_an_unknown_subcommand_gets_help_with_a_suggestion(slack: SlackDriver, ctx: ServiceContext, force: Force) -> None:
    before = row_counts(ctx.engine)
    slack.command(force.officer, "shwo WM-DVPN-2026-0001")

    text = reply_text(slack.last_reply())
    assert "There is no /dvpn shwo. Did you mean `/dvpn show`?" in text
    assert row_counts(ctx.engine) == before


def test_deadline_calculator_echoes_how_the_time_was_read(slack: SlackDriver, force: Force) -> None:
    slack.command(force.officer, "deadline DVPN 2/4/2026 20:00")

    text = reply_text(slack.last_reply())
    assert "Served: Thu 02 Apr 2026 20:00 BST" in text
    assert "Tue 07 Apr 2026 20:00 BST" in text
    assert "Good Friday" in text
