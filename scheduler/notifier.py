"""The one way the scheduler posts to Slack: a DM (conversations.open, then chat.postMessage) or a
channel post, returning where it landed. Reads (conversations.open, conversations.history) go
through the WebClient as given (handlers.web_client), which retries rate limits, server errors and
dropped connections. Posts and updates do not: a 500 or a dropped connection may come after Slack
stored the post (Slack documents that after internal_error part of the operation may have
succeeded), and a client re-sending it at once would show it twice. They are retried by the client
only when Slack cannot have acted: a 429 (honouring Retry-After) or a refused connection. What
still fails is classified here, so the sweep knows whether to try again later, asking Slack first.

Each post carries message metadata naming what it delivers (a Marker). A process can die after
Slack accepted a post but before the database recorded it; whoever takes the delivery over asks
Slack (conversations.history with include_all_metadata) whether that marker already landed, and
records it instead of posting it again. Reading a DM's history needs the im:history scope, a
channel's channels:history (groups:history for a private one)."""

from __future__ import annotations

import copy
import http.client
import logging
import threading
import time
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any, Protocol
from urllib.error import URLError

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import ConnectionErrorRetryHandler, RateLimitErrorRetryHandler
from slack_sdk.http_retry.handler import RetryHandler

log = logging.getLogger(__name__)

# Slack error codes (https://api.slack.com/methods/chat.postMessage#errors) that go away by themselves.
RETRYABLE_ERRORS = frozenset(
    {"ratelimited", "rate_limited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"}
)
# Errors about our own token or app, not the message: every post would fail the same way, so the
# sweep stops and leaves its reminders waiting rather than failing each one.
FATAL_ERRORS = frozenset(
    {
        "invalid_auth",
        "not_authed",
        "token_revoked",
        "token_expired",
        "account_inactive",
        "missing_scope",
        "no_permission",
        "team_access_not_granted",
        "ekm_access_denied",
    }
)


