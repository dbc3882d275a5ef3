"""Only requests Slack signed are answered; nothing about a request that failed verification is
acted on, logged or answered but its 401.

Slack signs each HTTP request with the app's signing secret over `v0:{timestamp}:{raw body}`.
slack_sdk's SignatureVerifier checks that, but raises on a timestamp that is not an integer (it
calls int() on the header), and Bolt's RequestVerification lets that escape to the global error
handler, which would then answer the unverified body's `response_url` or channel. So the check
here cannot raise: a timestamp that is not plain ASCII digits, a missing or non-ASCII signature,
a body that is not UTF-8, or anything the verifier raises is simply "not signed".

A request that passes is marked in its Bolt context (VERIFIED), and the error handler answers only
a request so marked (handlers.errors). Socket Mode requests come over the WebSocket that the bot
itself opened with the app-level token, and a work process's come from the serving process, which
verified them; both arrive in Bolt's "socket_mode" form and are marked as such."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from slack_bolt import BoltRequest, BoltResponse
from slack_bolt.middleware import Middleware
from slack_sdk.signature import SignatureVerifier

log = logging.getLogger("dvpn.verification")

VERIFIED = "dvpn_verified_by"  # Bolt context key: how the request was verified ("signature", "socket mode")
MAX_AGE_SECONDS = 60 * 5  # Slack's advice: older requests may be replays
_TIMESTAMP = re.compile(r"[0-9]{1,12}")  # \d would admit other scripts' digits, which int() reads


def signed_by_slack(secret: str | None, body: bytes | str, timestamp: str | None, signature: str | None) -> bool:
    """True only for a body signed with `secret` within the last five minutes. Never raises."""
    if not secret or not timestamp or not signature or not signature.isascii():
        return False
    if not _TIMESTAMP.fullmatch(timestamp) or abs(time.time() - int(timestamp)) > MAX_AGE_SECONDS:
        return False
    try:
        text = body.decode("utf-8") if isinstance(body, bytes) else body
        return SignatureVerifier(secret).is_valid(text, timestamp, signature)
    except Exception as error:  # whatever the verifier trips on, the request is not verified
        log.warning("a request's signature could not be checked (%s); refused", type(error).__name__)
        return False


def first(headers: Mapping[str, str | Sequence[str]], name: str) -> str | None:
    value = headers.get(name)
    if value is None or isinstance(value, str):
        return value
    return value[0] if value else None


def verified(context: Mapping[str, Any] | None) -> bool:
    return bool(context and context.get(VERIFIED))


def refusal() -> BoltResponse:
    return BoltResponse(status=401, body={"error": "invalid request"})


class SlackSignature(Middleware):
    """In place of Bolt's RequestVerification (which can raise, and logs refused bodies at INFO).
    Runs before authorisation and every listener."""

    def __init__(self, secret: str | None) -> None:
        self._secret = secret

    def process(  # Bolt calls it with these names, `next` included
        self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse:
        if req.mode == "socket_mode":
            req.context[VERIFIED] = "socket mode"
            return next()
        if req.context.get(VERIFIED) == "signature":  # by handlers.wsgi, over the raw bytes, before parsing
            return next()
        timestamp = first(req.headers, "x-slack-request-timestamp")
        if signed_by_slack(self._secret, req.raw_body, timestamp, first(req.headers, "x-slack-signature")):
            req.context[VERIFIED] = "signature"
            return next()
        log.info("refused a request that Slack did not sign (401)")
        return refusal()
