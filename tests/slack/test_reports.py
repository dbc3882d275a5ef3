"""/dvpn stats and /dvpn export through the real Bolt app: the chart reaches the Slack stand-in as a
valid PNG after the ack, the export's justification modal, and the CSV in the requester's DM."""

from __future__ import annotations

import io
import json
import time

import matplotlib.image
import pytest
from slack_bolt import BoltRequest

from blocks import actions as ids
from blocks.charts import PNG_SIGNATURE
from console.render import Style, file_line
from console.slack_api import SlackWebAPI
from services.context import ServiceContext
from tests.services.test_casework_export import INCIDENT_A, INCIDENT_HEADER, TYPED, Casework, work  # noqa: F401
from tests.services.test_export import HEADER, TEAM_A_ROWS
from tests.support.database import audit_rows, row_counts
from tests.support.force import Force
from tests.support.slack_driver import CHANNEL, SlackDriver, ack_body, reply_text, signed_headers


def assert_png(content: bytes) -> None:
    assert content.startswith(PNG_SIGNATURE)
    pixels = matplotlib.image.imread(io.BytesIO(content), format="png")
    assert pixels.shape[0] > 100 and pixels.shape[1] > 100  # decodes to a real picture


def test_stats_answers_with_the_figures_and_shares_the_chart_in_the_channel(
    slack: SlackDriver, slack_api: SlackWebAPI, april: Force
) -> None:
    slack.command(april.supervisor, "stats 2026-04")

    reply = slack.last_reply()
    assert reply["response_type"] == "ephemeral"
    [table] = [b for b in reply.blocks if b["type"] == "table"]
    rows = [tuple(cell["text"] for cell in row) for row in table["rows"]]
    expected = [
        ("Figure", "Value"),
        ("Notices issued", "5"),
        ("Applications heard", "3"),
        ("Heard within 48 hours", "3 of 3 (100%)"),
        ("Orders granted", "1"),
        ("Orders refused", "1"),
        ("Conversion notice → order", "20% (1 of 5 notices issued)"),
        ("Notices lapsed", "3"),
        ("Breaches", "3"),
        ("Crime reference within 24 hours", "1 of 3 (33%)"),
        ("Breach checks done on time", "3 of 10 (30%)"),
        ("Median time from service to hearing", "47.8 hours"),
        # The seeded April has orders only: the casework's figures are there, at nothing.
        ("Incidents reported", "0 (high 0, medium 0, standard 0, no DASH yet 0)"),
        ("MARAC referral within 24 hours of a high-risk DASH", "0 of 0"),
        ("Schools told before the next school day", "0 of 0"),
        ("Clare's Law requests received", "0 (Right to Ask 0, Right to Know 0)"),
        ("Clare's Law disclosures made", "0"),
        ("Clare's Law completed within target", "0 of 0"),
        ("Clare's Law median time to completion", "—"),
        ("Clare's Law requests open past target now", "0"),
        ("Management plans open now", "0 (0 with an action or review overdue)"),
        ("Plan actions overdue now", "0"),
    ]
    assert rows == expected
    assert table["column_settings"] == [{"align": "left"}, {"align": "right"}]
    # Without the table (a client that does not draw it), the message's text says the same.
    assert reply["text"].splitlines()[1:] == [f"{label}: {value}" for label, value in expected[1:]]
    text = reply_text(reply)
    assert "Figures for Team A" in text and "posted in this conversation" in text
    [shared] = slack_api.shared_files(CHANNEL)
    assert shared["filename"] == "dvpn-stats-team-a-2026-04-01.png"
    assert shared["initial_comment"].startswith("Team A: 2026-04 (1 Apr 2026 to 30 Apr 2026)\nNotices issued: 5")
    assert_png(shared["content"])
    assert [c.method for c in slack.sent() if c.method.startswith("file")] == [
        "files.getUploadURLExternal",
        "file_upload",
        "files.completeUploadExternal",
    ]


