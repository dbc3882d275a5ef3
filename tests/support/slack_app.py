"""The real Bolt app on a real database, its Web API client pointed at a local Slack stand-in:
fixtures for every test that drives the app (tests/slack, tests/security).

Every payload the app sends during a test (messages, response-URL replies, modals, home tabs) is
validated as Block Kit when the test ends (tests/support/block_limits.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine

from config import Settings
from console.slack_api import SlackWebAPI
from handlers.web_client import web_client
from runtime.parts import service_context, slack_app
from services.clock import ManualClock
from services.context import ServiceContext
from tests.support.block_limits import check_recorded_call
from tests.support.slack_driver import SIGNING_SECRET, DrainingExecutor, SlackDriver


@pytest.fixture
def slack_api() -> Iterator[SlackWebAPI]:
    with SlackWebAPI() as api:
        yield api


@pytest.fixture
def ctx(engine: Engine, clock: ManualClock, slack_api: SlackWebAPI) -> ServiceContext:
    settings = Settings(admins=("UADMIN",), slack_api_url=slack_api.api_url, slack_bot_token="xoxb-test")
    return service_context(settings, source="slack", engine=engine, clock=clock)


@pytest.fixture
def slack(ctx: ServiceContext, slack_api: SlackWebAPI) -> Iterator[SlackDriver]:
    executor = DrainingExecutor()
    client = web_client(ctx.settings, retries=0)
    app = slack_app(ctx, client=client, signing_secret=SIGNING_SECRET, executor=executor)
    driver = SlackDriver(app, slack_api, executor)
    yield driver
    executor.shutdown(wait=True)
    for call in slack_api.calls():  # every payload the app sent in the test is valid Block Kit
        check_recorded_call(call.method, call.args)
    for response in driver.responses:  # and so is every view sent back in an ack
        if response.get("view"):
            check_recorded_call("views.update", {"view": response["view"]})
