"""/dvpn perpetrator top through the real Bolt app for each role: champions and supervisors get the
ranked list with each score's working, initials and references only; officers are told who may."""

from __future__ import annotations

from services.context import ServiceContext
from services.records.breaches import record_breach
from tests.support.force import Force, london
from tests.support.records import PERPETRATOR, dapo, dvpn, record
from tests.support.slack_driver import SlackDriver, reply_text


def said(slack: SlackDriver, user: str, text: str) -> str:
    before = len(slack.sent())
    slack.command(user, text)
    return " ".join(reply_text(c) for c in slack.sent()[before:] if c.method == "response_url")


def test_each_role_and_the_working(slack: SlackDriver, ctx: ServiceContext, force: Force) -> None:
    record(ctx, force.officer, dvpn("2026-03-01 20:00"))
    order = record(ctx, force.officer, dapo()).reference
    record_breach(ctx, force.officer, order, london("2026-04-02 18:00"))
    text = said(slack, force.champion, "perpetrator top 5")
    # One victim (both records protect the same person): R 5, F 3, G 9 -> 3, V 1 -> 1 = 12.
    assert "1. APE* · score *12* (R5 F3 G3 V1)" in text and f"latest {order}" in text
    assert "Gravity: DVPN 2, DAPO 3, breach 4 = 9: 3 points (at least 6)." in text
    assert PERPETRATOR not in text and "serial" in text  # the header counts them: 0 serial
    assert "score *12*" in said(slack, force.supervisor, "perpetrator top")
    assert "Only champions or supervisors or admins" in said(slack, force.officer, "perpetrator top")
    assert "Ask for between 1 and 50" in said(slack, force.champion, "perpetrator top 0")
