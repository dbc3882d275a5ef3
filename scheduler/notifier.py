"""The one way the scheduler posts to Slack: a DM (conversations.open, then chat.postMessage) or a
channel post, returning where it landed. The WebClient (handlers.web_client) already retries rate
limits (honouring Retry-After), server errors and dropped connections; what still fails is
classified here, so the sweep knows whether to try again later."""

from __future__ import annotations

import http.client
import logging
import threading
from dataclasses import dataclass
from typing import Any, Protocol

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

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
    The message names the Slack error code only (never message text, which is not logged)."""

    def __init__(self, reason: str, *, retryable: bool, fatal: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retryable = retryable or fatal
        self.fatal = fatal


@dataclass(frozen=True)
class Posted:
    channel: str
    ts: str


class Notifier(Protocol):
    def post(self, *, user: str | None, channel: str | None, text: str, blocks: list[dict[str, Any]]) -> Posted: ...

    def update(self, channel: str, ts: str, *, text: str, blocks: list[dict[str, Any]]) -> None: ...


class SlackNotifier:
    """Posts through a WebClient. Thread-safe; remembers each user's DM channel (conversations.open
    answers the same id every time, so asking once per user halves the calls)."""

    def __init__(self, client: WebClient) -> None:
        self.client = client
        self._dm_channels: dict[str, str] = {}
        self._lock = threading.Lock()

    def post(self, *, user: str | None, channel: str | None, text: str, blocks: list[dict[str, Any]]) -> Posted:
        target = channel or (self._dm(user) if user else None)
        if not target:
            raise DeliveryError("no_destination", retryable=False)
        answer = _call(lambda: self.client.chat_postMessage(channel=target, text=text, blocks=blocks))
        return Posted(str(answer.get("channel") or target), str(answer["ts"]))

    def update(self, channel: str, ts: str, *, text: str, blocks: list[dict[str, Any]]) -> None:
        _call(lambda: self.client.chat_update(channel=channel, ts=ts, text=text, blocks=blocks))

    def _dm(self, user: str) -> str:
        with self._lock:
            known = self._dm_channels.get(user)
        if known:
            return known
        answer = _call(lambda: self.client.conversations_open(users=user))
        opened = str(answer["channel"]["id"])
        with self._lock:
            self._dm_channels[user] = opened
        return opened


def _call(request: Any) -> Any:
    """Run one Web API call, turning every way it can fail into a DeliveryError."""
    try:
        return request()
    except SlackApiError as error:
        raise classify(error) from error
    except (OSError, http.client.HTTPException) as error:  # refused, reset, timed out, DNS
        raise DeliveryError(f"connection: {type(error).__name__}", retryable=True) from error


def classify(error: SlackApiError) -> DeliveryError:
    status = getattr(error.response, "status_code", 200)
    code = str((error.response.data or {}).get("error", "")) if isinstance(error.response.data, dict) else ""
    reason = f"{code or 'http_error'} (HTTP {status})"
    if code in FATAL_ERRORS:
        return DeliveryError(reason, retryable=True, fatal=True)
    if status == 429 or status >= 500 or code in RETRYABLE_ERRORS:
        return DeliveryError(reason, retryable=True)
    return DeliveryError(reason, retryable=False)  # channel_not_found, user_not_found, is_archived, ...
