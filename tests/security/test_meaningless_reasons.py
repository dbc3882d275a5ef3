"""Attack: a reason that is no reason. A champion asked why they open another team's record, and a
supervisor asked why they export, type "xxxxxxxxxx", a repeated pair of words or a run along the
keyboard. Each is refused on the reason's field with what a reason must be (the rule in
services.governance.justification_terms), nothing is shown or exported, and no row changes."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from console.slack_api import SlackWebAPI
from services.context import ServiceContext
from services.governance.justification_terms import JUSTIFICATION_MIN, meaningless
from tests.support.database import row_counts
from tests.support.force import Force
from tests.support.records import PERSONAL, record
from tests.support.slack_app import ctx, slack, slack_api  # noqa: F401  (the real Bolt app and Slack stand-in)
from tests.support.slack_driver import SlackDriver, ack_body

NONSENSE = ["xxxxxxxxxx", "x x x x x x", "aaaa bbbb aaaa", "asdfasdfasdf", "qwertyuiop", "asdfg hjkl", "1234567890"]


@pytest.mark.parametrize("typed", NONSENSE)
def test_a_meaningless_reason_to_open_a_record_is_refused_and_nothing_is_shown(
    slack: SlackDriver,  # noqa: F811
    ctx: ServiceContext,  # noqa: F811
    force: Force,
    typed: str,
) -> None:
    reference = record(ctx, force.other_officer).reference
    slack.command(force.champion, f"show {reference}")
    form = slack.opened_view()
    before = row_counts(ctx.engine)
    slack.api.clear()

    answered = slack.submit(force.champion, form, {"justification": typed})

    said = ack_body(answered)["errors"]["justification"]
    assert "MARAC review" in said, said
    assert not any(secret in answered.body for secret in PERSONAL)
    assert slack.sent() == []
    assert row_counts(ctx.engine) == before


@pytest.mark.parametrize("typed", NONSENSE)
def test_a_meaningless_reason_to_export_is_refused_and_nothing_is_exported(
    slack: SlackDriver,  # noqa: F811
    slack_api: SlackWebAPI,  # noqa: F811
    ctx: ServiceContext,  # noqa: F811
    force: Force,
    typed: str,
) -> None:
    slack.command(force.supervisor, "export last 4 weeks")
    form = slack.opened_view()
    before = row_counts(ctx.engine)
    slack_api.clear()

    answered = slack.submit(force.supervisor, form, {"justification": typed})

    said = ack_body(answered)["errors"]["justification"]
    assert "MARAC review" in said or f"at least {JUSTIFICATION_MIN} characters" in said, said
    assert slack.sent() == [] and slack_api.shared_files() == []
    assert row_counts(ctx.engine) == before


@given(st.characters(categories=["L", "N", "P"]), st.integers(min_value=JUSTIFICATION_MIN, max_value=300))
def test_one_character_repeated_is_never_a_reason(char: str, times: int) -> None:
    assert meaningless(char * times) is not None
    assert meaningless(" ".join([char * 3] * (times // 3))) is not None


@pytest.mark.parametrize(
    "reason",
    ["MARAC review of repeat victim", "Safeguarding referral", "Property damage review", "Adolygiad MARAC"],
)
def test_a_reason_in_words_passes(reason: str) -> None:
    assert meaningless(reason) is None
