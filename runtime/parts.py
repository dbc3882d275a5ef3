"""The parts every runtime is built from, the same in the serving process, each work process, the
console and the tests: the services context over the configured database and clock, and the Bolt
app over that context."""

from __future__ import annotations

from concurrent.futures import Executor

from slack_bolt import App
from slack_bolt.lazy_listener import LazyListenerRunner
from slack_sdk import WebClient
from sqlalchemy.engine import Engine

from config import Settings
from handlers.app import build_app
from handlers.web_client import web_client
from models.db import make_engine
from services.clock import Clock, configured_clock
from services.context import ServiceContext


def service_context(
    settings: Settings,
    *,
    source: str,
    engine: Engine | None = None,
    clock: Clock | None = None,
    application: str = "dvpn-bot",
) -> ServiceContext:
    """What every use case is given: the database named by the settings (or `engine`; its
    connections named `application` in PostgreSQL), the clock (the drill clock when
    DVPN_DRILL_CLOCK_FILE is set), and where the calls come from."""
    return ServiceContext(
        engine=engine if engine is not None else make_engine(settings.database_url, application=application),
        settings=settings,
        clock=clock if clock is not None else configured_clock(settings.drill_clock_file),
        source=source,
    )


def slack_app(
    ctx: ServiceContext,
    *,
    signing_secret: str | None,
    client: WebClient | None = None,
    work: LazyListenerRunner | None = None,
    executor: Executor | None = None,
) -> App:
    """The Bolt app over `ctx`, its Web API client from the settings unless one is given."""
    return build_app(
        ctx,
        client=client if client is not None else web_client(ctx.settings),
        signing_secret=signing_secret,
        work=work,
        executor=executor,
    )