class DeliveryError(Exception):
    """A post that did not happen. `retryable`: try again later; `fatal`: stop sending for now.
    `unavailable`: Slack is down or unreachable and did not take the call (a refused connection, or
    503 after the client's own retries): every post would fail alike and none was taken, so the
    sweep stops and hands its reminders back without counting an attempt; an outage of any length
    then fails no reminder, and when Slack returns they go out in due order. Errors that may come
    after Slack took the post (a read timeout, a 500) count an attempt and are retried with backoff.
    The message names the Slack error code only (never message text, which is not logged)."""

    def __init__(self, reason: str, *, retryable: bool, fatal: bool = False, unavailable: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retryable = retryable or fatal or unavailable
        self.fatal = fatal
        self.unavailable = unavailable


# How an interrupted delivery is looked for: only the messages since its first attempt could be it,
# so history is read from then (`oldest`, less a margin for the clocks of this host and Slack), newest
# first, in pages of 15. Slack's 2025 limits for apps not approved for the Marketplace allow one
# conversations.history call a minute of at most 15 messages
# (https://docs.slack.dev/changelog/2025/05/29/rate-limit-changes-for-non-marketplace-apps), so the
# usual check, a DM's few messages since a reminder fell due, is one call within them. More pages
# are read only when that window holds more, up to HISTORY_LOOKBACK messages.
HISTORY_PAGE = 15
HISTORY_LOOKBACK = 300
HISTORY_MARGIN = timedelta(minutes=5)


@dataclass(frozen=True)
class Posted:
    channel: str
    ts: str


@dataclass(frozen=True)
class Marker:
    """What a post delivers, as Slack message metadata: event type and one id, e.g. a reminder's.
    Ids only, never names: metadata is readable by anyone who can read the conversation."""

    event_type: str
    key: str
    value: int

    def metadata(self) -> dict[str, Any]:
        return {"event_type": self.event_type, "event_payload": {self.key: self.value}}

    def found_in(self, message: dict[str, Any]) -> bool:
        metadata = message.get("metadata") or {}
        payload = metadata.get("event_payload") or {}
        return bool(metadata.get("event_type") == self.event_type and payload.get(self.key) == self.value)


def reminder_marker(reminder_id: int) -> Marker:
    return Marker("dvpn_reminder", "reminder_id", reminder_id)


def digest_marker(run_id: int) -> Marker:
    return Marker("dvpn_digest", "digest_run_id", run_id)


def thread_marker(post_id: int) -> Marker:
    return Marker("dvpn_thread_post", "thread_post_id", post_id)


class Notifier(Protocol):
    def post(
        self,
        *,
        user: str | None,
        channel: str | None,
        text: str,
        blocks: list[dict[str, Any]],
        marker: Marker | None = None,
        thread_ts: str | None = None,
    ) -> Posted: ...

    def already_posted(
        self, *, user: str | None, channel: str | None, markers: Collection[Marker], since: datetime | None = None
    ) -> dict[Marker, Posted]: ...

    def already_in_thread(
        self, *, channel: str, thread_ts: str, markers: Collection[Marker]
    ) -> dict[Marker, Posted]: ...

    def update(self, channel: str, ts: str, *, text: str, blocks: list[dict[str, Any]]) -> None: ...


class ChannelPacer:
    """Spaces the posts a process makes to one channel `interval` seconds apart (DVPN_POST_INTERVAL_MS).
    Slack allows about one message a second per channel (https://docs.slack.dev/apis/web-api/rate-limits,
    "Posting messages") and guarantees no burst beyond it, so the sweep's concurrent posting stays
    within it and 429s stay rare. Thread-safe."""

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self._next: dict[str, float] = {}
        self._lock = threading.Lock()

    def wait(self, channel: str) -> None:
        with self._lock:
            now = time.monotonic()
            at = max(now, self._next.get(channel, now))
            self._next[channel] = at + self.interval
            if len(self._next) > 10_000:  # forget channels whose turn has long passed
                self._next = {c: t for c, t in self._next.items() if t > now}
        if at > now:
            time.sleep(at - now)


class DmDirectory(Protocol):
    """Where DM channel ids are kept beyond this process (the database)."""

    def stored(self, user: str) -> str | None: ...

    def keep(self, user: str, channel: str) -> None: ...


class SlackNotifier:
    """Posts through a WebClient. Thread-safe; remembers each user's DM channel (conversations.open
    answers the same id every time, so asking once per user halves the calls), and with a
    `directory` keeps it for other processes and restarts too."""

    def __init__(
        self, client: WebClient, pacer: ChannelPacer | None = None, directory: DmDirectory | None = None
    ) -> None:
        self.client = client
        self.posting = posting_client(client)
        self.pacer = pacer or ChannelPacer(0)  # unpaced unless given one: the scheduler passes its setting
        self.directory = directory
        self._dm_channels: dict[str, str] = {}
        self._lock = threading.Lock()

    def post(
        self,
        *,
        user: str | None,
        channel: str | None,
        text: str,
        blocks: list[dict[str, Any]],
        marker: Marker | None = None,
        thread_ts: str | None = None,
    ) -> Posted:
        """Post to a DM or channel; with `thread_ts`, as a reply in that message's thread."""
        target = self._target(user, channel)
        metadata = marker.metadata() if marker else None
        self.pacer.wait(target)
        answer = _call(
            lambda: self.posting.chat_postMessage(
                channel=target, text=text, blocks=blocks, metadata=metadata, thread_ts=thread_ts
            )
        )
        return Posted(str(answer.get("channel") or target), str(answer["ts"]))

    def already_in_thread(self, *, channel: str, thread_ts: str, markers: Collection[Marker]) -> dict[Marker, Posted]:
        """Which of `markers` are on replies already in the thread. A channel's history leaves
        replies out, so the thread itself is read (conversations.replies), up to HISTORY_LOOKBACK
        messages. Without the history scope it answers none found, as already_posted does."""
        wanted, found = set(markers), dict[Marker, Posted]()
        cursor: str | None = None
        for _ in range(HISTORY_LOOKBACK // HISTORY_PAGE):
            try:
                page = _call(partial(self._replies_page, channel, thread_ts, cursor))
            except DeliveryError as error:
                if not error.reason.startswith("missing_scope"):
                    raise
                log.error("cannot read Slack threads (%s): add channels:history", error.reason)
                return found
            for message in page.get("messages") or []:
                for marker in wanted - found.keys():
                    if marker.found_in(message):
                        found[marker] = Posted(channel, str(message["ts"]))
            cursor = (page.get("response_metadata") or {}).get("next_cursor")
            if found.keys() == wanted or not page.get("has_more") or not cursor:
                break
        return found

    def already_posted(
        self, *, user: str | None, channel: str | None, markers: Collection[Marker], since: datetime | None = None
    ) -> dict[Marker, Posted]:
        """Which of `markers` are on messages already in the DM or channel, and where: among the
        messages since `since` (no earlier attempt of theirs can have been made before it), at most
        the newest HISTORY_LOOKBACK. One history read serves a whole batch. Without the history scope
        it answers none found: a possible duplicate beats a reminder never sent."""
        target = self._target(user, channel)
        oldest = f"{(since - HISTORY_MARGIN).timestamp():.6f}" if since else None
        wanted, found = set(markers), dict[Marker, Posted]()
        cursor: str | None = None
        for _ in range(HISTORY_LOOKBACK // HISTORY_PAGE):
            try:
                page = _call(partial(self._history_page, target, oldest, cursor))
            except DeliveryError as error:
                if not error.reason.startswith("missing_scope"):
                    raise
                log.error("cannot read Slack history (%s): add im:history and channels:history", error.reason)
                return found
            for message in page.get("messages") or []:
                for marker in wanted - found.keys():
                    if marker.found_in(message):
                        found[marker] = Posted(target, str(message["ts"]))
            cursor = (page.get("response_metadata") or {}).get("next_cursor")
            if found.keys() == wanted or not page.get("has_more") or not cursor:
                break
        return found

    def update(self, channel: str, ts: str, *, text: str, blocks: list[dict[str, Any]]) -> None:
        _call(lambda: self.posting.chat_update(channel=channel, ts=ts, text=text, blocks=blocks))

    def _history_page(self, channel: str, oldest: str | None, cursor: str | None) -> Any:
        return self.client.conversations_history(
            channel=channel, oldest=oldest, limit=HISTORY_PAGE, include_all_metadata=True, cursor=cursor
        )

    def _replies_page(self, channel: str, thread_ts: str, cursor: str | None) -> Any:
        return self.client.conversations_replies(
            channel=channel, ts=thread_ts, limit=HISTORY_PAGE, include_all_metadata=True, cursor=cursor
        )

    def _target(self, user: str | None, channel: str | None) -> str:
        target = channel or (self._dm(user) if user else None)
        if not target:
            raise DeliveryError("no_destination", retryable=False)
        return target

    def _dm(self, user: str) -> str:
        with self._lock:
            known = self._dm_channels.get(user)
        if known:
            return known
        opened = self.directory.stored(user) if self.directory else None
        if not opened:
            answer = _call(lambda: self.client.conversations_open(users=user))
            opened = str(answer["channel"]["id"])
            if self.directory:
                self.directory.keep(user, opened)
        with self._lock:
            self._dm_channels[user] = opened
        return opened


class RefusedConnectionRetryHandler(ConnectionErrorRetryHandler):
    """Retries a call only when the connection was refused: the request never left this host."""

    def _can_retry(self, *, state: Any, request: Any, response: Any = None, error: Exception | None = None) -> bool:
        cause = error.reason if isinstance(error, URLError) else error
        return isinstance(cause, ConnectionRefusedError) and response is None


def posting_client(client: WebClient) -> WebClient:
    """`client` for calls that must not be re-sent once they may have reached Slack: the same
    token, URL and timeout, keeping only the retries of calls Slack cannot have acted on."""
    kept: list[RetryHandler] = []
    for handler in client.retry_handlers:
        if isinstance(handler, RateLimitErrorRetryHandler):
            kept.append(handler)
        elif isinstance(handler, ConnectionErrorRetryHandler):
            kept.append(RefusedConnectionRetryHandler(max_retry_count=handler.max_retry_count))
    posting = copy.copy(client)  # the same kind (a kept-alive client keeps its connections), token, URL and TLS
    posting.retry_handlers = kept
    return posting


def _call(request: Any) -> Any:
    """Run one Web API call, turning every way it can fail into a DeliveryError."""
    try:
        return request()
    except SlackApiError as error:
        raise classify(error) from error
    except (OSError, http.client.HTTPException) as error:  # refused, reset, timed out, DNS
        # urllib wraps what went wrong in URLError.reason; a refused connection never reached Slack.
        cause = getattr(error, "reason", error)
        refused = isinstance(cause, ConnectionRefusedError)
        name = type(cause if isinstance(cause, BaseException) else error).__name__
        raise DeliveryError(f"connection: {name}", retryable=True, unavailable=refused) from error


def classify(error: SlackApiError) -> DeliveryError:
    status = getattr(error.response, "status_code", 200)
    code = str((error.response.data or {}).get("error", "")) if isinstance(error.response.data, dict) else ""
    reason = f"{code or 'http_error'} (HTTP {status})"
    if code in FATAL_ERRORS:
        return DeliveryError(reason, retryable=True, fatal=True)
    if status == 503:
        return DeliveryError(reason, retryable=True, unavailable=True)
    if status == 429 or status >= 500 or code in RETRYABLE_ERRORS:
        return DeliveryError(reason, retryable=True)
    return DeliveryError(reason, retryable=False)  # channel_not_found, user_not_found, is_archived, ...
