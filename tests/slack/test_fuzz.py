"""Fuzzing /dvpn: whatever is typed, the app answers (a reply, or the form it asked for), never
with "Something went wrong", and a command that was refused or not understood writes nothing.
On SQLite only: the PostgreSQL half adds time, not coverage, to what is a test of the handlers."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.context import ServiceContext
from tests.support.database import row_counts
from tests.support.force import Force
from tests.support.records import dapo, record
from tests.support.slack_driver import SlackDriver, reply_text

WORDS = [
    "new", "show", "list", "ls", "hearing", "granted", "refused", "adjourned", "breach", "check", "notified",
    "close", "deadline", "admin", "help", "?", "digest", "shwo", "NEW", "",
]  # fmt: skip
TOKENS = [
    "WM-DVPN-2026-0001", "WM-DAPO-2026-0001", "wm-dvpn-2026-0001", "WM-DVPN-2026-9999", "XX-YY-0000-0",
    "DVPN", "DVPO", "DAPO", "NMO", "BAIL", "dvpn", "mine", "team", "due", "expiring", "lapsed",
    "today", "tomorrow", "yesterday", "now", "monday", "friday", "20:30", "10:00", "9pm", "2/4/2026", "31/2/2026",
    "2026-04-02", "13/13/13", "99:99", "at", "Birmingham", "Magistrates", "arrested", "crime", "details",
    "43/1234/26", "done", "due", "28", "days", "months", "until", "further", "order", "0", "-1", "99999999",
    "withdrawn", "discharged", "closed", "role", "rank", "team", "create", "add", "supervisor", "<@UNEW>",
    "<@UOFFA2|sam>", "@UNEW", "<#C0PPU|ppu>", "#C0PPU", "officer", "admin", "champion", "sergeant", "Team",
    "A", "B", "Z" * 300, "<!channel>", "&amp;", "*bold*", "`x`", "\u200b", "é", "🙂", "\\", "'", '"', "%s", "{}", "{0}",
]  # fmt: skip

typed = st.one_of(
    st.builds(
        lambda word, rest: f"{word} {' '.join(rest)}",
        st.sampled_from(WORDS),
        st.lists(st.sampled_from(TOKENS), max_size=8),
    ),
    st.builds(lambda word, rest: f"{word} {rest}", st.sampled_from(WORDS), st.text(max_size=60)),
    st.text(max_size=120),
)


@pytest.fixture
def sqlite_only(request: pytest.FixtureRequest) -> None:
    if request.node.callspec.params.get("engine") != "sqlite":
        pytest.skip("fuzzed on SQLite only")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=typed, user=st.sampled_from(["UOFFA1", "UOFFB1", "UCHAMP", "UADMIN", "UNEW", "UFUZZ"]))
def test_any_text_gets_a_helpful_answer_and_a_refusal_writes_nothing(
    sqlite_only: None, slack: SlackDriver, ctx: ServiceContext, force: Force, text: str, user: str
) -> None:
    if row_counts(ctx.engine)["protection_order"] == 0:
        record(ctx, force.officer)  # WM-DVPN-2026-0001
        record(ctx, force.officer, dapo())  # WM-DAPO-2026-0001
    slack.api.clear()
    before = row_counts(ctx.engine)

    response = slack.command(user, text)

    assert response.status == 200
    sent = slack.sent()
    if [c.method for c in sent] == ["views.open"]:  # /dvpn new [TYPE]: the form is the answer
        assert text.split()[0].lower() == "new"
        assert row_counts(ctx.engine) == before
        return
    assert [c.method for c in sent] == ["response_url"], (text, [c.method for c in sent])
    answer = reply_text(sent[0])
    assert sent[0]["response_type"] == "ephemeral"
    assert "Something went wrong" not in answer, (text, answer)
    assert answer.strip()
    refused = ":warning:" in answer or "/dvpn commands" in answer
    if refused:
        assert row_counts(ctx.engine) == before, (text, answer)