def test_the_upload_happens_after_the_ack(slack: SlackDriver, slack_api: SlackWebAPI, april: Force) -> None:
    slack_api.latency = 0.3  # every Web API answer takes this long: an upload in the ack path would show
    body = (
        "token=legacy&team_id=T1&channel_id=" + CHANNEL + "&user_id=" + april.champion + "&command=%2Fdvpn"
        "&text=stats+2026-04&response_url=" + slack_api.response_url() + "&trigger_id=1.2.3"
    )
    started = time.monotonic()
    headers = signed_headers(body, "application/x-www-form-urlencoded")
    response = slack.app.dispatch(BoltRequest(body=body, headers=headers))
    acked_after = time.monotonic() - started
    acked_at = time.time()
    slack.executor.drain()

    assert response.status == 200
    assert acked_after < 0.3
    uploads = [c for c in slack_api.calls() if c.method.startswith("files.")]
    assert len(uploads) == 2 and all(c.at > acked_at for c in uploads)
    [shared] = slack_api.shared_files(CHANNEL)
    assert_png(shared["content"])


def test_a_channel_that_cannot_take_the_file_gets_it_by_dm(
    slack: SlackDriver, slack_api: SlackWebAPI, april: Force
) -> None:
    slack_api.fail(200, method="files.completeUploadExternal", error="not_in_channel")
    slack.command(april.champion, "stats 2026-04 Team B")

    assert "in your direct messages" in reply_text(slack.last_reply())
    assert "Notices issued: 1" in reply_text(slack.last_reply())
    assert slack_api.shared_files(CHANNEL) == []
    [shared] = slack_api.shared_files("DCHAMP")
    assert_png(shared["content"])
    assert slack_api.calls("conversations.open")[0]["users"] == april.champion


@pytest.mark.parametrize(
    "who, text, fragment",
    [
        ("officer", "stats 2026-04 Team B", "You do not work in Team B"),
        ("supervisor", "stats last fortnight", "Could not read 'last fortnight' as a period or a team"),
        ("champion", "stats 2026-06-30..2026-04-01", "ends before it starts"),
    ],
)
def test_stats_refusals_upload_nothing(
    slack: SlackDriver, slack_api: SlackWebAPI, ctx: ServiceContext, april: Force, who: str, text: str, fragment: str
) -> None:
    before = row_counts(ctx.engine)
    slack.command(getattr(april, who), text)

    assert fragment in reply_text(slack.last_reply())
    assert slack_api.shared_files() == []
    assert row_counts(ctx.engine) == before


def test_export_asks_why_then_sends_the_csv_by_dm(
    slack: SlackDriver, slack_api: SlackWebAPI, ctx: ServiceContext, april: Force
) -> None:
    slack.command(april.supervisor, "export 2026-04")
    form = slack.opened_view()
    assert form["callback_id"] == ids.EXPORT_FORM
    assert slack_api.shared_files() == []

    before = row_counts(ctx.engine)
    refused = slack.submit(april.supervisor, form, {"justification": "because"})
    assert "at least 10 characters" in ack_body(refused)["errors"]["justification"]
    assert row_counts(ctx.engine) == before

    reason = "Monthly caseload review for the PPU performance meeting"
    closed = slack.submit(april.supervisor, form, {"justification": reason})
    assert ack_body(closed) == {}
    [shared] = slack_api.shared_files("DSUPA")
    assert shared["filename"] == "dvpn-export-team-a-2026-04-01-to-2026-04-30.csv"
    assert shared["content"].decode().removesuffix("\r\n").split("\r\n") == [HEADER, *TEAM_A_ROWS]
    [summary] = audit_rows(ctx.engine, action="export", entity_type="export")
    assert summary["justification"] == reason and summary["actor"] == f"slack:{april.supervisor}"
    assert len(audit_rows(ctx.engine, action="export", entity_type="protection_order")) == 7


