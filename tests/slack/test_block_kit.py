"""Every Block Kit payload the app can build, with realistic and with maximal data, through slack_sdk's
models and against the limits slack_sdk does not check (tests/support/block_limits.py)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from blocks.audit_trail import audit_trail_blocks
from blocks.card import card_text, record_card
from blocks.caseload import caseload_blocks, caseload_text
from blocks.common import Block, cut
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
from blocks.incident_form import incident_form
from blocks.justification import card_modal, justification_form
from blocks.lists import record_page
from blocks.messages import (
    HelpGroup,
    HelpLine,
    command_help_blocks,
    deadline_blocks,
    help_blocks,
    interpreted,
    problem_blocks,
    unexpected_blocks,
)
from blocks.perpetrator import history_blocks, history_text, matches_blocks
from blocks.search_results import search_blocks
from config import Settings
from domain.enums import Role
from handlers.command import build_router
from handlers.router import Invocation
from handlers.subcommands.quick import _reply
from models import OrderStatus, RiskLevel
from rules.order_types import OrderType
from services.clock import ManualClock
from services.context import ServiceContext
from services.governance.audit_results import AuditTrailPage, TrailEntry
from services.governance.audit_trail import describe
from services.people.results import HistoryRecord, PerpetratorHistory, PerpetratorMatches, PersonMatch, ProtectedEntry
from services.reminders.results import (
    AwaitingHearing,
    CheckAt,
    DigestItem,
    HearingCountdown,
    HearingDeadline,
    HomeBoard,
    ItemAction,
    Offer,
    OutcomeDue,
    ReminderFacts,
)
from services.reporting.list_results import (
    Caseload,
    CaseloadQuery,
    ListScope,
    Matched,
    NextDeadline,
    OfficerCount,
    RecordPage,
    RecordSummary,
    SearchHit,
    SearchResults,
)
from services.views import DeadlineView, PersonView, RecordView
from tests.support.block_limits import BlockKitError, block_problems, check_message, check_view

TZ = ZoneInfo("Europe/London")
NOW = datetime(2026, 4, 2, 21, 0, tzinfo=TZ)
LONG = "Bartholomew-Maximilian Fitzwilliam-Montgomery-Smythe " * 6  # ~330 characters, past every field
NASTY = "<!channel> *bold* _it_ ~x~ `code` &amp; <@U123> <#C1> " * 20


def deadline(n: int, *, lines: int = 3) -> DeadlineView:
    return DeadlineView(
        label=f"Deadline {n}: {LONG}"[: 80 + n],
        at=NOW + timedelta(hours=n),
        citation=f"Crime and Security Act 2010 s27(3), as amended, {LONG}",
        explanation=tuple(f"Step {i}: {NASTY}" for i in range(lines)),
    )


def realistic_view(**changes: Any) -> RecordView:
    values: dict[str, Any] = dict(
        reference="WM-DVPN-2026-0042",
        order_type="DVPN",
        status="active",
        perpetrator_initials="APE",
        officer_slack_id="UOFFA1",
        team_id=1,
        served_at=NOW - timedelta(hours=1),
        made_at=None,
        deadlines=(
            DeadlineView(
                "Hearing deadline",
                NOW + timedelta(days=5),
                "CSA 2010 s27(3)",
                ("Served Thu 02 Apr 2026 20:00 BST.", "Skipped Fri 03 Apr 2026: Good Friday."),
            ),
        ),
        people=(
            PersonView("perpetrator", "Alexander Example", "AE", date(1990, 1, 15), "14 Hollybush Lane"),
            PersonView("protected", "Samantha Example", "SE", None, None),
        ),
        hearings=("Mon 06 Apr 2026 10:00 BST at Birmingham Magistrates",),
        breaches=("Thu 02 Apr 2026 20:30 BST (43/1234/26)",),
        checks=("due Fri 03 Apr 2026 20:00 BST",),
        check_times=("due Fri 03 Apr 2026 20:00 BST",),
        is_notice=True,
        check_open=True,
        reminders=("Fri 03 Apr 2026 08:00 BST: hearing deadline in 24h",),
    )
    values.update(changes)
    return RecordView(**values)


def maximal_view(**changes: Any) -> RecordView:
    maximal: dict[str, Any] = dict(
        reference="ABCD-FGMPO-2026-999999",
        order_type="FGMPO",
        perpetrator_initials="ABCDEFGHIJKLMNOPQRSTUVWXYZ",
        officer_slack_id="W0123456789ABCDEF",
        made_at=NOW - timedelta(days=3),
        deadlines=tuple(deadline(n, lines=40) for n in range(30)),
        people=tuple(
            PersonView("protected" if n else "perpetrator", f"{LONG}{NASTY}", "X", date(2000, 1, 1), LONG * 3)
            for n in range(25)
        ),
        hearings=tuple(f"hearing {n} at {LONG}: adjourned (after the statutory deadline)" for n in range(100)),
        breaches=tuple(f"breach {n}, arrested {n} ({NASTY})" for n in range(100)),
        checks=tuple(f"done {n}: {LONG}{NASTY}" for n in range(100)),
        check_times=tuple(f"done {n}" for n in range(100)),
        warnings=tuple(f"warning {n}: {NASTY}" for n in range(30)),
        parent_reference="ABCD-DVPN-2026-999999",
        follow_on_reference="ABCD-DVPO-2026-999999",
        hearing_pending=True,
        notification_awaited=True,
        reminders=tuple(f"Fri 03 Apr 2026 08:00 BST: {LONG}" for n in range(50)),
    )
    return realistic_view(**(maximal | changes))


VIEWS = {
    "realistic": realistic_view(),
    "maximal": maximal_view(),
    "read-only": maximal_view(writable=False),
    "ended": realistic_view(status="refused", check_open=False),
    "no-deadlines": realistic_view(deadlines=(), people=(), hearings=(), breaches=(), checks=(), check_times=()),
}


@pytest.mark.parametrize("name", list(VIEWS))
@pytest.mark.parametrize("mode", ["ephemeral", "channel", "modal"])
def test_the_record_card(name: str, mode: str) -> None:
    view = VIEWS[name]
    blocks = record_card(view, TZ, in_channel=mode == "channel", in_modal=mode == "modal")
    check_message(blocks, card_text(view))
    if mode == "modal":  # shown as a modal from the App Home
        check_view({"type": "modal", "title": {"type": "plain_text", "text": view.reference[:24]}, "blocks": blocks})


def test_a_maximal_card_is_cut_with_a_more_line_and_keeps_its_buttons_reachable() -> None:
    blocks = record_card(maximal_view(), TZ)
    assert len(blocks) == 50
    assert blocks[-1]["type"] == "context"
    assert "more blocks left out: open the record for the rest." in blocks[-1]["elements"][0]["text"]


def test_a_maximal_channel_card_has_no_personal_details() -> None:
    people = tuple(PersonView("protected", "PERSONNAME", "P", date(1911, 11, 11), "ADDRESSLINE") for _ in range(5))
    view = maximal_view(people=people, checks=tuple(f"done {n}: OUTCOMETEXT" for n in range(100)))
    text = str(record_card(view, TZ, in_channel=True))
    for private in ("PERSONNAME", "ADDRESSLINE", "1911", "OUTCOMETEXT"):
        assert private not in text
    assert "PERSONNAME" in str(record_card(view, TZ))  # the ephemeral card has them


def summary(n: int, *, deadline_at: datetime | None = NOW) -> RecordSummary:
    return RecordSummary(
        reference=f"ABCD-FGMPO-2026-{n:06d}",
        order_type="FGMPO",
        status="active",
        perpetrator_initials="ABCDEFGHIJKLMNOPQRSTUVWXYZ",
        officer_slack_id="W0123456789ABCDEF",
        next_deadline=NextDeadline(f"Breach: before a court by {LONG}", deadline_at) if deadline_at else None,
    )


@pytest.mark.parametrize("count, total, offset", [(0, 0, 0), (3, 3, 0), (20, 100, 0), (20, 100, 80), (100, 1000, 0)])
@pytest.mark.parametrize("scope", list(ListScope))
def test_the_record_list(count: int, total: int, offset: int, scope: ListScope) -> None:
    page = RecordPage(scope, tuple(summary(n) for n in range(count)), total, offset)
    blocks = record_page(page, TZ, NOW)
    check_message(blocks)


def board(n: int, role: str = "supervisor", *, team: bool = True) -> HomeBoard:
    facts = (AwaitingHearing(NOW, NOW), OutcomeDue(NOW), CheckAt(NOW, True))
    actions = (ItemAction.NUDGE, ItemAction.OUTCOME, ItemAction.OPEN)

    def item(i: int) -> DigestItem:
        ref = f"ABCD-FGMPO-2026-{i:06d}"
        return DigestItem(ref, "AB", "FGMPO", facts[i % 3], "UOFF", NOW, NOW, actions[i % 3], (CheckAt(NOW, False),))

    countdown = HearingCountdown(2, HearingDeadline("DVPO", NOW, None), None)
    waiting = tuple(
        ReminderFacts(
            10**9 + i, "hearing_deadline_in_2h", f"ABCD-FGMPO-2026-{i:06d}", "FGMPO", "AB", countdown, i % 2 == 0,
            NOW, "UOFF", TZ, offer=Offer.HEARING if i % 3 == 0 else None,
        )
        for i in range(n)
    )  # fmt: skip
    mine, others = tuple(item(i) for i in range(n)), tuple(item(i) for i in range(n))
    return HomeBoard("USUPA", role, team, mine, others if role == "supervisor" else (), waiting, NOW)


@pytest.mark.parametrize("n", [0, 1, 15, 100])
@pytest.mark.parametrize("role", ["officer", "supervisor", "champion", "admin"])
def test_the_home_view(n: int, role: str) -> None:
    view = home_view(board(n, role, team=role != "officer"), TZ)
    check_view(view)  # type: ignore[arg-type]


def test_a_full_home_shows_each_part_cut_with_a_more_line() -> None:
    view: Any = home_view(board(100), TZ)
    check_view(view)
    assert len(view["blocks"]) <= 100
    more = [b["elements"][0]["text"] for b in view["blocks"] if b["type"] == "context" and "the rest" in str(b)]
    assert more == [
        "25 of 100 shown: `/dvpn list mine` lists the rest",
        "25 of 100 shown: `/dvpn list due` lists the rest",
        "25 of 100 shown: `/dvpn list due` lists the rest",
    ]


def test_a_home_counts_what_its_sections_counted_without_reading() -> None:
    cut = replace(board(30, "supervisor"), mine_unlisted=12, team_unlisted=70)
    view: Any = home_view(cut, TZ)
    check_view(view)
    texts = [str(b) for b in view["blocks"]]
    assert any("*Mine today* (42)" in t for t in texts) and any("*My team* (100)" in t for t in texts)
    more = [b["elements"][0]["text"] for b in view["blocks"] if b["type"] == "context" and "the rest" in str(b)]
    assert more[:2] == [
        "25 of 42 shown: `/dvpn list mine` lists the rest",
        "25 of 100 shown: `/dvpn list due` lists the rest",
    ]


def test_help_and_the_unknown_command_reply() -> None:
    router = build_router()
    check_message(router.help().blocks)
    check_message(router.help(None, "What would you like to do?").blocks)
    check_message(router.unknown(NASTY * 5).blocks)
    many = [HelpLine(f"cmd{n}", f"cmd{n} {LONG}", NASTY, NASTY) for n in range(200)]
    check_message(help_blocks([HelpGroup(NASTY, tuple(many[i : i + 20])) for i in range(0, 200, 20)], intro=NASTY * 10))
    check_message(command_help_blocks(many[0], NASTY))
    for role in Role:
        check_message(router.help(role).blocks)
        check_message(router.detail("hearing", role).blocks)


def test_short_messages_with_maximal_text() -> None:
    check_message(problem_blocks(NASTY * 50, hint=NASTY * 50))
    check_message(unexpected_blocks("DEADBEEF"))
    check_message([interpreted([(f"Label {LONG}", NOW + timedelta(days=n)) for n in range(100)], TZ)])
    for event in ("served", "arrested"):
        check_message(deadline_blocks("FGMPO", event, deadline(1, lines=500), TZ))


def test_a_quick_path_reply_for_a_maximal_record_is_short() -> None:
    ctx = ServiceContext(engine=None, settings=Settings(), clock=ManualClock(NOW), source="test")  # type: ignore[arg-type]
    inv = Invocation(ctx=ctx, user_id="UOFFA1", args="")
    reply = _reply(inv, maximal_view(), f"Hearing booked for {LONG}.", [("Hearing", NOW), ("Arrested", NOW)])
    check_message(reply.blocks, reply.text)
    assert len(reply.blocks) <= 4  # what changed and what is next, times, warnings, buttons


METAS = [
    FormMeta(),
    FormMeta(channel="C0PPUNORTH"),
    FormMeta(reference="ABCD-FGMPO-2026-999999", channel="D0123456789ABCDEF"),
    FormMeta(channel="C0PPUNORTH", incident="ABCD-INC-2026-999999"),
]


@pytest.mark.parametrize("order_type", [None, *OrderType])
@pytest.mark.parametrize("meta", METAS, ids=["none", "channel", "both", "incident"])
def test_the_record_form_for_every_type(order_type: OrderType | None, meta: FormMeta) -> None:
    check_view(record_form(order_type, tuple(OrderType), meta))


@pytest.mark.parametrize("order_type", list(OrderType))
def test_the_record_form_redrawn_with_maximal_answers(order_type: OrderType) -> None:
    """Switching the type keeps what was typed: however long it was (Slack sends up to 3,000
    characters), the redrawn form is valid."""
    prefill = {
        key: (LONG * 10)[:3000]
        for key in (
            "served_at",
            "made_at",
            "authoriser_name",
            "perpetrator_name",
            "protected_name",
            "court",
            "duration",
        )
    }
    check_view(record_form(order_type, tuple(OrderType), FormMeta(channel="C1"), prefill))


def test_the_record_form_with_one_enabled_type() -> None:
    check_view(record_form(None, (OrderType.DVPN,), FormMeta()))


@pytest.mark.parametrize("form", [hearing_form, outcome_form, breach_form, check_form, notification_form, close_form])
@pytest.mark.parametrize("meta", METAS[1:3], ids=["channel", "both"])
def test_the_follow_up_forms(form: Any, meta: FormMeta) -> None:
    check_view(form(FormMeta(reference="ABCD-FGMPO-2026-999999", channel=meta.channel)))


@pytest.mark.parametrize(
    "areas", [(), ("cumbria",), tuple(f"area {n}" for n in range(200))], ids=["none", "one", "many"]
)
def test_the_incident_form(areas: tuple[str, ...]) -> None:
    check_view(incident_form(FormMeta(channel="C0PPUNORTH"), areas))
    prefill = {
        key: (LONG * 10)[:3000]
        for key in ("reported_at", "victim_name", "suspect_name", "child_1_name", "child_1_school", "child_1_area")
    }
    check_view(incident_form(FormMeta(channel="D0123456789ABCDEF"), areas, prefill))


def test_private_metadata_round_trips() -> None:
    meta = FormMeta(reference="ABCD-FGMPO-2026-999999", channel="C0PPUNORTH")
    assert FormMeta.load(record_form(None, tuple(OrderType), meta)["private_metadata"]) == meta


# -- caseload, perpetrator history, search, audit trail, justification ------------------------------------

TEAM = ("Team " + LONG)[:80]
EVERY_FILTER = CaseloadQuery(
    team=TEAM, order_type=OrderType.FGMPO, risk=RiskLevel.HIGH, risk_unassessed=True, status=None, due_hours=9999
)


def caseload(count: int, total: int, offset: int, *, query: CaseloadQuery = EVERY_FILTER) -> Caseload:
    return Caseload(
        query=query,
        whose=TEAM + NASTY,
        by_status=tuple((status.value, 10**6 + n) for n, status in enumerate(OrderStatus)),
        by_officer=tuple(OfficerCount(f"W{n:016d}", 10**6, 10**5) for n in range(10)),
        officers_total=5000,
        items=tuple(summary(n, deadline_at=NOW - timedelta(hours=n) if n % 3 else None) for n in range(count)),
        total=total,
        offset=offset,
    )


@pytest.mark.parametrize(
    "count, total, offset", [(0, 0, 0), (3, 3, 0), (20, 10**6, 0), (20, 10**6, 20), (100, 10**6, 0)]
)
def test_the_caseload(count: int, total: int, offset: int) -> None:
    load = caseload(count, total, offset)
    check_message(caseload_blocks(load, TZ, NOW), caseload_text(load))
    realistic = caseload(count, total, offset, query=CaseloadQuery())
    check_message(caseload_blocks(realistic, TZ, NOW))


def test_a_caseload_more_button_carries_the_whole_query() -> None:
    blocks = caseload_blocks(caseload(20, 10**6, 0), TZ, NOW)
    [value] = [e["value"] for b in blocks if b["type"] == "actions" for e in b["elements"]]
    wanted = json.loads(value)
    assert CaseloadQuery.load(wanted["q"]) == EVERY_FILTER and wanted["offset"] == 20


def history(records: int, protected: int, *, named: bool = True) -> PerpetratorHistory:
    return PerpetratorHistory(
        name=(LONG + NASTY)[:200] if named else "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
        named=named,
        birth_year=1985,
        pnc_id="2012/3456789L",
        records=tuple(
            HistoryRecord(
                reference=f"ABCD-FGMPO-2026-{n:06d}",
                order_type="FGMPO",
                status="discharged",
                started_at=NOW - timedelta(days=n),
                team=TEAM + NASTY,
                officer_slack_id="W0123456789ABCDEF",
                risk_level="standard",
                breaches=n,
                checks_missed=10**6,
            )
            for n in range(records)
        ),
        breaches=10**6,
        checks_missed=10**6,
        current_risk="medium",
        repeat=f"{10**6} notices/orders in the last 1200 months; {10**6} breaches recorded",
        protected=tuple(
            ProtectedEntry(
                (LONG + NASTY)[:200] if n % 2 else "ABCDEFGH", bool(n % 2), (f"ABCD-FGMPO-2026-{n:06d}",) * 50
            )
            for n in range(protected)
        ),
        linked_by_name=True,
    )


@pytest.mark.parametrize("records, protected", [(0, 0), (3, 2), (200, 100)])
@pytest.mark.parametrize("named", [True, False])
def test_the_perpetrator_history(records: int, protected: int, named: bool) -> None:
    found = history(records, protected, named=named)
    check_message(history_blocks(found, TZ), history_text(found))


@pytest.mark.parametrize("shown, total", [(1, 1), (2, 2), (20, 5000)])
def test_the_people_a_name_matched(shown: int, total: int) -> None:
    matches = tuple(
        PersonMatch(
            "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
            1900 + n if n % 2 else None,
            "2012/3456789L" if n % 3 else None,
            10**6,
            f"ABCD-FGMPO-2026-{n:06d}" if n % 4 else None,
        )
        for n in range(shown)
    )
    check_message(matches_blocks(PerpetratorMatches(matches, total)))


@pytest.mark.parametrize("count", [0, 1, 25, 100])
@pytest.mark.parametrize("more", [False, True])
def test_the_search_results(count: int, more: bool) -> None:
    hits = tuple(
        SearchHit(f"ABCD-FGMPO-2026-{n:06d}", "FGMPO", "superseded", "ABCDEFGHIJKLMNOPQRSTUVWXYZ", list(Matched)[n % 5])
        for n in range(count)
    )
    check_message(search_blocks(SearchResults(hits, more), NASTY * 10))


@pytest.mark.parametrize("count, total, offset", [(0, 0, 0), (3, 3, 0), (20, 10**6, 0), (60, 10**6, 40)])
def test_the_audit_trail(count: int, total: int, offset: int) -> None:
    entries = tuple(
        TrailEntry(
            at=NOW + timedelta(minutes=n),
            actor_slack_id=None if n % 2 else "W0123456789ABCDEF",
            system="check-planner" + NASTY if n % 2 else None,
            what=describe(
                "update", "breach_check" + LONG, {"status": LONG}, {f"field_{i}_{LONG}": NASTY for i in range(9)}
            ),
            justification=(NASTY * 10)[:1000] if n % 3 else None,
            source="console" + LONG,
        )
        for n in range(count)
    )
    check_message(audit_trail_blocks(AuditTrailPage("ABCD-FGMPO-2026-999999", entries, total, offset), TZ))


def test_the_justification_form_and_the_card_it_leads_to() -> None:
    form = justification_form(FormMeta(reference="ABCD-FGMPO-2026-999999", channel="D0123456789ABCDEF"))
    check_view(form)
    assert FormMeta.load(form["private_metadata"]).reference == "ABCD-FGMPO-2026-999999"
    for view in VIEWS.values():
        check_view(card_modal(view, TZ))


# -- the checker itself catches what it is for ------------------------------------------------------------


def test_the_checker_catches_what_slack_would_refuse() -> None:
    button = {"type": "button", "text": {"type": "plain_text", "text": "x" * 76}, "action_id": "a"}
    too_many: list[Block] = [{"type": "divider"}] * 51
    assert block_problems(too_many, 50) == ["51 blocks, over 50"]
    assert "label is 76 characters, over 75" in block_problems([{"type": "actions", "elements": [button]}], 50)[0]
    header = {"type": "header", "text": {"type": "mrkdwn", "text": "x"}}
    assert block_problems([header], 50) == ["block 0 (header) header text must be plain_text"]
    option = {"text": {"type": "plain_text", "text": "o"}, "value": "v" * 151}
    select = {"type": "static_select", "action_id": "s", "options": [option]}
    assert "option value over 150" in block_problems([{"type": "actions", "elements": [select]}], 50)[0]
    with pytest.raises(BlockKitError, match="modal title"):
        check_view(
            {"type": "modal", "title": {"type": "plain_text", "text": "t" * 25}, "blocks": [{"type": "divider"}]}
        )
    with pytest.raises(BlockKitError, match="private_metadata"):
        check_view({"type": "home", "blocks": [{"type": "divider"}], "private_metadata": "m" * 3001})
    text_input = {"type": "plain_text_input", "action_id": "v", "max_length": 5, "initial_value": "toolong"}
    field = {"type": "input", "block_id": "b", "label": {"type": "plain_text", "text": "L"}, "element": text_input}
    assert "initial_value is 7 characters, over its max_length 5" in block_problems([field], 100)[0]
    with pytest.raises(BlockKitError, match="round trip"):
        check_message([{"type": "section", "text": {"type": "mrkdwn", "text": "x"}, "acessory": {}}])
    with pytest.raises(BlockKitError, match="empty text"):
        check_message([{"type": "section", "text": {"type": "mrkdwn", "text": " "}}])
    assert cut("abc", 2) == "a…"


def test_the_checker_knows_tables_alerts_and_number_inputs() -> None:
    cell = {"type": "raw_text", "text": "1"}
    table = {"type": "table", "rows": [[cell, cell]] * 101}
    assert block_problems([table], 50) == ["block 0 (table) has 101 rows"]
    ragged = {"type": "table", "rows": [[cell, cell], [cell]]}
    assert block_problems([ragged], 50) == ["block 0 (table) rows of [1, 2] cells"]
    with pytest.raises(BlockKitError, match="more than one table"):
        check_message([{"type": "table", "rows": [[cell]]}] * 2)
    alert = {"type": "alert", "text": {"type": "plain_text", "text": "x" * 201}, "level": "warning"}
    assert block_problems([alert], 100) == ["block 0 (alert) text is 201 characters, over 200"]
    with pytest.raises(BlockKitError, match="alert block in a message"):
        check_message([alert | {"text": {"type": "plain_text", "text": "x"}}])
    number = {"type": "number_input", "action_id": "v", "is_decimal_allowed": False, "min_value": "14"}
    field = {"type": "input", "block_id": "b", "label": {"type": "plain_text", "text": "L"}}
    assert block_problems([field | {"element": number | {"max_value": "28", "initial_value": "29"}}], 100) == [
        "number_input v initial_value outside its bounds"
    ]
