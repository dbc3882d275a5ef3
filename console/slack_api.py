"""A local HTTP server that answers like Slack's Web API.

The tests point the app's WebClient at it and assert on the calls it records; the console renders
what it keeps (messages, ephemeral replies, modals, home tabs); the benchmarks and fault tests make
it slow, rate-limit it, fail it or take it away. It speaks the same wire format as slack.com:
`POST /api/<method>` with a form or JSON body, and `POST /response/<id>` for response URLs.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, cast
from urllib.parse import parse_qsl, urlsplit

from console import slack_threads as threads
from console.slack_limits import Latency, RateLimiter, SlackLimits

BOT_USER_ID = "UDVPNBOT"
TEAM_ID = "TDVPN0001"

JSONObject = dict[str, Any]


class _Server(ThreadingHTTPServer):
    # Slack accepts many connections at once. The default listen backlog (5) reset connections when
    # several sweeping processes each posted to dozens of recipients at once: a fault of the stand-in,
    # not of the client, and one a benchmark would otherwise count as Slack's.
    request_queue_size = 256

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.connections: set[socket.socket] = set()
        self._busy: set[socket.socket] = set()  # connections with a request being answered
        self._stopping = False
        self._connections_lock = threading.Lock()

    def answering(self, connection: socket.socket) -> None:
        with self._connections_lock:
            self._busy.add(connection)

    def answered(self, connection: socket.socket) -> bool:
        """The connection is idle again; True if the server is stopping, so it is to be closed."""
        with self._connections_lock:
            self._busy.discard(connection)
            return self._stopping

    def process_request(self, request: Any, client_address: Any) -> None:
        # An answer goes out in two writes (its head, then its body). On a connection kept open,
        # Nagle's algorithm would hold the body until the client acknowledged the head, which
        # the client delays by up to 40 ms: Slack's front ends do not make a caller wait so.
        request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with self._connections_lock:
            self.connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._connections_lock:
            self.connections.discard(request)
        super().shutdown_request(request)

    def hang_up(self) -> None:
        """Close every idle connection, as a server going down gracefully does: a client's kept-open
        connection must not go on being answered by a stopped stand-in. A request being answered
        gets its answer first, and its connection is closed after it."""
        with self._connections_lock:
            self._stopping = True
            idle = [c for c in self.connections if c not in self._busy]
        for connection in idle:
            with contextlib.suppress(OSError):  # already closed by its handler
                connection.shutdown(socket.SHUT_RDWR)


@dataclass(frozen=True)
class Call:
    """One request the app made: a Web API method, a response-URL post, or a file upload."""

    method: str  # e.g. "chat.postMessage", "response_url", "file_upload"
    args: JSONObject
    token: str | None = None
    at: float = 0.0
    port: int = 0  # the caller's port: calls that share one came over one kept-open connection

    def __getitem__(self, key: str) -> Any:
        return self.args[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.args.get(key, default)

    @property
    def blocks(self) -> list[JSONObject]:
        blocks = self.args.get("blocks") or []
        return json.loads(blocks) if isinstance(blocks, str) else list(blocks)

    @property
    def view(self) -> JSONObject:
        view = self.args.get("view") or {}
        return json.loads(view) if isinstance(view, str) else dict(view)


@dataclass
class Fault:
    """Answer the next `times` calls of `method` (None: any method) with `status` instead."""

    method: str | None
    status: int
    times: int
    retry_after: int | None = None
    error: str | None = None  # the `error` code in the answer; default follows the status
    # The call takes effect (a post is stored) before the fault is answered: Slack documents that
    # after an error some part of the operation may have succeeded.
    after_effect: bool = False
    drop: bool = False  # close the connection without answering (status unused)


@dataclass
class SlackState:
    """What a workspace would show: channel messages, ephemerals, open modals and home tabs."""

    messages: dict[str, list[JSONObject]] = field(default_factory=dict)  # channel -> messages
    views: dict[str, JSONObject] = field(default_factory=dict)  # view id -> view
    homes: dict[str, JSONObject] = field(default_factory=dict)  # user -> home view
    files: dict[str, JSONObject] = field(default_factory=dict)  # file id -> metadata and bytes


class SlackWebAPI:
    """Start with `with SlackWebAPI() as slack:`; `slack.api_url` is the WebClient base URL."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        latency: float | Latency = 0.0,
        limits: SlackLimits | None = None,
        tls: ssl.SSLContext | None = None,
    ) -> None:
        self.host = host
        self.tls = tls  # a server context: answer over HTTPS, as Slack does (bench/web_api_calls.py)
        self._port = port
        # Seconds every answer waits, to model a slow Slack: a fixed figure, or a Latency with jitter.
        self.latency: float | Latency = latency
        # Slack's rate limits (None: unlimited, as most tests want): beyond them, 429 and Retry-After.
        self.limiter = RateLimiter(limits) if limits is not None else None
        # Seconds every answer waits after the call took effect: Slack accepted the post, but the
        # answer is slow to come back (a sender dying then leaves a post it never recorded).
        self.answer_latency = 0.0
        self.state = SlackState()
        self.listeners: list[Callable[[Call], None]] = []  # told of every call (the console renders them)
        self._calls: list[Call] = []
        self.faulted: list[Call] = []  # calls answered with an injected fault, in order
        self._faults: list[Fault] = []
        self._lock = threading.Condition()
        self._ts = itertools.count(1)
        self._ids = itertools.count(1)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self.refusing = False  # True between stop() and start(): connections are refused
        self.socket_mode_url: str | None = None  # what apps.connections.open hands out (Socket Mode tests)

    # -- lifecycle -------------------------------------------------------------------------------

    def start(self) -> SlackWebAPI:
        handler = _handler_for(self)
        self._server = _Server((self.host, self._port), handler)
        self._server.daemon_threads = True
        self._port = self._server.server_address[1]  # keep the port so a restart comes back on it
        if self.tls is not None:
            self._server.socket = self.tls.wrap_socket(self._server.socket, server_side=True)
        # A short poll so stop() returns at once (the default half second is paid by every test).
        server = self._server
        self._thread = threading.Thread(
            target=lambda: server.serve_forever(poll_interval=0.02), name="slack-web-api", daemon=True
        )
        self._thread.start()
        self.refusing = False
        return self

    def stop(self) -> None:
        """Close the socket and every open connection: calls now fail with a refused connection
        until start() again."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server.hang_up()
            self._server = None
        self.refusing = True

    def __enter__(self) -> SlackWebAPI:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()

    @classmethod
    def like_slack(cls, latency: float = 0.2, jitter: float = 0.25) -> SlackWebAPI:
        """A stand-in as slow and as strict as Slack: `latency` seconds an answer (+/- `jitter` of
        it) and Slack's documented rate limits. For benchmarks; start it with `with`."""
        return cls(latency=Latency(latency, jitter), limits=SlackLimits())

    def delay(self) -> float:
        latency = self.latency
        return latency.sample() if isinstance(latency, Latency) else latency

    @property
    def rate_limited(self) -> int:
        """Calls answered 429 by the rate limits so far."""
        return len(self.limiter.limited) if self.limiter else 0

    @property
    def url(self) -> str:
        return f"{'https' if self.tls is not None else 'http'}://{self.host}:{self._port}"

    @property
    def api_url(self) -> str:
        return f"{self.url}/api/"

    def response_url(self, key: str = "") -> str:
        return f"{self.url}/response/{key or next(self._ids)}"

    # -- what tests read ---------------------------------------------------------------------------

    def calls(self, method: str | None = None) -> list[Call]:
        with self._lock:
            return [c for c in self._calls if method is None or c.method == method]

    def shared_files(self, channel: str | None = None) -> list[JSONObject]:
        """Files shared so far (completed uploads), oldest first, each with its bytes in `content`."""
        with self._lock:
            return [
                dict(f, id=file_id)
                for file_id, f in self.state.files.items()
                if "channel" in f and (channel is None or f["channel"] == channel)
            ]

    def messages(self, channel: str | None = None) -> list[JSONObject]:
        """Messages standing in `channel` (every channel when None), oldest first, as copies."""
        with self._lock:
            kept = [self.state.messages.get(channel, [])] if channel else list(self.state.messages.values())
            return [dict(m) for ms in kept for m in ms]

    def delete_message(self, channel: str, ts: str) -> None:
        """Someone deleted a message in Slack: it is gone, and chat.update on it answers message_not_found."""
        with self._lock:
            self.state.messages[channel] = [m for m in self.state.messages.get(channel, []) if m["ts"] != ts]

    def view(self, view_id: str) -> JSONObject:
        """The modal open under `view_id`, as Slack would show it now."""
        with self._lock:
            return dict(self.state.views[view_id])

    def newest_view(self) -> JSONObject:
        """The modal opened or updated last."""
        with self._lock:
            return dict(self.state.views[sorted(self.state.views)[-1]])

    def clear(self) -> None:
        with self._lock:
            self._calls.clear()

    def wait_for(self, count: int, method: str | None = None, timeout: float = 5.0) -> list[Call]:
        """Block until at least `count` calls (of `method`) arrived; their list, or TimeoutError."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while len(found := [c for c in self._calls if method is None or c.method == method]) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"expected {count} {method or 'calls'}, got {len(found)}")
                self._lock.wait(left)
            return found

    # -- faults ------------------------------------------------------------------------------------

    def fail(
        self,
        status: int,
        *,
        method: str | None = None,
        times: int = 1,
        retry_after: int | None = None,
        error: str | None = None,
        after_effect: bool = False,
        drop: bool = False,
    ) -> None:
        """Answer the next `times` calls with `status`; with `error` (and status 200) Slack's
        `{"ok": false, "error": ...}` for a refused call, such as channel_not_found or invalid_auth.
        `after_effect`: the call first takes effect (a post is stored, and recorded in calls), then
        the fault is answered; `drop`: the connection is closed with no answer at all."""
        with self._lock:
            self._faults.append(Fault(method, status, times, retry_after, error, after_effect, drop))

    @contextmanager
    def outage(self, status: int = HTTPStatus.SERVICE_UNAVAILABLE) -> Iterator[None]:
        """Every call answers `status` inside the block."""
        fault = Fault(None, status, times=10**9)
        with self._lock:
            self._faults.append(fault)
        try:
            yield
        finally:
            with self._lock:
                self._faults.remove(fault)

    def _take_fault(self, method: str) -> Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.method in (None, method) and fault.times > 0:
                    fault.times -= 1
                    if fault.times == 0:
                        self._faults.remove(fault)
                    return fault
        return None

    # -- answering ---------------------------------------------------------------------------------

    def _record(self, call: Call) -> None:
        with self._lock:
            self._calls.append(call)
            self._lock.notify_all()
        for listener in list(self.listeners):
            listener(call)

    def next_ts(self) -> str:
        return f"{1_775_000_000 + next(self._ts)}.000100"

    def answer(self, method: str, args: JSONObject) -> JSONObject:
        """Slack's answer to one call, updating the kept state as Slack would."""
        answer = _ANSWERS.get(method)
        if answer is None:
            return {"ok": False, "error": "unknown_method"}
        with self._lock:
            return answer(self, args)


