"""Attack: a champion, a supervisor of another team and an admin reach the people on Team B's
record without giving a reason, through every path that could show them: the card, perpetrator
history, search by name and caseload. Each path asks first (the card) or shows no names
(history, search, caseload); after the reason is given through the card's modal, the names show
and every audit row of the view carries the reason (Data Protection Act 2018 s62)."""

from __future__ import annotations

import json

import pytest

from services.context import ServiceContext
from tests.support.database import audit_rows, row_counts
from tests.support.force import Force
from tests.support.records import PERPETRATOR, PERSONAL, PROTECTED, record
from tests.support.slack_app import ctx, slack, slack_api  # noqa: F401  (the real Bolt app and Slack stand-in)
from tests.support.slack_driver import SlackDriver, ack_body, blocks_text, reply_text

REASON = "MARAC review of repeat victim"
BEYOND_TEAM_B = ["champion", "supervisor", "admin"]  # supervisor: of Team A only


def sent_text(driver: SlackDriver) -> str:
    """Everything the app sent, less the search line echoing what the user typed."""
    return json.dumps([c.args for c in driver.sent()]).replace(f"*Search:* {PROTECTED}", "")


def leaked(text: str) -> list[str]:
    return [secret for secret in PERSONAL if secret in text]


def unchanged_but_audit(before: dict[str, int], after: dict[str, int]) -> bool:
    return {k: v for k, v in before.items() if k != "audit_event"} == {
        k: v for k, v in after.items() if k != "audit_event"
    }


@pytest.fixture
def team_b_record(ctx: ServiceContext, force: Force) -> str:  # noqa: F811
    return record(ctx, force.other_officer).reference


@pytest.mark.parametrize("who", BEYOND_TEAM_B)
def test_without_a_reason_every_path_asks_or_shows_no_names(
    slack: SlackDriver,  # noqa: F811
    ctx: ServiceContext,  # noqa: F811
    force: Force,
    team_b_record: str,
    who: str,
) -> None:
    user = getattr(force, who)
    before = row_counts(ctx.engine)

    slack.command(user, f"show {team_b_record}")  # the card: asks
    [asked] = slack.sent()
    assert asked.method == "views.open" and asked.view["callback_id"] == "justification_form"
    assert row_counts(ctx.engine) == before

    slack.command(user, f"perpetrator {team_b_record}")  # history: initials, names withheld
    history = reply_text(slack.last_reply())
    assert "Perpetrator history: AP" in history and f"Names on {team_b_record} are withheld" in history

    slack.command(user, f"perpetrator {PERPETRATOR}")
    assert "Perpetrator history: AP" in reply_text(slack.last_reply())

    slack.command(user, f"search {PROTECTED}")  # search by name: no oracle
    assert slack.last_reply()["text"] == "0 records found"

    slack.command(user, "caseload Team B")  # caseload: references and initials, or refused
    caseload = reply_text(slack.last_reply())
    assert (team_b_record in caseload and "AP" in caseload) or "not a team you work in or supervise" in caseload

    assert leaked(sent_text(slack)) == []
    assert unchanged_but_audit(before, row_counts(ctx.engine))
    consulted = [r for r in audit_rows(ctx.engine) if r["actor"] == f"slack:{user}"]
    assert all(r["justification"] is None for r in consulted)
    assert not any(r["action"] == "view" for r in consulted)
    history_rows = [r for r in consulted if r["action"] == "view_history" and r["order_id"] is not None]
    assert history_rows and all(r["after"]["names_shown"] is False for r in history_rows)


@pytest.mark.parametrize("who", BEYOND_TEAM_B)
def test_after_the_reason_the_names_show_and_every_audit_row_carries_it(
    slack: SlackDriver,  # noqa: F811
    ctx: ServiceContext,  # noqa: F811
    force: Force,
    team_b_record: str,
    who: str,
) -> None:
    user = getattr(force, who)
    slack.command(user, f"show {team_b_record}")
    card = ack_body(slack.submit(user, slack.opened_view(), {"justification": REASON}))["view"]
    assert PERPETRATOR in blocks_text(card["blocks"]) and PROTECTED in blocks_text(card["blocks"])

    slack.command(user, f"perpetrator {team_b_record}")
    history = reply_text(slack.last_reply())
    assert f"Perpetrator history: {PERPETRATOR}" in history and PROTECTED in history
    assert "withheld" not in history

    slack.command(user, f"search {PROTECTED}")
    assert team_b_record in reply_text(slack.last_reply())

    order_rows = [r for r in audit_rows(ctx.engine) if r["actor"] == f"slack:{user}" and r["order_id"] is not None]
    assert [r["action"] for r in order_rows] == ["view", "view_history", "search"]
    assert all(r["justification"] == REASON for r in order_rows)
    assert order_rows[1]["after"]["names_shown"] is True
    assert leaked(json.dumps([{k: str(v) for k, v in r.items()} for r in audit_rows(ctx.engine)])) == []


def test_an_officer_of_another_team_is_never_asked_and_never_shown_names(
    slack: SlackDriver,  # noqa: F811
    ctx: ServiceContext,  # noqa: F811
    force: Force,
    team_b_record: str,
) -> None:
    before = row_counts(ctx.engine)
    slack.command(force.officer, f"show {team_b_record}")
    assert "belongs to another team, so you cannot see its details" in reply_text(slack.last_reply())
    assert row_counts(ctx.engine) == before
    slack.command(force.officer, f"search {PROTECTED}")
    slack.command(force.officer, f"perpetrator {team_b_record}")
    assert leaked(sent_text(slack)) == []
    assert not any(c.method.startswith("views.") for c in slack.sent())
