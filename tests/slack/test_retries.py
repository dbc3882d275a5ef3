"""Slack delivers a request again when it thinks we missed it (`X-Slack-Retry-Num`). A delivery
sent twice — a form submission, a button press, a slash command, an event — changes the data once,
however many bot processes share the database, and the second is acknowledged and skipped."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import pytest
import sqlalchemy as sa
from slack_bolt import App, BoltRequest, BoltResponse
from sqlalchemy.engine import Engine

from blocks import actions as ids
from console.requests import signed_headers
from console.slack_api import TEAM_ID, SlackWebAPI
from handlers.app import build_app
from handlers.web_client import web_client
from models import metadata
from models.db import make_engine
from services.clock import ManualClock
from services.context import ServiceContext
from tests.support.database import audit_rows, row_counts
from tests.support.force import Force
from tests.support.records import DVPN_ANSWERS, PERPETRATOR, record
from tests.support.slack_driver import CHANNEL, SIGNING_SECRET, DrainingExecutor, SlackDriver

DELIVERIES = metadata.tables["slack_delivery"]


class Redelivery:
    """Keeps every request the driver sent, so a test can send one again as Slack's retry does:
    the same body, freshly signed, with the retry headers."""

    def __init__(self, slack: SlackDriver, monkeypatch: pytest.MonkeyPatch) -> None:
        self.slack = slack
        self.sent: list[tuple[str, str]] = []
        first_delivery = slack.send

        def send(body: str, content_type: str, **sign: Any) -> BoltResponse:
            self.sent.append((body, content_type))
            return first_delivery(body, content_type, **sign)

        monkeypatch.setattr(slack, "send", send)

    def again(self, index: int = -1, *, to: App | None = None, retry: int = 1) -> BoltResponse:
        body, content_type = self.sent[index]
        headers = signed_headers(body, content_type, SIGNING_SECRET) | {
            "x-slack-retry-num": str(retry),
            "x-slack-retry-reason": "http_timeout",
        }
        response = (to or self.slack.app).dispatch(BoltRequest(body=body, headers=headers))
        self.slack.executor.drain()
        return response


@pytest.fixture
def redelivery(slack: SlackDriver, monkeypatch: pytest.MonkeyPatch) -> Redelivery:
    return Redelivery(slack, monkeypatch)


@pytest.fixture
def replica(ctx: ServiceContext, slack_api: SlackWebAPI) -> Iterator[tuple[App, DrainingExecutor]]:
    """A second bot, as another process would be: its own engine (own connections) on the same database."""
    engine = make_engine(ctx.engine.url.render_as_string(hide_password=False))
    executor = DrainingExecutor()
    other = replace(ctx, engine=engine)
    yield (
        build_app(
            other, client=web_client(other.settings, retries=0), signing_secret=SIGNING_SECRET, executor=executor
        ),
        executor,
    )
    executor.shutdown(wait=True)
    engine.dispose()


def test_a_form_submission_delivered_twice_records_once(
    slack: SlackDriver, redelivery: Redelivery, ctx: ServiceContext, force: Force
) -> None:
    slack.command(force.officer, "new DVPN")
    form = slack.opened_view()
    before = row_counts(ctx.engine)
    assert slack.submit(force.officer, form, {"order_type": "DVPN", **DVPN_ANSWERS}).status == 200
    once = row_counts(ctx.engine)
    audited = audit_rows(ctx.engine)

    retried = redelivery.again()

    assert (retried.status, retried.body) == (200, "")  # acknowledged, so Slack stops retrying
    assert once["protection_order"] == before["protection_order"] + 1
    assert row_counts(ctx.engine) == once
    assert audit_rows(ctx.engine) == audited
    assert len(slack.api.calls("chat.postEphemeral")) == 1  # one confirmation


def test_a_button_press_delivered_twice_changes_the_reminder_once(
    slack: SlackDriver, redelivery: Redelivery, ctx: ServiceContext, force: Force, clock: ManualClock
) -> None:
    record(ctx, force.officer)
    reminders = metadata.tables["reminder"]
    with ctx.engine.connect() as connection:
        rid = connection.execute(sa.select(sa.func.min(reminders.c.id))).scalar_one()
    slack.press(force.officer, ids.REMINDER_SNOOZE_PREFIX + "1h", str(rid))
    once = row_counts(ctx.engine)
    [snoozed] = audit_rows(ctx.engine, entity_type="reminder", action="snooze")
    until = snoozed_until(ctx.engine, rid)
    clock.advance(timedelta(minutes=10))  # a second snooze would move the time again

    redelivery.again(retry=2)

    assert row_counts(ctx.engine) == once
    assert audit_rows(ctx.engine, entity_type="reminder", action="snooze") == [snoozed]
    assert snoozed_until(ctx.engine, rid) == until == clock.now() - timedelta(minutes=10) + timedelta(hours=1)


def snoozed_until(engine: Engine, reminder_id: int) -> object:
    reminder = metadata.tables["reminder"]
    with engine.connect() as connection:
        query = sa.select(reminder.c.snoozed_until).where(reminder.c.id == reminder_id)
        return connection.execute(query).scalar_one()


def test_a_slash_command_delivered_twice_records_one_breach(
    slack: SlackDriver, redelivery: Redelivery, ctx: ServiceContext, force: Force
) -> None:
    ref = record(ctx, force.officer).reference
    before = row_counts(ctx.engine)
    slack.command(force.officer, f"breach {ref} today 20:30 details went to the address")
    once = row_counts(ctx.engine)
    audited = audit_rows(ctx.engine)

    redelivery.again()

    assert once["breach"] == before["breach"] + 1
    assert row_counts(ctx.engine) == once
    assert audit_rows(ctx.engine) == audited
    assert len(slack.replies()) == 1


def test_an_event_delivered_twice_is_handled_once(slack: SlackDriver, redelivery: Redelivery, force: Force) -> None:
    slack.event({"type": "app_home_opened", "user": force.officer, "channel": "D0HOME", "tab": "home"})
    redelivery.again(retry=1)
    redelivery.again(retry=2)
    assert len(slack.api.calls("views.publish")) == 1


def test_the_same_delivery_to_another_process_is_skipped_there(
    slack: SlackDriver,
    redelivery: Redelivery,
    replica: tuple[App, DrainingExecutor],
    ctx: ServiceContext,
    force: Force,
) -> None:
    ref = record(ctx, force.officer).reference
    slack.command(force.officer, f"hearing {ref} monday 10:00 at Birmingham Magistrates")
    once = row_counts(ctx.engine)
    other, other_executor = replica

    response = redelivery.again(to=other)
    other_executor.drain()

    assert response.status == 200
    assert once["hearing"] == 1
    assert row_counts(ctx.engine) == once
    assert len(slack.replies()) == 1


def test_one_delivery_racing_into_several_processes_runs_once(
    ctx: ServiceContext, slack: SlackDriver, slack_api: SlackWebAPI, force: Force
) -> None:
    """Five processes given the same command at the same instant: the database lets one take it."""
    ref = record(ctx, force.officer).reference
    url = ctx.engine.url.render_as_string(hide_password=False)
    engines = [make_engine(url) for _ in range(5)]
    executors = [DrainingExecutor() for _ in engines]
    apps = [
        build_app(
            replace(ctx, engine=e),
            client=web_client(ctx.settings, retries=0),
            signing_secret=SIGNING_SECRET,
            executor=x,
        )
        for e, x in zip(engines, executors, strict=True)
    ]
    body = urlencode(
        {
            "team_id": TEAM_ID,
            "channel_id": CHANNEL,
            "user_id": force.officer,
            "command": "/dvpn",
            "text": f"breach {ref} today 20:30",
            "response_url": slack_api.response_url(),
            "trigger_id": "42.4242.race",
        }
    )
    start = threading.Barrier(len(apps))
    statuses: list[int] = []

    def deliver(app: App, retry: int) -> None:
        headers = signed_headers(body, "application/x-www-form-urlencoded", SIGNING_SECRET)
        if retry:
            headers |= {"x-slack-retry-num": str(retry), "x-slack-retry-reason": "http_timeout"}
        start.wait()
        statuses.append(app.dispatch(BoltRequest(body=body, headers=headers)).status)

    threads = [threading.Thread(target=deliver, args=(app, n)) for n, app in enumerate(apps)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    for executor in executors:
        assert executor.drain() == []
        executor.shutdown(wait=True)
    for engine in engines:
        engine.dispose()

    assert statuses == [200] * 5
    assert row_counts(ctx.engine)["breach"] == 1
    assert len(audit_rows(ctx.engine, entity_type="breach", action="create")) == 1
    assert len(slack_api.calls("response_url")) == 1


def test_a_duplicate_is_logged_at_info_without_the_payload(
    slack: SlackDriver, redelivery: Redelivery, ctx: ServiceContext, force: Force, caplog: pytest.LogCaptureFixture
) -> None:
    ref = record(ctx, force.officer).reference
    slack.command(force.officer, f"breach {ref} today 20:30 details {PERPETRATOR} at the door")
    caplog.set_level(logging.INFO, logger="dvpn.deliveries")
    redelivery.again(retry=1)

    [logged] = [r for r in caplog.records if r.name == "dvpn.deliveries"]
    assert logged.levelno == logging.INFO
    assert logged.getMessage() == "duplicate command delivery acknowledged and skipped (retry 1, reason http_timeout)"
    assert PERPETRATOR not in caplog.text and ref not in caplog.text and "breach" not in caplog.text


def test_a_forged_retry_is_refused_before_the_ledger(slack: SlackDriver, ctx: ServiceContext, force: Force) -> None:
    before = row_counts(ctx.engine)
    body = urlencode({"team_id": TEAM_ID, "user_id": force.officer, "command": "/dvpn", "trigger_id": "9.9.forged"})
    assert slack.send(body, "application/x-www-form-urlencoded", secret="wrong").status == 401
    assert row_counts(ctx.engine) == before


def test_deliveries_are_forgotten_after_a_day(
    slack: SlackDriver, ctx: ServiceContext, clock: ManualClock, force: Force
) -> None:
    slack.command(force.officer, "help")
    slack.command(force.officer, "help")
    assert keys(ctx.engine) == ["trigger:1.000.trigger", "trigger:2.000.trigger"]

    clock.advance(timedelta(hours=23))
    slack.command(force.officer, "help")  # less than a day old: both kept
    clock.advance(timedelta(hours=1, minutes=1))
    slack.command(force.officer, "help")

    wait_for(lambda: keys(ctx.engine) == ["trigger:3.000.trigger", "trigger:4.000.trigger"])


def keys(engine: Engine) -> list[str]:
    with engine.connect() as connection:
        return list(connection.execute(sa.select(DELIVERIES.c.key).order_by(DELIVERIES.c.key)).scalars())


def wait_for(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    """The pruning runs on its own thread, off the acknowledgement's path."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)
