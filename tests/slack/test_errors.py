"""Errors: a domain error is a friendly ephemeral message; a database that is not answering is
"try again in a minute"; anything unexpected is "Something went wrong (error id X)" with the
traceback logged under X and no personal data in the log. Requests with a bad signature or an old
timestamp are refused before anything runs."""

from __future__ import annotations

import json
import logging
import re
import socket
from typing import Any
from urllib.parse import urlencode

import pytest

from handlers import home
from handlers.errors import DATABASE_AWAY, DATABASE_AWAY_IN_FORM
from models.db import make_engine
from services.context import ServiceContext
from services.records import breaches
from services.records import recording as records
from services.reporting import listing
from tests.support.database import row_counts
from tests.support.force import Force
from tests.support.records import DVPN_ANSWERS, PERPETRATOR, record
from tests.support.slack_driver import CHANNEL, SlackDriver, ack_body, reply_text

ERROR_ID = re.compile(r"Something went wrong \(error id `?([0-9A-F]{8})`?\)")


def boom(*_: Any, **__: Any) -> None:
    raise RuntimeError("database fell over")


def database_away(*_: Any, **__: Any) -> None:
    """What a service raises while PostgreSQL restarts: the driver's own error for a refused
    connection (a port nobody listens on; tests/faults restarts a real server)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    make_engine(f"postgresql+psycopg://postgres@127.0.0.1:{port}/dvpn").connect()


def logged_error(caplog: pytest.LogCaptureFixture, error_id: str) -> logging.LogRecord:
    found = [r for r in caplog.records if error_id in r.getMessage()]
    assert len(found) == 1, [r.getMessage() for r in caplog.records]
    return found[0]


def test_a_domain_error_is_a_friendly_ephemeral_message(slack: SlackDriver, force: Force) -> None:
    slack.command(force.officer, "show WM-DVPN-2026-0404")
    [reply] = slack.sent()
    assert reply["response_type"] == "ephemeral"
    assert reply_text(reply).startswith(":warning: ")
    assert "Something went wrong" not in reply_text(reply)


def test_an_unexpected_error_gets_an_error_id_that_is_in_the_log(
    slack: SlackDriver,
    ctx: ServiceContext,
    force: Force,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    ref = record(ctx, force.officer).reference
    monkeypatch.setattr(breaches, "record_breach", boom)
    caplog.set_level(logging.INFO)
    before = row_counts(ctx.engine)
    response = slack.command(force.officer, f"breach {ref} today 20:30 details {PERPETRATOR} kicked the door")

    assert response.status == 200  # Slack got its ack; the error is reported, not a failed request
    [reply] = slack.sent()
    assert reply["response_type"] == "ephemeral"
    match = ERROR_ID.search(reply_text(reply))
    assert match, reply_text(reply)
    logged = logged_error(caplog, match[1])
    assert logged.levelno == logging.ERROR
    assert logged.exc_info is not None and logged.exc_info[0] is RuntimeError
    assert "Traceback" in caplog.text and "database fell over" in caplog.text
    assert PERPETRATOR not in caplog.text and "Alexander" not in caplog.text
    assert row_counts(ctx.engine) == before


def test_each_error_gets_its_own_id(
    slack: SlackDriver, force: Force, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(listing, "list_records", boom)
    slack.command(force.officer, "list")
    slack.command(force.officer, "list")
    ids = [ERROR_ID.search(reply_text(c))[1] for c in slack.replies()]  # type: ignore[index]
    assert len(set(ids)) == 2


def test_an_unexpected_error_in_a_button_is_reported_to_the_presser(
    slack: SlackDriver,
    ctx: ServiceContext,
    force: Force,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    ref = record(ctx, force.officer).reference
    monkeypatch.setattr(records, "require_change_allowed", boom)
    response = slack.press(force.officer, "record_book_hearing", ref)
    assert response.status == 200
    [reply] = slack.sent()
    assert reply.method == "response_url"
    match = ERROR_ID.search(reply_text(reply))
    assert match
    logged_error(caplog, match[1])


def test_an_unexpected_error_in_the_home_is_sent_by_dm(
    slack: SlackDriver, force: Force, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(home, "home_board", boom)
    slack.event({"type": "app_home_opened", "user": force.officer, "channel": "D0HOME", "tab": "home"})
    [dm] = slack.sent()
    assert dm.method == "chat.postMessage"
    assert dm["channel"] == force.officer
    match = ERROR_ID.search(reply_text(dm))
    assert match
    logged_error(caplog, match[1])


def test_an_unexpected_error_in_a_form_is_shown_inline_and_nothing_is_written(
    slack: SlackDriver,
    ctx: ServiceContext,
    force: Force,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    slack.command(force.officer, "new DVPN")
    form = slack.opened_view()
    monkeypatch.setattr(records, "record", boom)
    before = row_counts(ctx.engine)
    response = slack.submit(force.officer, form, {"order_type": "DVPN", **DVPN_ANSWERS})

    body = ack_body(response)
    assert body["response_action"] == "errors"
    [(block, message)] = body["errors"].items()
    assert block == "order_type"
    match = ERROR_ID.search(message)
    assert match and "Nothing was saved: try again." in message
    logged_error(caplog, match[1])
    assert PERPETRATOR not in caplog.text
    assert row_counts(ctx.engine) == before


def test_a_failed_confirmation_keeps_the_record_and_logs_it(
    slack: SlackDriver, ctx: ServiceContext, force: Force, caplog: pytest.LogCaptureFixture
) -> None:
    slack.command(force.officer, "new DVPN")
    form = slack.opened_view()
    slack.api.fail(500, method="chat.postEphemeral")
    response = slack.submit(force.officer, form, {"order_type": "DVPN", **DVPN_ANSWERS})

    assert ack_body(response) == {}
    assert row_counts(ctx.engine)["protection_order"] == 1
    assert "confirmation for WM-DVPN-2026-0001 not delivered" in caplog.text
    assert PERPETRATOR not in caplog.text


def test_a_database_that_is_not_answering_is_told_as_try_again_in_a_minute(
    slack: SlackDriver,
    ctx: ServiceContext,
    force: Force,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    ref = record(ctx, force.officer).reference
    monkeypatch.setattr(breaches, "record_breach", database_away)
    before = row_counts(ctx.engine)
    response = slack.command(force.officer, f"breach {ref} today 20:30 details {PERPETRATOR} kicked the door")

    assert response.status == 200
    [reply] = slack.sent()
    assert reply["response_type"] == "ephemeral"
    assert reply_text(reply).startswith(f":warning: {DATABASE_AWAY}")
    assert not ERROR_ID.search(reply_text(reply))
    [logged] = [r for r in caplog.records if r.name == "dvpn.handlers"]
    assert logged.levelno == logging.WARNING and logged.exc_info is None  # a known condition: no traceback
    assert logged.getMessage() == "database not answering in /dvpn (OperationalError); asked to try again"
    assert row_counts(ctx.engine) == before


def test_a_form_submitted_while_the_database_is_away_keeps_the_modal_open_with_the_reason(
    slack: SlackDriver, ctx: ServiceContext, force: Force, monkeypatch: pytest.MonkeyPatch
) -> None:
    slack.command(force.officer, "new DVPN")
    form = slack.opened_view()
    monkeypatch.setattr(records, "record", database_away)
    before = row_counts(ctx.engine)
    body = ack_body(slack.submit(force.officer, form, {"order_type": "DVPN", **DVPN_ANSWERS}))

    assert body["response_action"] == "errors"
    assert body["errors"] == {"order_type": DATABASE_AWAY_IN_FORM}
    assert row_counts(ctx.engine) == before


# -- signatures ---------------------------------------------------------------------------------------


def command_body(user: str, text: str, response_url: str) -> str:
    return urlencode(
        {
            "team_id": "TDVPN0001",
            "channel_id": CHANNEL,
            "user_id": user,
            "command": "/dvpn",
            "text": text,
            "response_url": response_url,
            "trigger_id": "1.2.3",
        }
    )


@pytest.mark.parametrize("sign", [{"secret": "wrong"}, {"age": 400}], ids=["bad-signature", "too-old"])
def test_a_forged_or_replayed_command_is_refused_and_nothing_runs(
    slack: SlackDriver, ctx: ServiceContext, force: Force, sign: dict[str, Any]
) -> None:
    ref = record(ctx, force.officer).reference
    before = row_counts(ctx.engine)
    body = command_body(force.officer, f"close {ref} forged", slack.api.response_url())
    response = slack.send(body, "application/x-www-form-urlencoded", **sign)

    assert response.status == 401
    assert slack.api.calls() == []
    assert row_counts(ctx.engine) == before


@pytest.mark.parametrize("sign", [{"secret": "wrong"}, {"age": 400}], ids=["bad-signature", "too-old"])
def test_a_forged_form_submission_is_refused_and_nothing_is_written(
    slack: SlackDriver, ctx: ServiceContext, force: Force, sign: dict[str, Any]
) -> None:
    slack.command(force.officer, "new DVPN")
    form = slack.opened_view()
    calls = len(slack.api.calls())
    before = row_counts(ctx.engine)
    payload = {
        "type": "view_submission",
        "team": {"id": "TDVPN0001"},
        "user": {"id": force.officer},
        "view": {**form, "state": {"values": {}}},
    }
    response = slack.interact(payload, **sign)
    assert response.status == 401
    assert len(slack.api.calls()) == calls
    assert row_counts(ctx.engine) == before


def test_a_signature_just_inside_five_minutes_is_accepted(slack: SlackDriver, force: Force) -> None:
    body = command_body(force.officer, "help", slack.api.response_url())
    assert slack.send(body, "application/x-www-form-urlencoded", age=240).status == 200
    assert "`show`" in reply_text(slack.last_reply())


def test_a_forged_event_is_refused(slack: SlackDriver, force: Force) -> None:
    body = json.dumps({"type": "event_callback", "event": {"type": "app_home_opened", "user": force.officer}})
    assert slack.send(body, "application/json", secret="wrong").status == 401
    assert not slack.api.calls("views.publish")
