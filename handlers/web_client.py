"""The one way the app makes a Slack Web API client: the configured base URL (GovSlack and test
stand-ins have their own) and retries on rate limits, server errors and dropped connections.

The scheduler posts reminders, digests and their updates through a copy without the server-error
and dropped-connection retries (scheduler.notifier.posting_client): after a 500 or a dropped
connection Slack may have stored the post, so its own recovery asks Slack before sending again."""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from config import Settings


def web_client(settings: Settings, *, token: str | None = None, timeout: int = 10, retries: int = 2) -> WebClient:
    """A client for `settings.slack_api_url`. Rate limits wait for Slack's Retry-After; server
    errors and dropped connections are retried `retries` times with backoff."""
    return WebClient(
        token=token or settings.slack_bot_token,
        base_url=settings.slack_api_url,
        timeout=timeout,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=retries),
            RateLimitErrorRetryHandler(max_retry_count=retries),
            ServerErrorRetryHandler(max_retry_count=retries),
        ],
    )
