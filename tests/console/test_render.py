"""The console renders every block type the app produces: each builder in blocks/ is fed through
the renderer, and nothing may fall through to the "unknown block" placeholder."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from blocks.card import record_card
from blocks.forms import (
    FormMeta,
    breach_form,
    check_form,
    close_form,
    hearing_form,
    notification_form,
    outcome_form,
    record_form,
)
from blocks.home import home_view
from blocks.lists import record_page
from blocks.messages import HelpGroup, HelpLine, deadline_blocks, help_blocks, problem_blocks, unexpected_blocks
from blocks.reminders import reminder_blocks, reminder_settled_blocks
from console.render import BlockRenderer, Rendered, Style, mrkdwn
from rules.order_types import OrderType
from services.reminders.results import (
    AwaitingHearing,
    DigestItem,
    HearingCountdown,
    HearingDeadline,
    HomeBoard,
    ItemAction,
    Person,
    ReminderActionResult,
    ReminderFacts,
)
from services.reporting.list_results import (
    ListScope,
    NextDeadline,
    RecordPage,
    RecordSummary,
)
from services.views import DeadlineView, PersonView, RecordView

TZ = ZoneInfo("Europe/London")
NOW = datetime(2026, 4, 2, 8, 30, tzinfo=UTC)
NAMES = {"UOFF1": "@jordan"}
DEADLINE = DeadlineView("DVPO application hearing deadline", NOW, "CSA 2010 s27(3)-(4)", ("Counted 48 hours.",))
VIEW = RecordView(
    reference="DEMO-DVPN-2026-0001",
    order_type="DVPN",
    status="active",
    perpetrator_initials="FM",
    officer_slack_id="UOFF1",
    team_id=1,
    served_at=NOW,
    made_at=None,
    deadlines=(DEADLINE,),
    people=(PersonView("perpetrator", "Frankie Madeup", "FM", None, "1 Example Road, Demoton"),),
    hearings=("Fri 03 Apr 2026 10:00 BST",),
    breaches=("Thu 02 Apr 2026 09:00 BST <no crime reference>",),
    warnings=("No crime reference & no arrest.",),
    is_notice=True,
    check_open=True,
    reminders=("Thu 02 Apr 2026 20:00 BST: breach check due",),
)
SUMMARY = RecordSummary("DEMO-DVPN-2026-0001", "DVPN", "active", "FM", "UOFF1", NextDeadline("Hearing", NOW))
MESSAGE = ReminderFacts(
    7, "hearing_deadline_in_2h", "DEMO-DVPN-2026-0001", "DVPN", "FM",
    HearingCountdown(2, HearingDeadline("DVPO", NOW, None), None), True, NOW, "UOFF1", TZ, recipient_slack_id="UOFF1",
)  # fmt: skip
SETTLED = ReminderActionResult(MESSAGE, "acknowledged", Person("UOFF1"), NOW, None, None)


def home_blocks() -> list[dict[str, Any]]:
    item = DigestItem(
        "DEMO-DVPN-2026-0001", "FM", "DVPN", AwaitingHearing(NOW, NOW), "UOFF1", NOW, NOW, ItemAction.NUDGE
    )
    home = home_view(HomeBoard("USUP", "supervisor", True, (item,), (item,), (MESSAGE,), NOW), TZ)
    blocks = home["blocks"]
    assert isinstance(blocks, list)
    return blocks


def builders() -> dict[str, list[dict[str, Any]]]:
    meta = FormMeta(reference="DEMO-DVPN-2026-0001", channel="C1")
    forms = [hearing_form, outcome_form, breach_form, check_form, notification_form, close_form]
    found: dict[str, list[dict[str, Any]]] = {
        "help": help_blocks(
            [HelpGroup("Look up", (HelpLine("help", "help", "This list.", "help hearing"),) * 9)] * 3,
            intro="There is no /dvpn x.",
        ),
        "problem": problem_blocks("Not allowed.", hint="Ask an admin."),
        "unexpected": unexpected_blocks("ABCD1234"),
        "deadline": deadline_blocks("DVPN", "served", DEADLINE, TZ),
        "card": record_card(VIEW, TZ),
        "channel card": record_card(VIEW, TZ, in_channel=True),
        "list": record_page(RecordPage(ListScope.DUE, (SUMMARY,) * 3, total=30, offset=0), TZ, NOW),
        "reminder": reminder_blocks(MESSAGE),
        "settled reminder": reminder_settled_blocks(SETTLED),
        "home": home_blocks(),
        "type picker": record_form(None, tuple(OrderType), meta)["blocks"],
    }  # fmt: skip
    found |= {f"form {form.__name__}": form(meta)["blocks"] for form in forms}
    found |= {f"record form {t.value}": record_form(t, tuple(OrderType), meta)["blocks"] for t in OrderType}
    return found


def render(blocks: list[dict[str, Any]]) -> Rendered:
    counter = iter(range(1, 1000))
    return BlockRenderer(Style(), lambda user: NAMES.get(user, f"@{user}"), lambda *_: next(counter)).render(blocks)


@pytest.mark.parametrize(("name", "blocks"), list(builders().items()))
def test_every_builder_renders_as_text(name: str, blocks: list[dict[str, Any]]) -> None:
    rendered = render(blocks)
    text = "\n".join(rendered.lines)
    assert " block)" not in text, f"{name} has a block type the console cannot show"
    assert "\033[" not in text
    buttons = [
        e for b in blocks for e in [*b.get("elements", []), b.get("accessory") or {}] if e.get("type") == "button"
    ]
    assert [b.number for b in rendered.buttons] == list(range(1, len(buttons) + 1))
    for button in rendered.buttons:
        assert f"[{button.number}] {button.label}" in text


def test_a_card_reads_as_text() -> None:
    text = "\n".join(render(record_card(VIEW, TZ)).lines)
    assert "DEMO-DVPN-2026-0001 · DVPN" in text
    assert "Officer in charge: @jordan" in text
    assert "[!] No crime reference & no arrest." in text  # mrkdwn escapes undone, emoji as words
    assert "<no crime reference>" in text
    assert "[1] Book hearing" in text


def test_a_form_lists_its_fields() -> None:
    text = "\n".join(render(hearing_form(FormMeta(reference="DEMO-DVPN-2026-0001"))["blocks"]).lines)
    assert "Hearing date and time: text" in text
    assert "Court (optional): text" in text


def test_colour_only_when_asked() -> None:
    assert mrkdwn("*bold* :warning:", Style(colour=False), str) == "bold [!]"
    assert "\033[1m" in mrkdwn("*bold*", Style(colour=True), str)
