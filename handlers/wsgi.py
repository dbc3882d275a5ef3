"""HTTP mode: a WSGI application for a production server (waitress). `/slack/events` takes slash
commands, interactivity and events; `/healthz` answers 200 when the database answers, else 503.

A request to `/slack/events` is read only up to DVPN_MAX_REQUEST_BYTES (larger: 413, unread; the
server refuses it too, before the app sees it), and its signature is checked over the raw bytes
before anything parses them (unsigned, or signed badly in any way: 401). Only then does Bolt see it.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import sqlalchemy as sa
from slack_bolt import App, BoltRequest
from slack_bolt.adapter.wsgi.http_response import WsgiHttpResponse
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from handlers.verification import VERIFIED, signed_by_slack

log = logging.getLogger("dvpn.http")

StartResponse = Callable[..., Any]
EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"


def wsgi_app(
    app: App, engine: Engine, *, signing_secret: str | None, max_body: int
) -> Callable[[dict[str, Any], StartResponse], Iterable[bytes]]:
    def application(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == HEALTH_PATH:
            return _health(engine, start_response)
        if environ.get("PATH_INFO") != EVENTS_PATH:
            return _send(start_response, "404 Not Found", {"ok": False, "error": "not found"})
        if environ.get("REQUEST_METHOD") != "POST":
            return _send(start_response, "405 Method Not Allowed", {"ok": False, "error": "POST only"})
        body = _body(environ, max_body)
        if body is None:
            log.info("refused a request body over %s bytes (413)", max_body)
            return _send(start_response, "413 Request Entity Too Large", {"ok": False, "error": "request too large"})
        stamp, signature = environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP"), environ.get("HTTP_X_SLACK_SIGNATURE")
        if not signed_by_slack(signing_secret, body, stamp, signature):
            log.info("refused a request that Slack did not sign (401)")
            return _send(start_response, "401 Unauthorized", {"error": "invalid request"})
        try:  # signed, so from Slack; parsing it should not fail, but if it does nothing is answered
            text, query = body.decode("utf-8"), environ.get("QUERY_STRING", "")
            # Marked verified here, so the app's own check (handlers.verification) is not repeated.
            request = BoltRequest(body=text, query=query, headers=_headers(environ), context={VERIFIED: "signature"})
        except ValueError as error:
            log.warning("a signed request did not parse (%s)", type(error).__name__)
            return _send(start_response, "400 Bad Request", {"ok": False, "error": "unreadable request"})
        answer = app.dispatch(request)
        log.debug("a signed request was answered %s", answer.status)  # its kind and content are not logged
        response = WsgiHttpResponse(status=answer.status, headers=answer.headers, body=answer.body)
        start_response(response.status, response.get_headers())
        return response.get_body()

    return application


def _body(environ: dict[str, Any], max_body: int) -> bytes | None:
    """The body, or None if it is larger than `max_body` (never read past max_body + 1 bytes)."""
    try:
        declared = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None
    if declared > max_body:
        return None
    stream = environ.get("wsgi.input")
    if stream is None:
        return b""
    body: bytes = stream.read(declared) if declared > 0 else stream.read(max_body + 1)
    return body if len(body) <= max_body else None


def _headers(environ: dict[str, Any]) -> dict[str, str | Sequence[str]]:
    """As Bolt's WSGI adapter names them: lower case, dashes."""
    named = {"CONTENT_TYPE": "content-type", "CONTENT_LENGTH": "content-length"}
    headers: dict[str, str | Sequence[str]] = {named[k]: str(v) for k, v in environ.items() if k in named}
    headers |= {k[5:].lower().replace("_", "-"): str(v) for k, v in environ.items() if k.startswith("HTTP_")}
    return headers


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