# Each answer mirrors the fields the real method returns that the app reads.


def _decoded(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in "[{":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _post_message(api: SlackWebAPI, args: JSONObject) -> JSONObject:
    channel = str(args.get("channel", ""))
    if not channel:
        return {"ok": False, "error": "channel_not_found"}
    message = {
        "ts": api.next_ts(),
        "user": BOT_USER_ID,
        "text": args.get("text", ""),
        "blocks": _decoded(args.get("blocks", [])),
    }
    if args.get("metadata"):
        message["metadata"] = _decoded(args["metadata"])
    kept = api.state.messages.setdefault(channel, [])
    if args.get("thread_ts"):
        broadcast = str(args.get("reply_broadcast", "")).lower() in {"1", "true"}
        if error := threads.attach_reply(kept, message, str(args["thread_ts"]), broadcast):
            return {"ok": False, "error": error}
    kept.append(message)
    return {"ok": True, "channel": channel, "ts": message["ts"], "message": message}


def _post_ephemeral(api: SlackWebAPI, args: JSONObject) -> JSONObject:
    return {"ok": True, "message_ts": api.next_ts()}


def _update(api: SlackWebAPI, args: JSONObject) -> JSONObject:
    channel, ts = str(args.get("channel", "")), str(args.get("ts", ""))
    for message in api.state.messages.get(channel, []):
        if message["ts"] == ts:
            message.update(text=args.get("text", ""), blocks=_decoded(args.get("blocks", [])))
            return {"ok": True, "channel": channel, "ts": ts}
    return {"ok": False, "error": "message_not_found"}


def _open_view(api: SlackWebAPI, args: JSONObject) -> JSONObject:
    if not args.get("trigger_id"):
        return {"ok": False, "error": "invalid_trigger_id"}
    view = dict(_decoded(args.get("view", {})))
    view["id"] = f"V{next(api._ids):08d}"
    api.state.views[view["id"]] = view
    return {"ok": True, "view": view}


def _update_view(api: SlackWebAPI, args: JSONObject) -> JSONObject:
    view_id = str(args.get("view_id", ""))
    if view_id not in api.state.views:
        return {"ok": False, "error": "not_found"}
    view = dict(_decoded(args.get("view", {})), id=view_id)
    api.state.views[view_id] = view
    return {"ok": True, "view": view}


def _publish_view(api: SlackWebAPI, args: JSONObject) -> JSONObject:
    user = str(args.get("user_id", ""))
    view = dict(_decoded(args.get("view", {})), id=f"VHOME{user}")
    api.state.homes[user] = view
    return {"ok": True, "view": view}


def _open_conversation(api: SlackWebAPI, args: JSONObject) -> JSONObject:
    users = str(args.get("users", ""))
    if not users:
        return {"ok": False, "error": "users_list_not_supplied"}
    return {"ok": True, "channel": {"id": "D" + users.split(",")[0].lstrip("UW")}}


def _auth_test(api: SlackWebAPI, args: JSONObject) -> JSONObject:
    return {"ok": True, "user_id": BOT_USER_ID, "bot_id": "BDVPNBOT", "team_id": TEAM_ID, "user": "dvpn-bot"}


def _open_socket(api: SlackWebAPI, args: JSONObject) -> JSONObject:
    if not api.socket_mode_url:
        return {"ok": False, "error": "not_allowed_token_type"}
    return {"ok": True, "url": api.socket_mode_url}


def _upload_url(api: SlackWebAPI, args: JSONObject) -> JSONObject:
    file_id = f"F{next(api._ids):08d}"
    api.state.files[file_id] = {"filename": args.get("filename"), "length": int(args.get("length", 0))}
    return {"ok": True, "file_id": file_id, "upload_url": f"{api.url}/upload/{file_id}"}


def _complete_upload(api: SlackWebAPI, args: JSONObject) -> JSONObject:
    """Shares the uploaded files in the channel, as a message carrying them and the initial comment."""
    files = _decoded(args.get("files", []))
    for entry in files:
        if entry.get("id") not in api.state.files:
            return {"ok": False, "error": "file_not_found"}
        if "content" not in api.state.files[entry["id"]]:
            return {"ok": False, "error": "file_upload_not_complete"}  # nothing was sent to the upload URL
    channel = args.get("channel_id")
    shared = []
    for entry in files:
        kept = api.state.files[entry["id"]]
        kept.update(title=entry.get("title"), channel=channel, initial_comment=args.get("initial_comment"))
        shared.append({"id": entry["id"], "title": entry.get("title"), "name": kept.get("filename")})
    if channel:
        message = {"ts": api.next_ts(), "text": args.get("initial_comment") or "", "files": shared}
        api.state.messages.setdefault(str(channel), []).append(message)
    return {"ok": True, "files": shared}


# -- conversations.history: the scheduler reads it to find a post an interrupted sender made ---------


def _history(api: SlackWebAPI, args: JSONObject) -> JSONObject:
    """Newest first, `limit` a page, the cursor an opaque position; metadata only when asked for
    with include_all_metadata, as Slack does. Replies in threads are left out unless broadcast."""
    standing = [m for m in api.state.messages.get(str(args.get("channel", "")), []) if threads.in_history(m)]
    newest_first = list(reversed(standing))
    start, limit = int(args.get("cursor") or 0), min(int(args.get("limit") or 100), 999)
    with_metadata = str(args.get("include_all_metadata", "")).lower() in {"1", "true"}
    page = [
        {"type": "message", **{k: v for k, v in m.items() if with_metadata or k != "metadata"}}
        for m in newest_first[start : start + limit]
    ]
    more = start + limit < len(newest_first)
    return {
        "ok": True,
        "messages": page,
        "has_more": more,
        "response_metadata": {"next_cursor": str(start + limit) if more else ""},
    }


_ANSWERS: dict[str, Callable[[SlackWebAPI, JSONObject], JSONObject]] = {
    "conversations.history": _history,
    "conversations.replies": threads.replies,
    "chat.postMessage": _post_message,
    "chat.postEphemeral": _post_ephemeral,
    "chat.update": _update,
    "views.open": _open_view,
    "views.push": _open_view,
    "views.update": _update_view,
    "views.publish": _publish_view,
    "conversations.open": _open_conversation,
    "auth.test": _auth_test,
    "apps.connections.open": _open_socket,
    "files.getUploadURLExternal": _upload_url,
    "files.completeUploadExternal": _complete_upload,
}


def _handler_for(api: SlackWebAPI) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass  # quiet: tests and the console read calls, not access logs

        def parse_request(self) -> bool:
            # A request line has arrived: the connection is busy until it is answered.
            cast(_Server, self.server).answering(self.connection)
            return super().parse_request()

        def handle_one_request(self) -> None:
            try:
                super().handle_one_request()
            finally:
                if cast(_Server, self.server).answered(self.connection):
                    self.close_connection = True  # the stand-in is stopping: no further request

        def do_POST(self) -> None:
            path = urlsplit(self.path).path
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            delay = api.delay()
            if delay:
                time.sleep(delay)
            if path.startswith("/upload/"):
                file_id = path.rsplit("/", 1)[1]
                api.state.files.setdefault(file_id, {})["content"] = body
                api._record(Call("file_upload", {"file_id": file_id, "content": body}, at=time.time()))
                self._send(HTTPStatus.OK, b"OK", "text/plain")
                return
            args = self._arguments(body)
            if path.startswith("/response/"):
                api._record(Call("response_url", dict(args, url_key=path.rsplit("/", 1)[1]), at=time.time()))
                self._send(HTTPStatus.OK, b"ok", "text/plain")
                return
            method = path.removeprefix("/api/")
            fault = api._take_fault(method)
            token = (self.headers.get("Authorization") or "").removeprefix("Bearer ").strip() or args.pop("token", None)
            if fault is not None:
                if fault.after_effect:
                    api._record(Call(method, args, token=token, at=time.time(), port=self.client_address[1]))
                    api.answer(method, args)
                with api._lock:
                    api.faulted.append(Call(method, dict(args, status=fault.status), at=time.time()))
                self._fault(fault)
                return
            wait = api.limiter.retry_after(method, str(args.get("channel", ""))) if api.limiter else None
            if wait is not None:
                self._send(
                    HTTPStatus.TOO_MANY_REQUESTS,
                    json.dumps({"ok": False, "error": "ratelimited"}).encode(),
                    "application/json",
                    {"Retry-After": str(wait)},
                )
                return
            api._record(Call(method, args, token=token, at=time.time(), port=self.client_address[1]))
            answer = api.answer(method, args)
            if api.answer_latency:
                time.sleep(api.answer_latency)
            self._send(HTTPStatus.OK, json.dumps(answer).encode(), "application/json")

        do_GET = do_POST  # some Web API calls may be made as GET

        def _arguments(self, body: bytes) -> JSONObject:
            args: JSONObject = dict(parse_qsl(urlsplit(self.path).query))
            if not body:
                return args
            if "json" in (self.headers.get("Content-Type") or ""):
                args.update(json.loads(body))
            else:
                args.update(parse_qsl(body.decode()))
            return args

        def _fault(self, fault: Fault) -> None:
            if fault.drop:
                # What a proxy or a failing Slack front end does: the socket closes, no status line.
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else {}
            error = fault.error or (
                "ratelimited" if fault.status == HTTPStatus.TOO_MANY_REQUESTS else "service_unavailable"
            )
            self._send(fault.status, json.dumps({"ok": False, "error": error}).encode(), "application/json", headers)

        def _send(self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

    return Handler
