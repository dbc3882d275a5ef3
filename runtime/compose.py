"""The composition root: settings -> database -> services context -> Slack app -> work processes.
The scheduler is started from the same runtime by the command that wants it (bot.py)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from slack_bolt import App
from slack_sdk import WebClient
from sqlalchemy.engine import Engine

from config import Settings
from handlers.web_client import web_client
from models.roles import audit_trail_exposure
from models.schema import SchemaState, schema_state
from runtime.errors import MissingSlackSettings, SchemaNotCurrent
from runtime.parts import service_context, slack_app
from runtime.work_processes import WorkProcesses
from services.context import ServiceContext


def require_current_schema(engine: Engine) -> None:
    """The bot refuses to run against a database it would misread."""
    state = schema_state(engine)
    if state is SchemaState.CURRENT:
        return
    if state is SchemaState.AHEAD:
        raise SchemaNotCurrent("The database was upgraded by a newer dvpn-bot than this one. Run the newer release.")
    raise SchemaNotCurrent(
        f"The database schema is {state.value}: run `dvpn-bot db upgrade` first (it is safe to repeat)."
    )


def warn_if_audit_trail_exposed(engine: Engine) -> None:
    """A bot connected as the tables' owner or a superuser can get round the audit trail's triggers;
    it still runs (a small force may choose to), but the log says so at every start."""
    why = audit_trail_exposure(engine)
    if why:
        logging.getLogger("dvpn-bot").warning(
            "%s: the audit trail is append-only against mistakes, not against this connection. "
            "Run the bot as a role that owns nothing (README: Database roles).",
            why,
        )


@dataclass(frozen=True)
class Runtime:
    """Everything a running bot is made of, wired once."""

    ctx: ServiceContext
    client: WebClient
    app: App
    work: WorkProcesses | None = None

    def stop_work(self) -> None:
        if self.work is not None:
            self.work.stop(grace=self.ctx.settings.shutdown_grace_seconds)


def missing_slack_settings(settings: Settings, mode: str) -> list[str]:
    needed = {"SLACK_BOT_TOKEN": settings.slack_bot_token}
    if mode == "run":
        needed["SLACK_APP_TOKEN"] = settings.slack_app_token
    elif mode == "serve":
        needed["SLACK_SIGNING_SECRET"] = settings.slack_signing_secret
    return [name for name, value in needed.items() if not value]


def compose(settings: Settings, *, mode: str) -> Runtime:
    """The bot for `dvpn-bot run` (Socket Mode) or `serve` (HTTP). Refuses to start without its
    Slack settings or on a database at another schema."""
    missing = missing_slack_settings(settings, mode)
    if missing:
        raise MissingSlackSettings(missing, mode)
    ctx = service_context(settings, source="slack", application=f"dvpn-bot {mode}")
    require_current_schema(ctx.engine)
    warn_if_audit_trail_exposed(ctx.engine)
    client = web_client(settings)
    work = None
    if settings.work_processes:
        work = WorkProcesses(settings, processes=settings.work_processes, threads=settings.work_threads)
    secret = settings.slack_signing_secret if mode == "serve" else None
    return Runtime(ctx, client, slack_app(ctx, client=client, signing_secret=secret, work=work), work)
