"""Attack: the export form carries its period and team in private_metadata, which the client sends
back. A supervisor edits it to ten years, to a year the calendar cannot hold, or to another team's
records. The service checks the submitted period itself (services.reporting.period.checked_period)
and the team against the user's scope: the export is refused in a direct message saying why, no
file is shared, and nothing is written (not even the export's audit rows)."""

from __future__ import annotations

import json

import pytest

from blocks import actions as ids
from console.slack_api import SlackWebAPI
from services.context import ServiceContext
from tests.support.database import row_counts
from tests.support.force import Force
from tests.support.slack_app import ctx, slack, slack_api  # noqa: F401  (the real Bolt app and Slack stand-in)
from tests.support.slack_driver import SlackDriver, ack_body

REASON = "Monthly caseload review for the PPU performance meeting"


@pytest.mark.parametrize(
    ("forged", "refusal"),
    [
        ({"label": "2026-04", "first": "2016-01-01", "last": "2026-04-30"}, "at most three years"),
        ({"label": "2026-04", "first": "2026-04-30", "last": "2026-04-01"}, "ends before it starts"),
        ({"label": "2026-04", "first": "1900-01-01", "last": "1900-12-31"}, "outside the years"),
        ({"label": "2026-04", "first": "2026-04-01", "last": "2026-04-30", "team": "Team B"}, "do not supervise"),
    ],
)
def test_a_forged_export_period_or_team_is_refused_by_the_service(
    slack: SlackDriver,  # noqa: F811
    slack_api: SlackWebAPI,  # noqa: F811
    ctx: ServiceContext,  # noqa: F811
    force: Force,
    forged: dict[str, str],
    refusal: str,
) -> None:
    slack.command(force.supervisor, "export 2026-04")
    form = slack.opened_view()
    assert form["callback_id"] == ids.EXPORT_FORM
    metadata = json.loads(form["private_metadata"]) | forged
    before = row_counts(ctx.engine)
    slack_api.clear()

    answered = slack.submit(
        force.supervisor, form | {"private_metadata": json.dumps(metadata)}, {"justification": REASON}
    )

    assert ack_body(answered) == {}  # the reason was fine; the refusal comes by DM
    assert slack_api.shared_files() == []
    assert {c.method for c in slack.sent()} <= {"conversations.open", "chat.postMessage"}
    [told] = slack_api.calls("chat.postMessage")  # the refusal, in the requester's DM
    assert refusal in json.dumps(told.args), told.args
    assert row_counts(ctx.engine) == before


@pytest.mark.parametrize(
    "metadata",
    ['{"label": "2026-04", "first": "last year", "last": "2026-04-30"}', '{"label": "2026-04"}', "not json", "[]"],
)
def test_an_export_form_whose_period_cannot_be_read_says_to_start_again(
    slack: SlackDriver,  # noqa: F811
    slack_api: SlackWebAPI,  # noqa: F811
    ctx: ServiceContext,  # noqa: F811
    force: Force,
    metadata: str,
) -> None:
    slack.command(force.supervisor, "export 2026-04")
    form = slack.opened_view()
    before = row_counts(ctx.engine)
    slack_api.clear()

    slack.submit(force.supervisor, form | {"private_metadata": metadata}, {"justification": REASON})

    assert slack_api.shared_files() == []
    [told] = slack_api.calls("chat.postMessage")
    said = json.dumps(told.args)
    assert "nothing was exported" in said and "/dvpn export last 4 weeks" in said, said
    assert "Something went wrong" not in said
    assert row_counts(ctx.engine) == before
