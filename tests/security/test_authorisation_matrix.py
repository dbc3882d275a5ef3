"""The authorisation matrix: every role against every path to a Team A record, read or write, as
the real Bolt app answers it: commands, buttons carrying values the user was never shown, forms
submitted with private_metadata the user was never given, and the App Home. What each role may do
is written once, in MATRIX below; the test observes what happened (the record's people shown, a
reason asked, a row written, or a refusal with nothing shown or written) and compares.

The target is WM-DVPN-2026-0002 (Team A, officer UOFFA1): Stephen O'Brien against, Sam Taylor
protected (tests/support/casework.py)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from blocks import actions as ids
from blocks.forms import FormMeta, close_form, hearing_form, record_form
from blocks.incident_form import incident_form
from blocks.justification import justification_form
from blocks.reports import ExportRequest, export_form
from rules.order_types import OrderType
from services.context import ServiceContext
from services.incidents.recording import ChildInput, NewIncident, record_incident
from services.records import recording as records
from services.records.order_writer import PersonInput
from tests.support.casework import Seeded, notice
from tests.support.database import audit_rows, row_counts
from tests.support.force import Force, london
from tests.support.slack_app import ctx, slack, slack_api  # noqa: F401  (the real Bolt app and Slack stand-in)
from tests.support.slack_driver import SlackDriver, reply_text

REF = "WM-DVPN-2026-0002"
# A notice still running, for the writes its lifecycle allows only while it runs (booking a
# hearing, closing it): REF lapsed in law on Wed 1 Apr, before the test clock.
LIVE = "WM-DVPN-2026-0004"
INC = "WM-INC-2026-0001"  # a Team A incident, high risk, one child (recorded in each test below)
PEOPLE = ("Sam Taylor", "Stephen O'Brien", "Stephen O&#39;Brien")  # as typed, or escaped
SEARCHED = ("Stephen O'Brien", "Stephen O&#39;Brien")
REASON = "MARAC review of repeat victim"
ROLES = ("newcomer", "officer", "other_officer", "supervisor", "champion", "admin")

# What a role sees or does. SHOWN: the record's people shown to them. ASKED: a reason asked first
# (DPA 2018 s62). LISTED: an answer without the people's names (references, initials, a form to
# fill in, a card posted without names). NOTHING: an answer that holds nothing of the record (a
# search matching nothing the user may see; audited as a consultation). WRITTEN: the change made.
# REFUSED: told why, nothing shown, nothing written.
SHOWN, ASKED, LISTED, WRITTEN, REFUSED = "shown", "asked", "listed", "written", "refused"
NOTHING = "nothing"

Path = Callable[[SlackDriver, str], Any]


def command(text: str) -> Path:
    return lambda driver, user: driver.command(user, text)


def button(action_id: str, value: str) -> Path:
    return lambda driver, user: driver.press(user, action_id, value)


def form(view: dict[str, Any], answers: dict[str, Any]) -> Path:
    """A modal the user was never given, submitted with its private_metadata as forged."""
    return lambda driver, user: driver.submit(user, view | {"id": "VFORGED", "hash": "h"}, answers)


def home(driver: SlackDriver, user: str) -> Any:
    return driver.event({"type": "app_home_opened", "user": user, "tab": "home"})


READERS_WITH_REASON = {"champion": ASKED, "admin": ASKED}
TEAM_A_WRITERS = {"officer": WRITTEN, "supervisor": WRITTEN}

# path -> (how, {role: outcome}); a role not named is REFUSED. The one table.
MATRIX: dict[str, tuple[Path, dict[str, str]]] = {
    "show": (command(f"show {REF}"), {"officer": SHOWN, "supervisor": SHOWN, **READERS_WITH_REASON}),
    "perpetrator history": (  # force-wide by design, names only within one's teams
        command(f"perpetrator {REF}"),
        {"officer": SHOWN, "supervisor": SHOWN, "other_officer": LISTED, "champion": LISTED, "admin": LISTED},
    ),
    "search by name": (  # beyond one's teams a name matches nothing without a reason given
        command("search Stephen O'Brien"),
        {"officer": LISTED, "supervisor": LISTED, "other_officer": NOTHING, "champion": NOTHING, "admin": NOTHING},
    ),
    "audit trail": (command(f"audit {REF}"), {"supervisor": LISTED, "admin": LISTED}),
    "list team": (
        command("list team"),  # champions and admins read the force's list
        {"officer": LISTED, "supervisor": LISTED, "champion": LISTED, "admin": LISTED, "other_officer": NOTHING},
    ),
    "caseload of Team A": (
        command("caseload Team A"),
        {"officer": LISTED, "supervisor": LISTED, "champion": LISTED, "admin": LISTED},
    ),
    "book hearing": (command(f"hearing {LIVE} 4/4/2026 10:00"), TEAM_A_WRITERS),
    "record breach": (command(f"breach {REF} 31/3/2026 20:30"), TEAM_A_WRITERS),
    "close": (command(f"close {LIVE} withdrawn application not pursued"), TEAM_A_WRITERS),
    "correct one field": (
        command(f'edit {REF} conditions no contact with the victim reason "conditions mistyped at entry"'),
        TEAM_A_WRITERS,
    ),
    "correction form": (command(f"edit {REF}"), {"officer": SHOWN, "supervisor": SHOWN}),  # filled in, audited
    "admin: create a team": (command("admin team create Team Z"), {"admin": WRITTEN}),
    "admin: add a bank holiday": (command('admin holiday add 2026-12-29 "Extra day"'), {"admin": WRITTEN}),
    "admin: add a school holiday": (
        command('admin school-holiday add cumbria 28/12/2026 31/12/2026 "Extra days"'),
        {"admin": WRITTEN},
    ),
    "button: open record": (
        button(ids.OPEN_RECORD, REF),
        {"officer": SHOWN, "supervisor": SHOWN, **READERS_WITH_REASON},
    ),
    "button: post to channel": (
        button(ids.POST_TO_CHANNEL, REF),
        {"officer": LISTED, "supervisor": LISTED, **READERS_WITH_REASON},
    ),
    "button: perpetrator pick": (
        button(ids.PERPETRATOR_PICK, REF),
        {"officer": SHOWN, "supervisor": SHOWN, "other_officer": LISTED, "champion": LISTED, "admin": LISTED},
    ),
    "button: book hearing form": (button(ids.BOOK_HEARING, REF), {"officer": LISTED, "supervisor": LISTED}),
    "forged form: hearing": (
        form(hearing_form(FormMeta(reference=LIVE)), {"scheduled_at": "4/4/2026 10:00"}),
        TEAM_A_WRITERS,
    ),
    "forged form: close": (
        form(close_form(FormMeta(reference=LIVE)), {"status": "withdrawn", "reason": "not pursued", "at": "now"}),
        TEAM_A_WRITERS,
    ),
    "forged form: reason to open": (
        form(justification_form(FormMeta(reference=REF)), {"justification": REASON}),
        {"officer": SHOWN, "supervisor": SHOWN, "champion": SHOWN, "admin": SHOWN},
    ),
    "forged form: export of Team A": (
        form(
            export_form(ExportRequest("2026-04", "2026-03-01", "2026-04-30", "Team A"), "Team A", "2026-04"),
            {"justification": "Quarterly caseload review for the PPU"},
        ),
        {"supervisor": LISTED, "admin": LISTED},
    ),
    "show incident": (
        command(f"show {INC}"),
        {"officer": LISTED, "supervisor": LISTED, "champion": LISTED, "admin": LISTED},
    ),
    "record an incident": (
        command('incident new victim "Sam Taylor" suspect "Stephen O\'Brien"'),
        {"officer": WRITTEN, "supervisor": WRITTEN, "other_officer": WRITTEN},  # each in their own team
    ),
    "incident form": (
        command("incident new"),
        {"officer": LISTED, "supervisor": LISTED, "other_officer": LISTED},  # each for their own team
    ),
    "forged form: incident": (
        form(incident_form(FormMeta(), ("cumbria",)), {"reported_at": "now", "victim_name": "V", "suspect_name": "S"}),
        {"officer": WRITTEN, "supervisor": WRITTEN, "other_officer": WRITTEN},
    ),
    "button: record a notice from an incident": (
        button(ids.NOTICE_FROM_INCIDENT, INC),
        {"officer": LISTED, "supervisor": LISTED},
    ),
    "new notice from an incident": (command(f"new DVPN from {INC}"), {"officer": LISTED, "supervisor": LISTED}),
    "forged form: notice from an incident": (
        form(
            record_form(OrderType.DVPN, (OrderType.DVPN,), FormMeta(incident=INC)),
            {
                "order_type": "DVPN",
                "served_at": "2/4/2026 20:45",
                "authoriser_name": "Supt Example",
                "authoriser_rank": "superintendent",
            },
        ),
        TEAM_A_WRITERS,
    ),
    "incident attended": (command(f"incident {INC} attended"), TEAM_A_WRITERS),
    "encompass told": (command(f"encompass {INC} told 1"), TEAM_A_WRITERS),
    "marac referred": (command(f"marac {INC} referred"), TEAM_A_WRITERS),
    "marac due": (
        command("marac due"),  # the force's for champions and admins, one's teams' otherwise
        {"officer": LISTED, "supervisor": LISTED, "champion": LISTED, "admin": LISTED, "other_officer": NOTHING},
    ),
    "App Home": (
        home,
        {"officer": LISTED, "supervisor": LISTED, "newcomer": NOTHING, "other_officer": NOTHING}
        | {"champion": NOTHING, "admin": NOTHING},
    ),
}


def observed(driver: SlackDriver, service: ServiceContext, before: dict[str, int], audited: int) -> str:
    files = " ".join(f["content"].decode(errors="ignore") for f in driver.api.shared_files())
    sent = json.dumps([call.args for call in driver.sent()], default=str) + json.dumps(driver.responses) + files
    for echo in SEARCHED:
        sent = sent.replace(f"*Search:* {echo}", "")  # what the user typed, echoed back to them
    opened = [c.view.get("callback_id") for c in driver.sent() if c.method in ("views.open", "views.push")]
    after = row_counts(service.engine)
    changed = {k for k in after if after[k] != before.get(k) and k not in ("audit_event", "slack_delivery")}
    if changed or _written(service, audited):
        return WRITTEN
    if ids.JUSTIFICATION_FORM in opened or "give a short justification" in sent:
        return ASKED
    if any(person in sent for person in PEOPLE):
        return SHOWN
    replies = [
        reply_text(c).strip()
        for c in driver.sent()
        if c.method in ("response_url", "chat.postEphemeral", "chat.postMessage")  # a DM answers a form
    ]
    if any(r.startswith(":warning:") for r in replies) or any("errors" in r for r in driver.responses):
        return REFUSED
    if (
        REF in sent
        or INC in sent
        or "history: SO" in sent
        or any(c.method in ("views.open", "views.push") for c in driver.sent())
    ):
        return LISTED
    return NOTHING


def _written(service: ServiceContext, audited: int) -> bool:
    """A change is audited as one (services.governance.audit): created, updated, erased."""
    return any(row["action"] in ("create", "update", "erase") for row in audit_rows(service.engine)[audited:])


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", list(MATRIX))
def test_each_role_gets_what_the_matrix_says(
    slack: SlackDriver,  # noqa: F811
    ctx: ServiceContext,  # noqa: F811
    force: Force,
    casework: Seeded,
    path: str,
    role: str,
) -> None:
    how, allowed = MATRIX[path]
    expected = allowed.get(role, REFUSED)
    user = getattr(force, role)
    running = notice("2026-04-02 19:00", PersonInput("Robin Fairweather"), "Alex Fairweather")
    assert records.record(ctx, force.officer, running).reference == LIVE
    child = (ChildInput("Kit Taylor", "Oak Primary", "cumbria"),)
    high = NewIncident(london("2026-04-02 18:00"), PersonInput("Sam Taylor"), PersonInput("Stephen O'Brien"), child, 15)
    assert record_incident(ctx, force.officer, high) == INC
    before, audited = row_counts(ctx.engine), len(audit_rows(ctx.engine))
    slack.responses.clear()
    slack.api.clear()

    how(slack, user)

    got = observed(slack, ctx, before, audited)
    said = [reply_text(c)[:160] for c in slack.sent() if c.method == "response_url"] + slack.responses
    assert got == expected, f"{role} on {path}: {got}, expected {expected}; said {said}"
    if expected in (REFUSED, NOTHING):
        after = row_counts(ctx.engine)
        consulted = {"audit_event"} if expected == NOTHING else set()
        assert {k for k in after if after[k] != before[k]} <= {"slack_delivery", *consulted}, (before, after)
