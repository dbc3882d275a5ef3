"""The privacy sweep: a record made through the real form with known names, dates of birth,
addresses and a PNC id, and free text holding them typed everywhere text goes; then every /dvpn
subcommand in the router's table run by the officer and by an admin, every button any reply, card,
App Home or reminder offers pressed, every form it opens submitted (again with the secrets in its
free text), the reminders and the team channel's digest sent, and the export made.

None of those strings may then appear in any message anyone in a channel can read (an in_channel
reply, a message or file posted to a channel, the digest posted to the team channel), in any log
line (the bot's logging policy applied at INFO and at DEBUG), in the export CSV, or in any audit
row (snapshots mask free text). A subcommand added to the router without a line here fails the
test until it is swept."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from blocks import actions as ids
from config import LIBRARY_LOGGERS, configure_logging
from console.slack_api import Call, SlackWebAPI
from handlers.command import build_router
from models import metadata
from scheduler.digests import send_due_digests
from scheduler.notifier import SlackNotifier
from scheduler.sweep import sweep_once
from services.clock import ManualClock
from services.context import ServiceContext
from services.governance import staff
from tests.support.force import Force, london
from tests.support.records import DVPN_ANSWERS
from tests.support.slack_app import ctx, slack, slack_api  # noqa: F401  (the real Bolt app and Slack stand-in)
from tests.support.slack_driver import SlackDriver, open_record_form

PERPETRATOR, PROTECTED = "Zebedee Quartermaine", "Philippa Thistlewood"
PERPETRATOR_ADDRESS, PROTECTED_ADDRESS = "17 Larkspur Crescent, Dudley DY1 4QQ", "4 Marram Close, Walsall WS2 8PL"
PNC = "11/987654D"
TYPED = f"{PROTECTED} of {PROTECTED_ADDRESS} says {PERPETRATOR} ({PNC}) came"  # free text naming them all
PEOPLE = {
    "perpetrator_name": PERPETRATOR,
    "perpetrator_dob": "1987-03-14",
    "perpetrator_address": PERPETRATOR_ADDRESS,
    "perpetrator_pnc": PNC,
    "protected_name": PROTECTED,
    "protected_dob": "1990-06-21",
    "protected_address": PROTECTED_ADDRESS,
}
SECRETS = (
    PERPETRATOR,
    PROTECTED,
    "Quartermaine",
    "Zebedee",
    "Thistlewood",
    "Philippa",
    "Larkspur",
    "Marram",
    "DY1 4QQ",
    "WS2 8PL",
    PNC,
    "987654D",
    "1987-03-14",
    "14 Mar 1987",
    "14/03/1987",
    "1990-06-21",
    "21 Jun 1990",
    "21/06/1990",
)
CHANNEL_TEAM = "C0TEAMC"
REASON = "MARAC review of repeat victim"

# Every subcommand with what the sweep types after it ({ref}: the record); the test fails when the
# router has a subcommand this does not name.
TYPED_AFTER = {
    "new": "DVPN",
    "show": "{ref}",
    "list": "mine",
    "caseload": "all",
    "perpetrator": PNC,
    "search": PERPETRATOR,
    "audit": "{ref}",
    "identity": "",
    "hearing": f"{{ref}} tomorrow 10:00 at {TYPED}",
    "adjourned": "{ref} monday 10:00",
    "breach": f"{{ref}} today 20:30 details {TYPED}",
    "crime": "{ref} 22/123456/26",
    "court": "{ref} now",
    "check": f"{{ref}} done today 20:45 {TYPED}",
    "notified": "{ref} now",
    "deadline": "DVPN now",
    "clare": f'new know "{PROTECTED}" "{PERPETRATOR}" pnc {PNC} applicant "{PROTECTED}"',
    "stats": "last 4 weeks",
    "export": "last 4 weeks Team C",
    "digest": "Team C",
    "admin": "team list",
    "school-holiday": 'add cumbria 28/12/2026 31/12/2026 "Extra days"',
    "help": "",
    "granted": "{ref} 28 days",
    "refused": "{ref}",
    "changed": "{ref} address now",
    "exempt": "{ref} another-dapo",
    "monitoring": "{ref} until in 2 weeks",
    "edit": f'{{ref}} conditions {TYPED} reason "conditions mistyped at entry"',
    "varied": f"{{ref}} until 1/10/2026 conditions {TYPED}",
    "close": f"{{ref}} withdrawn {TYPED}",
    # An incident naming everyone, with a child whose school is the address: its clocks' reminders
    # go out in the sweep below; channels and the audit trail must carry none of it.
    "incident": f'new victim "{PROTECTED}" suspect "{PERPETRATOR}" dash 16 child "{PROTECTED}" '
    f'school "{PROTECTED_ADDRESS}" area cumbria',
    "marac": "due",
    "encompass": "{ref} told 1",
}


def casework_after(ref: str, incident: str, officer: str) -> tuple[str, ...]:
    """Then the incident's casework and a plan, free text naming everyone, and each kind exported."""
    return (
        f'incident {incident} considered no "{TYPED}"',
        f"marac {incident} referred",
        f'marac {incident} action "{TYPED}" owner <@{officer}> due in 2 weeks',
        f"encompass {incident} told 1",
        f"perpetrator {ref} plan adopt",
        f'perpetrator {ref} plan action support <@{officer}> 1/6/2026 "{TYPED}"',
        "caseload incidents encompass untold",
        "caseload incidents risk high team Team C",
        "stats last 4 weeks Team C",
        "export incidents last 4 weeks Team C",
        "export clare last 4 weeks Team C",
        "export plans last 4 weeks Team C",
    )


