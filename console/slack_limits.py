"""Slack's rate limits and answer times, for the local Slack stand-in (console.slack_api).

Slack limits each Web API method per app per workspace by tier
(https://docs.slack.dev/apis/web-api/rate-limits): Tier 3 methods allow 50+ calls a minute with
sporadic bursts, Tier 4 100+ with generous bursts. conversations.open, conversations.history,
conversations.replies and chat.update are Tier 3 on their method pages. chat.postMessage allows
about one message a second per channel, "short bursts >1 allowed" but not guaranteed, within a
workspace-wide limit whose figure Slack does not publish (so it is not modelled unless given).
Beyond a limit Slack answers HTTP 429 with a Retry-After header (seconds) and does not act on the
call.

Each limit here is a token bucket: `burst` calls at once, refilled at `per_minute`. The figures are
the documented floors ("50+") so a client that keeps within them keeps within Slack's.
"""

from __future__ import annotations

import math
import random
import threading
import time
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Limit:
    per_minute: float
    burst: int

    @property
    def per_second(self) -> float:
        return self.per_minute / 60


TIER_3 = Limit(per_minute=50, burst=10)
TIER_4 = Limit(per_minute=100, burst=20)
POST_PER_CHANNEL = Limit(per_minute=60, burst=3)  # "1 per second, short bursts >1 allowed"


@dataclass(frozen=True)
class SlackLimits:
    """Which methods are limited and how. `methods`: per method for the whole workspace (a
    chat.postMessage entry models the workspace-wide limit); chat.postMessage also per channel."""

    methods: dict[str, Limit] = field(
        default_factory=lambda: {
            "conversations.open": TIER_3,
            "conversations.history": TIER_3,
            "conversations.replies": TIER_3,
            "chat.update": TIER_3,
        }
    )
    post_per_channel: Limit = POST_PER_CHANNEL


@dataclass(frozen=True)
class Latency:
    """How long each answer takes: `mean` seconds, spread evenly over +/- `jitter` of it."""

    mean: float = 0.2
    jitter: float = 0.25

    def sample(self) -> float:
        spread = self.mean * self.jitter
        return max(0.0, self.mean + random.uniform(-spread, spread))


class _Bucket:
    def __init__(self, limit: Limit, now: float) -> None:
        self.limit = limit
        self.tokens = float(limit.burst)
        self.at = now

    def take(self, now: float) -> float:
        """0 if a call may go now (and it is counted); else the seconds until one may."""
        self.tokens = min(self.limit.burst, self.tokens + (now - self.at) * self.limit.per_second)
        self.at = now
        if self.tokens >= 1:
            self.tokens -= 1
            return 0.0
        return (1 - self.tokens) / self.limit.per_second


class RateLimiter:
    """Decides, call by call, whether Slack would rate-limit it. Thread-safe."""

    def __init__(self, limits: SlackLimits) -> None:
        self.limits = limits
        self._buckets: dict[tuple[str, str], _Bucket] = {}
        self._lock = threading.Lock()
        self.limited: list[tuple[str, str]] = []  # (method, channel) of every call answered 429

    def retry_after(self, method: str, channel: str) -> int | None:
        """None if the call goes ahead; else the whole seconds to put in Retry-After."""
        keys: list[tuple[tuple[str, str], Limit]] = []
        if method in self.limits.methods:
            keys.append(((method, ""), self.limits.methods[method]))
        if method == "chat.postMessage" and channel:
            keys.append(((method, channel), self.limits.post_per_channel))
        if not keys:
            return None
        now = time.monotonic()
        with self._lock:
            for key, limit in keys:
                bucket = self._buckets.setdefault(key, _Bucket(limit, now))
                wait = bucket.take(now)
                if wait:
                    for earlier, _ in keys[: keys.index((key, limit))]:  # not counted after all
                        self._buckets[earlier].tokens += 1
                    self.limited.append((method, channel))
                    return max(1, math.ceil(wait))
        return None
