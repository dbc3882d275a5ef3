"""/dvpn clare through the real Bolt app, for each role: an officer records a request and takes it
through its stages, each reply echoing how its times were read and showing the clocks' working; a
supervisor decides; a champion lists and counts, sees initials and changes nothing; an officer of
another team sees nothing; bad input says what to type and writes nothing. And the calculator."""

from __future__ import annotations

from services.context import ServiceContext
from tests.support.database import row_counts
from tests.support.force import Force
from tests.support.slack_driver import SlackDriver, reply_text

NEW = 'clare new ask "Dana Whitlock" "Gareth Pellow" pnc 11/987654D applicant "Morag Whitlock" received 10/3/2026 14:00'
REF = "WM-DVDS-2026-0001"


def said(slack: SlackDriver, user: str, text: str) -> str:
    before = len(slack.sent())
    slack.command(user, text)
    replies = [c for c in slack.sent()[before:] if c.method == "response_url"]
    assert len(replies) == 1, [c.method for c in slack.sent()[before:]]
    return reply_text(replies[0])


def test_an_officer_takes_a_request_from_receipt_to_disclosure(
    slack: SlackDriver, ctx: ServiceContext, force: Force
) -> None:
    text = said(slack, force.officer, NEW)
    assert f"Clare's Law request {REF} recorded (Right to Ask)." in text
    assert "Received: Tue 10 Mar 2026 14:00 GMT" in text
    assert "Dana Whitlock" in text and "Gareth Pellow" in text and "Morag Whitlock" in text
    assert "Completion target: Tue 07 Apr 2026 00:00 BST" in text
    assert "28 days beginning with Tue 10 Mar 2026" in text and "weekends and bank holidays count" in text
    assert "near" in text  # the test clock reads Thu 2 Apr 21:00, within 7 days of the target
    text = said(slack, force.officer, f"clare {REF} checks yesterday 10:00")
    assert f"{REF}: checks recorded." in text and "At: Wed 01 Apr 2026 10:00 BST" in text
    assert "decision forum recorded" in said(slack, force.colleague, f"clare {REF} forum")
    text = said(slack, force.supervisor, f'clare {REF} decide disclose "previous violence towards partners"')
    assert "decision recorded (disclose)" in text and "previous violence towards partners" in text
    text = said(slack, force.officer, f'clare {REF} disclosed to "the person at risk, in person"')
    assert "disclosure recorded" in text and "Completed in 24 days, within the target." in text
    assert "Completion target:" not in text  # an ended request implies no clock


def test_a_champion_lists_and_counts_sees_initials_and_changes_nothing(
    slack: SlackDriver, ctx: ServiceContext, force: Force
) -> None:
    said(slack, force.officer, NEW)
    text = said(slack, force.champion, "clare list all")
    assert REF in text and "GP" in text and "Gareth" not in text
    text = said(slack, force.champion, f"clare {REF}")
    assert "DW" in text and "Dana" not in text and "Initials only" in text
    before = row_counts(ctx.engine)
    assert "Champions can read requests but not change them" in said(slack, force.champion, f"clare {REF} checks")
    assert {k: v for k, v in row_counts(ctx.engine).items() if k != "audit_event"} == {
        k: v for k, v in before.items() if k != "audit_event"
    }
    text = said(slack, force.champion, "clare stats 2026-03")
    assert "Requests: Right to Ask* 1" in text or "Requests: Right to Ask*\n1" in text


def test_an_officer_of_another_team_sees_nothing_of_it(slack: SlackDriver, ctx: ServiceContext, force: Force) -> None:
    said(slack, force.officer, NEW)
    text = said(slack, force.other_officer, f"clare {REF}")
    assert "belongs to another team" in text and "Dana" not in text and "DW" not in text
    assert REF not in said(slack, force.other_officer, "clare list")


def test_bad_input_says_what_to_type_and_writes_nothing(slack: SlackDriver, ctx: ServiceContext, force: Force) -> None:
    said(slack, force.officer, NEW)
    said(slack, force.officer, f"clare {REF} checks")
    before = row_counts(ctx.engine)
    cases = {
        'clare new maybe "A B" "C D"': 'Give the route and both names: `/dvpn clare new ask|know "PERSON AT RISK"',
        'clare new ask "A B" "C D" received tomorrow 10:00': "is in the future",
        f"clare {REF} decide": f'`/dvpn clare {REF} decide disclose "why"`',
        f"clare {REF} decide disclose": "Give the reason for the decision",
        f"clare {REF} disclosed the person at risk": f'`/dvpn clare {REF} disclosed to "the person at risk"`',
        f"clare {REF} jump": "is not a step of a request",
        "clare WM-DVDS-2026-0099": "No Clare's Law request has the reference",
    }
    for typed, expected in cases.items():
        assert expected in said(slack, force.officer, typed), typed
    assert {k: v for k, v in row_counts(ctx.engine).items() if k != "audit_event"} == {
        k: v for k, v in before.items() if k != "audit_event"
    }


def test_the_calculator_gives_the_target_with_its_working(slack: SlackDriver, force: Force) -> None:
    text = said(slack, force.officer, "deadline DVDS 10/3/2026 14:00")
    assert "Clare's Law completion target" in text and "Tue 07 Apr 2026 00:00 BST" in text
    assert "Last day: Mon 06 Apr 2026" in text
