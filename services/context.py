"""What every use case needs: the database, the clock, the settings, and where the call came from."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy.engine import Engine

from config import Settings
from services.clock import Clock, SystemClock


@dataclass(frozen=True)
class ServiceContext:
    engine: Engine
    settings: Settings = field(default_factory=Settings)
    clock: Clock = field(default_factory=SystemClock)
    source: str = "slack"  # slack, console, cli, scheduler: written to every audit row

    def from_source(self, source: str) -> ServiceContext:
        return replace(self, source=source)

    # Bolt deep-copies a request's context for each lazy listener, and the Slack app carries this
    # context in it (handlers.context). It is immutable and shared by design: one engine and its
    # connection pool, one clock and one set of settings for the whole process. So a copy is the
    # context itself, which also keeps the engine's pool (locks, connections) from being copied.
    def __copy__(self) -> ServiceContext:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> ServiceContext:
        return self
