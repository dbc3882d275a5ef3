"""HTTP mode: a WSGI application for a production server (waitress). `/slack/events` takes slash
commands, interactivity and events; `/healthz` answers 200 when the database answers, else 503."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from typing import Any

import sqlalchemy as sa
from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

log = logging.getLogger("dvpn.http")

StartResponse = Callable[..., Any]
EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"


def wsgi_app(app: App, engine: Engine) -> Callable[[dict[str, Any], StartResponse], Iterable[bytes]]:
    slack = SlackRequestHandler(app, path=EVENTS_PATH)

    def application(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == HEALTH_PATH:
            return _health(engine, start_response)
        if environ.get("PATH_INFO") != EVENTS_PATH:
            return _send(start_response, "404 Not Found", {"ok": False, "error": "not found"})
        return slack(environ, start_response)

    return application


def _health(engine: Engine, start_response: StartResponse) -> Iterable[bytes]:
    try:
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
    except SQLAlchemyError as error:
        log.warning("health check: database unreachable (%s)", type(error).__name__)
        return _send(start_response, "503 Service Unavailable", {"ok": False, "database": "unreachable"})
    return _send(start_response, "200 OK", {"ok": True, "database": "ok"})


def _send(start_response: StartResponse, status: str, body: dict[str, Any]) -> Iterable[bytes]:
    data = json.dumps(body).encode()
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
    return [data]