def test_stats_show_the_casework_of_the_team(slack: SlackDriver, work: Casework) -> None:  # noqa: F811
    slack.command(Force().supervisor, "stats 2026-04")
    [table] = [b for b in slack.last_reply().blocks if b["type"] == "table"]
    rows = dict(tuple(cell["text"] for cell in row) for row in table["rows"][1:])
    assert rows["Incidents reported"] == "1 (high 1, medium 0, standard 0, no DASH yet 0)"
    assert rows["MARAC referral within 24 hours of a high-risk DASH"] == "1 of 1 (100%)"
    assert rows["Schools told before the next school day"] == "1 of 2 (50%)"
    assert rows["Clare's Law completed within target"] == "1 of 1 (100%)"
    assert rows["Clare's Law median time to completion"] == "24.0 days"
    assert rows["Management plans open now"] == "1 (1 with an action or review overdue)"
    assert [t for t in TYPED if t in json.dumps(slack.last_reply().blocks)] == []


def test_export_incidents_asks_why_then_sends_the_incidents_csv_by_dm(
    slack: SlackDriver,
    slack_api: SlackWebAPI,
    ctx: ServiceContext,
    work: Casework,  # noqa: F811
) -> None:
    supervisor = Force().supervisor
    slack.command(supervisor, "export incidents 2026-04")
    form = slack.opened_view()
    assert "incidents (with their MARAC referrals and school notifications)" in str(form["blocks"])
    closed = slack.submit(supervisor, form, {"justification": "Monthly MARAC performance review"})
    assert ack_body(closed) == {}
    [shared] = slack_api.shared_files("DSUPA")
    assert shared["filename"] == "dvpn-export-incidents-team-a-2026-04-01-to-2026-04-30.csv"
    assert shared["content"].decode().removesuffix("\r\n").split("\r\n") == [INCIDENT_HEADER, INCIDENT_A]
    assert [typed for typed in TYPED if typed.encode() in shared["content"]] == []
    [summary] = audit_rows(ctx.engine, action="export", entity_type="export")
    assert isinstance(summary["after"], dict) and summary["after"]["kind"] == "incidents"
    assert len(audit_rows(ctx.engine, action="export", entity_type="incident")) == 1


@pytest.mark.parametrize(
    "who, text, fragment",
    [
        ("champion", "export clare 2026-04", "Your role is champion"),
        ("officer", "export plans", "Only supervisors (for their teams) and admins can export"),
        ("officer", "export", "Only supervisors (for their teams) and admins can export"),
        ("champion", "export 2026-04", "Your role is champion"),
        ("supervisor", "export 2026-04 Team B", "You do not supervise Team B"),
        ("admin", "export 2026-13", "Could not read '2026-13' as a period or a team"),
    ],
)
def test_export_refusals_open_no_form(
    slack: SlackDriver, slack_api: SlackWebAPI, ctx: ServiceContext, april: Force, who: str, text: str, fragment: str
) -> None:
    before = row_counts(ctx.engine)
    slack.command(getattr(april, who), text)

    assert fragment in reply_text(slack.last_reply())
    assert slack_api.calls("views.open") == []
    assert row_counts(ctx.engine) == before


def test_an_export_slack_will_not_take_is_logged_as_undelivered(
    slack: SlackDriver, slack_api: SlackWebAPI, ctx: ServiceContext, april: Force
) -> None:
    slack.command(april.admin, "export 2026-04 Team B")
    form = slack.opened_view()
    slack_api.fail(200, method="files.completeUploadExternal", error="access_denied")
    slack.submit(april.admin, form, {"justification": "Quarterly return to the PCC office"})

    assert slack_api.shared_files() == []
    [summary] = audit_rows(ctx.engine, action="export", entity_type="export")
    [undelivered] = audit_rows(ctx.engine, action="export_undelivered")
    assert undelivered["entity_id"] == summary["id"]
    told = [m for m in slack_api.messages("DADMIN") if "could not be sent" in m["text"]]
    assert len(told) == 1


def test_the_console_shows_an_uploaded_chart_as_one_line(
    slack: SlackDriver, slack_api: SlackWebAPI, april: Force
) -> None:
    slack.command(april.champion, "stats 2026-04")
    [shared] = slack_api.shared_files(CHANNEL)
    line = file_line(shared, Style(colour=False))
    assert line == f"[PNG image: dvpn-stats-force-2026-04-01.png, {len(shared['content']):,} bytes]"
