"""The console's wiring: a database, the Web API stand-in, the real Bolt app pointed at it, the
request signer, the screen and the scheduler's jobs, all sharing one ManualClock."""

from __future__ import annotations

import secrets
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import Engine

from config import Settings
from console.demo import DEMO_START, FORCE_CODE, Demo, build_demo, demo_database
from console.demo_people import FOUNDER
from console.jobs import ConsoleJobs
from console.people import Directory
from console.render import Style
from console.requests import DrainingExecutor, SlackRequests
from console.screen import Screen
from console.slack_api import SlackWebAPI
from handlers.web_client import web_client
from models.db import make_engine
from models.schema import SchemaState, schema_state, upgrade
from runtime.parts import service_context, slack_app
from services.clock import ManualClock, SystemClock
from services.context import ServiceContext

CHANNEL = "C0CONSOLE"  # the channel the console's user types in
TOKEN = "xoxb-console"


class ConsoleError(Exception):
    """A reason the console cannot start, said in one line."""


@dataclass
class Console:
    ctx: ServiceContext
    clock: ManualClock
    api: SlackWebAPI
    requests: SlackRequests
    screen: Screen
    jobs: ConsoleJobs
    directory: Directory
    executor: DrainingExecutor
    user: str
    demo: Demo | None = None
    cleanup: list[Callable[[], None]] = field(default_factory=list)

    def close(self) -> None:
        for step in reversed(self.cleanup):
            step()


def open_console(
    settings: Settings,
    *,
    demo: bool,
    database: str | None,
    write: Callable[[str], None],
    style: Style,
    start: datetime | None = None,
) -> Console:
    api = SlackWebAPI().start()
    cleanup: list[Callable[[], None]] = [api.stop]
    try:
        return _assemble(settings, api, cleanup, demo=demo, database=database, write=write, style=style, start=start)
    except BaseException:
        for step in reversed(cleanup):
            step()
        raise


def _assemble(
    settings: Settings,
    api: SlackWebAPI,
    cleanup: list[Callable[[], None]],
    *,
    demo: bool,
    database: str | None,
    write: Callable[[str], None],
    style: Style,
    start: datetime | None,
) -> Console:
    url = _database_url(settings, demo, database, cleanup)
    settings = replace(settings, database_url=url, slack_api_url=api.api_url, slack_bot_token=TOKEN)
    if demo:
        settings = replace(settings, force_code=FORCE_CODE, admins=(FOUNDER,))
    engine = make_engine(url)
    cleanup.append(engine.dispose)
    _prepare_schema(engine, fresh=demo)
    # The demo starts at its own moment; otherwise the console starts at the real time, then only
    # `time` (and, at a terminal, the time that passes between commands) moves it.
    begin = start or (DEMO_START if demo else SystemClock().now().replace(second=0, microsecond=0))
    clock = ManualClock(begin)
    ctx = service_context(settings, source="console", engine=engine, clock=clock)
    client = web_client(settings, token=TOKEN, retries=0)
    jobs = ConsoleJobs(ctx, client, clock)
    built = build_demo(ctx, clock, jobs, begin) if demo else None
    executor = DrainingExecutor()
    cleanup.append(lambda: executor.shutdown(wait=True))
    secret = secrets.token_hex(16)  # the app verifies every request, as it does Slack's
    app = slack_app(ctx, client=client, signing_secret=secret, executor=executor)
    directory = built.directory if built else Directory()
    screen = Screen(api, directory, style, write, CHANNEL)  # listens from here on: history is not shown
    requests = SlackRequests(app, api, executor, secret, CHANNEL)
    user = _first_user(settings, directory)
    return Console(ctx, clock, api, requests, screen, jobs, directory, executor, user, built, cleanup)


def _database_url(settings: Settings, demo: bool, database: str | None, cleanup: list[Callable[[], None]]) -> str:
    if demo:
        if database:
            return demo_database(Path(database))
        folder = tempfile.TemporaryDirectory(prefix="dvpn-demo-")
        cleanup.append(folder.cleanup)
        return demo_database(Path(folder.name) / "dvpn-demo.db")
    if database:
        return database if "://" in database else f"sqlite:///{database}"
    return settings.database_url


def _prepare_schema(engine: Engine, *, fresh: bool) -> None:
    state = schema_state(engine)
    if state is SchemaState.EMPTY or (fresh and state is not SchemaState.CURRENT):
        upgrade(engine)  # a new embedded database (or the demo's) is set up on the spot
        return
    if state is not SchemaState.CURRENT:
        raise ConsoleError(f"The database schema is {state.value}: run `dvpn-bot db upgrade` first.")


def _first_user(settings: Settings, directory: Directory) -> str:
    officers = directory.of_role("officer")
    if officers:
        return officers[0].slack_id
    return settings.admins[0] if settings.admins else "UCONSOLE"