# What each form the sweep opens is answered with: its free text names everyone.
FORM_ANSWERS: dict[str, dict[str, Any]] = {
    ids.HEARING_FORM: {"scheduled_at": "tomorrow 10:00", "court": TYPED},
    ids.OUTCOME_FORM: {
        "outcome": "adjourned",
        "decided_at": "now",
        "adjourned_to": "monday 10:00",
        "conditions": TYPED,
    },
    ids.BREACH_FORM: {"occurred_at": "today 20:35", "details": TYPED},
    ids.CHECK_FORM: {"done_at": "now", "outcome": TYPED},
    ids.NOTIFICATION_FORM: {"received_at": "now"},
    ids.CLOSE_FORM: {"status": "withdrawn", "reason": TYPED, "at": "now"},
    ids.JUSTIFICATION_FORM: {"justification": REASON},
    ids.EXPORT_FORM: {"justification": "Quarterly caseload review for the PPU"},
}


# Buttons that end the record, pressed once everything else has been; a second record form is not opened.
ENDINGS = frozenset({ids.CLOSE_RECORD, ids.NEW_RECORD})


class Kept(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(f"{record.name} {record.levelname} {record.getMessage()} {record.exc_text or ''}")
        if record.exc_info:
            self.lines.append(logging.Formatter().formatException(record.exc_info))


@pytest.fixture(params=["INFO", "DEBUG"])
def log(request: pytest.FixtureRequest) -> Iterator[Kept]:
    """Every log line of the sweep, with the bot's logging policy (config.configure_logging) at the level."""
    root = logging.getLogger()
    saved = root.level, {name: logging.getLogger(name).level for name in LIBRARY_LOGGERS}
    kept = Kept()
    root.addHandler(kept)
    root.setLevel(request.param)
    configure_logging(request.param)
    yield kept
    root.removeHandler(kept)
    root.setLevel(saved[0])
    for name, level in saved[1].items():
        logging.getLogger(name).setLevel(level)


def test_every_subcommand_is_swept() -> None:
    assert {sub.name for sub in build_router().subcommands} == set(TYPED_AFTER)


def buttons(value: Any) -> Iterator[tuple[str, str]]:
    """Every (action_id, value) of a button anywhere in a payload."""
    if isinstance(value, dict):
        if value.get("type") == "button" and "action_id" in value:
            yield value["action_id"], str(value.get("value", ""))
        for inner in value.values():
            yield from buttons(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from buttons(inner)
    elif isinstance(value, str) and value.startswith(("{", "[")):
        try:
            yield from buttons(json.loads(value))
        except ValueError:
            return


def channel_visible(api: SlackWebAPI) -> list[Call]:
    """What anyone in a channel can read: in_channel replies, and anything posted to a channel (C...)."""
    return [
        call
        for call in api.calls()
        if (call.method == "response_url" and call.get("response_type") == "in_channel")
        or (
            call.method != "chat.postEphemeral"  # shown to one user only, as the reply to their command
            and str(call.get("channel", "") or call.get("channel_id", "") or call.get("channels", "")).startswith("C")
        )
    ]


def audit_text(engine: Engine) -> str:
    with engine.connect() as connection:
        rows = connection.execute(sa.select(metadata.tables["audit_event"]))
        return "\n".join(json.dumps(dict(row._mapping), default=str) for row in rows)


class Sweep:
    """Presses every button it is shown and answers every form it opens."""

    def __init__(self, driver: SlackDriver, api: SlackWebAPI) -> None:
        self.slack, self.api = driver, api
        self.pressed: set[tuple[str, str, str]] = set()
        self.seen = 0

    def answer_forms(self, user: str, before: int) -> None:
        for call in self.api.calls()[before:]:
            if call.method in ("views.open", "views.push"):
                view = self.api.view(call.view["id"]) if call.view.get("id") else call.view
                answers = FORM_ANSWERS.get(view.get("callback_id", ""))
                if answers is not None:
                    wanted = {b["block_id"] for b in view["blocks"] if b.get("type") == "input"}
                    self.slack.submit(user, view, {k: v for k, v in answers.items() if k in wanted})

    def act(self, user: str, do: Any) -> None:
        before = len(self.api.calls())
        do()
        self.answer_forms(user, before)

    def press_everything(self, user: str, *, holding: frozenset[str] = ENDINGS) -> None:
        """Until no new button shows: press each once (a reminder's in its own message), but those
        in `holding`, which end the record and are pressed last."""
        for _ in range(4):
            found = []
            for call in self.api.calls():
                if call.method not in ("chat.postMessage", "chat.update"):  # those stand as messages: below
                    found += [(aid, value, "") for aid, value in buttons(call.args)]
            for channel, messages in self.api.state.messages.items():
                found += [(aid, value, f"{channel}|{m.get('ts')}") for m in messages for aid, value in buttons(m)]
            new = [b for b in dict.fromkeys(found) if b not in self.pressed and b[0] not in holding]
            if not new:
                return
            for aid, value, where in new:
                self.pressed.add((aid, value, where))
                if where:
                    channel, ts = where.split("|")
                    self.act(user, lambda: self.slack.press_in_reminder(user, aid, value, channel, ts))  # noqa: B023
                else:
                    self.act(user, lambda: self.slack.press(user, aid, value))  # noqa: B023


def test_no_personal_data_reaches_a_channel_a_log_an_export_or_the_audit_trail(
    slack: SlackDriver,  # noqa: F811
    slack_api: SlackWebAPI,  # noqa: F811
    ctx: ServiceContext,  # noqa: F811
    engine: Engine,
    force: Force,
    clock: ManualClock,
    log: Kept,
) -> None:
    staff.create_team(ctx, force.admin, "Team C", digest_channel=CHANNEL_TEAM)
    staff.place_in_team(ctx, force.admin, force.officer, "Team C")
    officer, admin = force.officer, force.admin
    sweep = Sweep(slack, slack_api)

    form = open_record_form(slack, officer, "DVPN")
    answers = DVPN_ANSWERS | PEOPLE | {"order_type": "DVPN", "authoriser_name": "Supt Example", "conditions": TYPED}
    assert slack.submit(officer, form, answers).status == 200
    found = re.search(r"[A-Z]{2,4}-DVPN-\d{4}-\d{4}", json.dumps([c.args for c in slack_api.calls()]))
    assert found, "the record was not made"
    ref = found.group()
    slack.press(officer, ids.OPEN_RECORD, ref)  # the confirmation's Show record: the card
    assert PERPETRATOR in json.dumps([c.args for c in slack_api.calls()])  # the officer saw the names: in play

    for name, after in TYPED_AFTER.items():
        if name in ("granted", "refused", "close"):
            continue  # they end the record: after the reminders
        text = f"{name} {after.format(ref=ref)}".strip()
        for user in (officer, admin):
            sweep.act(user, lambda: slack.command(user, text))  # noqa: B023
        sweep.press_everything(officer)
    slack.event({"type": "app_home_opened", "user": officer, "tab": "home"})
    slack.event({"type": "app_home_opened", "user": admin, "tab": "home"})
    sweep.press_everything(officer)
    sweep.press_everything(admin)

    notifier = SlackNotifier(slack.app.client.__class__(base_url=slack_api.api_url, token="xoxb-test"))
    for moment in ("2026-04-03 07:30", "2026-04-03 21:00", "2026-04-04 08:00"):
        clock.set(london(moment))
        sweep_once(ctx, notifier, "privacy-sweep")
        send_due_digests(ctx, notifier, "privacy-sweep")
        sweep.press_everything(officer)
    found_incident = re.search(
        r"[A-Z]{2,4}-INC-\d{4}-\d{4}", json.dumps([c.args for c in slack_api.calls()], default=str)
    )
    assert found_incident, "the incident was not made"
    for text in casework_after(ref, found_incident.group(), officer):
        for user in (officer, admin):
            sweep.act(user, lambda: slack.command(user, text))  # noqa: B023
        sweep.press_everything(officer)
    exported = {
        f["filename"].split("-")[2]: f["content"].count(b"\r\n") - 1  # rows below the header
        for f in slack_api.shared_files()
        if f["filename"].endswith(".csv")
    }
    assert {kind: exported.get(kind) for kind in ("incidents", "clare", "plans")} == {
        "incidents": 1,
        "clare": 1,
        "plans": 1,
    }, "each kind's export holds the casework swept"

    for name in ("granted", "refused", "close"):  # what ends the record, last
        sweep.act(officer, lambda: slack.command(officer, f"{name} {TYPED_AFTER[name].format(ref=ref)}"))  # noqa: B023
    sweep.press_everything(officer, holding=frozenset({ids.NEW_RECORD}))

    posted = channel_visible(slack_api)
    assert any(c.get("channel") == CHANNEL_TEAM for c in posted), "no digest reached the team channel"
    assert any(c.method == "response_url" for c in posted), "nothing was posted to a channel with Post to channel"
    assert [f for f in slack_api.shared_files() if f["filename"].endswith(".csv")], "no export was made"
    assert {aid for aid, _, _ in sweep.pressed} >= {ids.OPEN_RECORD, ids.POST_TO_CHANNEL, ids.BOOK_HEARING}

    leaks = {("channel", c.method, s) for c in posted for s in SECRETS if s in json.dumps(c.args)}
    leaks |= {
        ("channel file", f.get("channel", ""), s)
        for f in slack_api.shared_files()
        for s in SECRETS
        if str(f.get("channel", "")).startswith("C") and s.encode() in f["content"]
    }
    leaks |= {
        ("export", f["filename"], s) for f in slack_api.shared_files() for s in SECRETS if s.encode() in f["content"]
    }
    leaks |= {("log", line[:60], s) for line in log.lines for s in SECRETS if s in line}
    trail = audit_text(engine)
    leaks |= {("audit", "", s) for s in SECRETS if s in trail}
    assert leaks == set(), f"personal data where it must never be: {sorted(leaks)}"
    assert any(line.startswith("scheduler.sweep INFO") for line in log.lines), "the log was not captured"
    assert not [c for c in slack_api.calls() if c.method == "response_url" and "Something went wrong" in str(c.args)]
