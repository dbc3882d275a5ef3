"""Attack: Slack formatting typed into a record. Names, an address, conditions, a court, a crime
reference and breach details holding `<!channel>`, `<http://evil.example|click>` and `<@U0EVIL>`
go in through the real forms; the record is then shown, searched, posted to the channel, put in
a digest, and its hearing reminders are sent. Every mrkdwn text and fallback `text` the Slack
stand-in receives carries them escaped (&lt; ... &gt;), so none becomes a live broadcast, link or
mention."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from sqlalchemy.engine import Engine

from blocks.mrkdwn import escape
from console.slack_api import SlackWebAPI
from scheduler.notifier import SlackNotifier
from scheduler.sweep import sweep_once
from services.clock import ManualClock
from services.context import ServiceContext
from services.governance import staff
from tests.support.force import Force, london
from tests.support.records import DVPN_ANSWERS
from tests.support.slack_app import ctx, slack
from tests.support.slack_driver import SlackDriver, open_record_form
from tests.support.sweeps import next_event

__all__ = ["ctx", "slack"]  # the real app on the stand-in, as tests/slack drives it

BROADCAST, LINK, MENTION = "<!channel>", "<http://evil.example|click>", "<@U0EVIL>"
INJECTIONS = (BROADCAST, LINK, MENTION)
TYPED = f"{BROADCAST} {LINK} {MENTION}"


def mrkdwn_texts(value: Any) -> Iterator[str]:
    """Every string Slack would parse for links and mentions: mrkdwn text objects, a message's
    fallback `text` and a file's comment; not plain_text objects, which Slack shows as typed."""
    if isinstance(value, dict):
        if value.get("type") == "mrkdwn" and isinstance(value.get("text"), str):
            yield value["text"]
        for key, inner in value.items():
            if key in ("text", "initial_comment") and isinstance(inner, str):
                if value.get("type") != "plain_text":  # shown as typed, never parsed (headers, labels)
                    yield inner
            else:
                yield from mrkdwn_texts(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from mrkdwn_texts(inner)
    elif isinstance(value, str) and value.startswith(("{", "[")):
        try:
            yield from mrkdwn_texts(json.loads(value))  # blocks sent form-encoded arrive as JSON text
        except ValueError:
            return


def test_typed_slack_formatting_is_escaped_in_every_message_and_reminder(
    slack: SlackDriver, ctx: ServiceContext, engine: Engine, force: Force, slack_api: SlackWebAPI, clock: ManualClock
) -> None:
    staff.create_team(ctx, force.admin, "Team C", digest_channel="C0TEAMC")
    staff.place_in_team(ctx, force.admin, force.officer, "Team C")  # so a digest goes to a channel
    officer = force.officer
    form = open_record_form(slack, officer, "DVPN")
    answers = DVPN_ANSWERS | {
        "order_type": "DVPN",
        "perpetrator_name": f"Alex {BROADCAST} Example",
        "perpetrator_address": f"1 {LINK} Street",
        "protected_name": f"Sam {MENTION} Sample",
        "protected_address": f"2 {BROADCAST} Road",
        "conditions": f"Not to go near {TYPED}",
    }
    submitted = slack.submit(officer, form, answers)
    assert submitted.status == 200 and submitted.body in ("", "{}"), submitted.body
    ref = re.search(r"[A-Z]{2,4}-DVPN-\d{4}-\d{4}", json.dumps([c.args for c in slack_api.calls()]))
    assert ref, "the record was not confirmed"
    reference = ref.group()

    slack.press(officer, "record_book_hearing", reference)
    hearing = slack.opened_view()
    assert slack.submit(officer, hearing, {"scheduled_at": "tomorrow 10:00", "court": f"Court {TYPED}"}).status == 200
    slack.press(officer, "record_breach", reference)
    breach = slack.opened_view()
    details = {"occurred_at": "today 20:30", "details": f"Seen at {TYPED}"}
    assert slack.submit(officer, breach, details).status == 200

    for text in (f"show {reference}", "search Alex", f"perpetrator {reference}", "list mine", "digest Team C"):
        slack.command(officer if text != "digest Team C" else force.admin, text)
    slack.press(officer, "record_post_to_channel", reference)
    slack.event({"type": "app_home_opened", "user": officer, "tab": "home"})

    notifier = SlackNotifier(slack.app.client.__class__(base_url=slack_api.api_url, token="xoxb-test"))
    until = london("2026-04-03 12:00")
    while (moment := next_event(ctx)) is not None and moment <= until:
        clock.set(max(moment, clock.now()))
        sweep_once(ctx, notifier, "injection-test")
    reminders = [c for c in slack_api.calls("chat.postMessage") if "metadata" in c.args]
    assert any(escape(f"Court {TYPED}") in json.dumps(c.args) for c in reminders), "no hearing reminder with the court"

    texts = [t for call in slack_api.calls() for t in mrkdwn_texts(call.args)]
    live = {
        (call.method, t)
        for call in slack_api.calls()
        for t in mrkdwn_texts(call.args)
        if any(i in t for i in INJECTIONS)
    }
    assert live == set(), f"live Slack formatting in a message: {live}"
    shown = "\n".join(texts)
    for typed in (f"Court {TYPED}", f"Alex {BROADCAST} Example", f"Sam {MENTION} Sample"):
        assert escape(typed) in shown, f"{typed!r} was never shown, escaped"
