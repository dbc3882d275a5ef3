"""The one way the app makes a Slack Web API client: the configured base URL (GovSlack and test
stand-ins have their own), retries on rate limits, server errors and dropped connections, and
connections kept open from one call to the next.

The scheduler posts reminders, digests and their updates through a copy without the server-error
and dropped-connection retries (scheduler.notifier.posting_client): after a 500 or a dropped
connection Slack may have stored the post, so its own recovery asks Slack before sending again."""

from __future__ import annotations

import functools
import io
import select
import ssl
import threading
import time
from collections.abc import Callable
from http.client import HTTPConnection, HTTPSConnection
from typing import Any
from urllib.error import HTTPError, URLError
from urllib.parse import urlsplit
from urllib.request import Request

from slack_bolt import BoltRequest, BoltResponse
from slack_bolt.middleware import Middleware
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from config import Settings

# A kept connection idle longer than this is closed rather than reused: well inside the idle
# timeouts of Slack's and most proxies' front ends, so the server rarely closes one as we send.
KEEP_IDLE_FOR = 20.0  # seconds


def web_client(settings: Settings, *, token: str | None = None, timeout: int = 10, retries: int = 2) -> WebClient:
    """A client for `settings.slack_api_url`. Rate limits wait for Slack's Retry-After; server
    errors and dropped connections are retried `retries` times with backoff."""
    return KeptAliveWebClient(
        token=token or settings.slack_bot_token,
        base_url=settings.slack_api_url,
        timeout=timeout,
        ssl=tls_context(),
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=retries),
            RateLimitErrorRetryHandler(max_retry_count=retries),
            ServerErrorRetryHandler(max_retry_count=retries),
        ],
    )


class _SharedTlsContext(ssl.SSLContext):
    """Bolt deep-copies a request's context, its clients and respond() included, for each lazy
    listener. A TLS context cannot be copied, and need not be: it is shared and not changed."""

    def __copy__(self) -> _SharedTlsContext:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> _SharedTlsContext:
        return self


@functools.cache
def tls_context() -> ssl.SSLContext:
    """One TLS context for the process: without one, slack_sdk and Bolt's respond() make a new one
    for every call, reading the whole CA store each time. Made as ssl.create_default_context()
    makes one (certificates and host names checked; SSL_CERT_FILE and SSL_CERT_DIR read)."""
    context = _SharedTlsContext(ssl.PROTOCOL_TLS_CLIENT)
    context.load_default_certs(ssl.Purpose.SERVER_AUTH)
    return context


class KeptAliveWebClient(WebClient):
    """slack_sdk's WebClient, sending each call over a connection kept open for the next call from
    the same thread to the same host. slack_sdk's transport (urllib) opens a connection for every
    call, and over TLS makes a new TLS context (reading the CA store) and a full handshake too.

    Only the transport differs. The request is slack_sdk's, and a failure raises what urllib
    raises (URLError when the request could not be sent, the socket's error when no answer came,
    HTTPError for a status outside 2xx), so slack_sdk's retry handlers re-send exactly what they
    re-sent before, and a post never goes twice because a connection was kept. A kept connection
    is not used again if the server may have closed it: idle over KEEP_IDLE_FOR, or its socket
    readable (the server spoke or hung up). Through a proxy, slack_sdk's own transport is used."""

    def _perform_urllib_http_request_internal(self, url: str, req: Request) -> dict[str, Any]:
        target = urlsplit(url)
        if self.proxy is not None or target.scheme not in ("http", "https"):
            return super()._perform_urllib_http_request_internal(url, req)
        return _KEPT.send(target.scheme, target.netloc, url, req, timeout=self.timeout, context=self.ssl)


def kept_alive(client: WebClient) -> KeptAliveWebClient:
    """A KeptAliveWebClient with `client`'s token, URL, timeout, headers and retry handlers."""
    return KeptAliveWebClient(
        token=client.token,
        base_url=client.base_url,
        timeout=client.timeout,
        ssl=client.ssl,
        proxy=client.proxy,
        headers=dict(client.headers),
        team_id=getattr(client, "team_id", None),
        logger=client.logger,
        retry_handlers=list(client.retry_handlers),
    )


class KeptAliveClients(Middleware):
    """A global middleware: Bolt makes every request's `client` a plain WebClient (a new one for
    each request, from the app's); listeners get the kept-alive kind instead."""

    def process(self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]) -> BoltResponse | None:
        client = req.context.client
        if client is not None and not isinstance(client, KeptAliveWebClient):
            req.context["client"] = kept_alive(client)
        return next()


class _Connections(threading.local):
    """Each thread's open connections, by scheme and host: a connection is only ever used by the
    thread that holds it, so two calls never share one."""

    def __init__(self) -> None:
        self.open: dict[tuple[str, str], tuple[HTTPConnection, float]] = {}

    def send(self, scheme: str, host: str, url: str, req: Request, *, timeout: int, context: Any) -> dict[str, Any]:
        connection = self._reusable((scheme, host), timeout) or self._new(scheme, host, timeout, context)
        target = urlsplit(url)
        path = target.path + (f"?{target.query}" if target.query else "")
        try:
            try:
                connection.request("POST", path, body=req.data, headers=dict(req.header_items()))
            except OSError as error:  # as urllib: the request did not go out whole
                raise URLError(error) from error
            response = connection.getresponse()
            body = response.read()
        except BaseException:
            connection.close()
            raise
        if response.will_close:
            connection.close()
        else:
            self.open[(scheme, host)] = (connection, time.monotonic())
        if not 200 <= response.status < 300:  # as urllib's HTTPErrorProcessor
            raise HTTPError(url, response.status, response.reason, response.headers, io.BytesIO(body))
        if response.headers.get_content_type() == "application/gzip":
            return {"status": response.status, "headers": response.headers, "body": body}
        charset = response.headers.get_content_charset() or "utf-8"
        return {"status": response.status, "headers": response.headers, "body": body.decode(charset)}

    def _reusable(self, key: tuple[str, str], timeout: int) -> HTTPConnection | None:
        kept = self.open.pop(key, None)
        if kept is None:
            return None
        connection, since = kept
        sock = connection.sock
        if sock is None or time.monotonic() - since > KEEP_IDLE_FOR or select.select([sock], [], [], 0)[0]:
            connection.close()  # the server may have closed it, or said something unasked: start afresh
            return None
        sock.settimeout(timeout)
        return connection

    def _new(self, scheme: str, host: str, timeout: int, context: Any) -> HTTPConnection:
        if scheme == "http":
            return HTTPConnection(host, timeout=timeout)
        return HTTPSConnection(host, timeout=timeout, context=context or tls_context())


_KEPT = _Connections()
