"""/dvpn perpetrator REF plan through the real Bolt app: adopt, add actions, settle one, set the
review, close; the plan under the person's history; an officer of another team refused; bad input
says what to type and writes nothing."""

from __future__ import annotations

from services.context import ServiceContext
from tests.support.database import row_counts
from tests.support.force import Force
from tests.support.records import record
from tests.support.slack_driver import SlackDriver, reply_text


def said(slack: SlackDriver, user: str, text: str) -> str:
    before = len(slack.sent())
    slack.command(user, text)
    return " ".join(reply_text(c) for c in slack.sent()[before:] if c.method == "response_url")


def test_a_plan_through_slack(slack: SlackDriver, ctx: ServiceContext, force: Force) -> None:
    ref = record(ctx, force.officer).reference
    assert "No management plan" in said(slack, force.officer, f"perpetrator {ref} plan")
    text = said(slack, force.supervisor, f"perpetrator {ref} plan adopt review 1/5/2026")
    assert "Management plan adopted." in text and "review Sat 02 May 2026 00:00 BST" in text
    text = said(
        slack,
        force.officer,
        f'perpetrator {ref} plan action support <@{force.colleague}> 20/4/2026 17:00 "programme referral"',
    )
    assert "Action 1 added." in text and "1. support: programme referral" in text and f"<@{force.colleague}>" in text
    assert "done Thu 02 Apr 2026" in said(slack, force.officer, f"perpetrator {ref} plan done 1")
    assert "review Tue 02 Jun 2026 00:00 BST" in said(slack, force.officer, f"perpetrator {ref} plan review 1/6/2026")
    history = said(slack, force.officer, f"perpetrator {ref}")
    assert "Perpetrator history" in history and "Management plan" in history and "programme referral" in history
    assert "belongs to another team" in said(slack, force.other_officer, f"perpetrator {ref} plan")
    text = said(slack, force.officer, f'perpetrator {ref} plan close "risk reduced"')
    assert "Plan closed." in text and "risk reduced" in text


def test_bad_input_says_what_to_type_and_writes_nothing(slack: SlackDriver, ctx: ServiceContext, force: Force) -> None:
    ref = record(ctx, force.officer).reference
    said(slack, force.officer, f"perpetrator {ref} plan adopt")
    before = row_counts(ctx.engine)
    cases = {
        f"perpetrator {ref} plan action maybe @x 1/6/2026": "Say the kind, owner, due date and what",
        f"perpetrator {ref} plan jump": "Usage:",
        f'perpetrator {ref} plan action support <@{force.officer}> 1/3/2026 "x"': "a date in the future",
        f"perpetrator {ref} plan done 7": "The plan has no action 7",
    }
    for typed, expected in cases.items():
        assert expected in said(slack, force.officer, typed), typed
    assert {k: v for k, v in row_counts(ctx.engine).items() if k != "audit_event"} == {
        k: v for k, v in before.items() if k != "audit_event"
    }
