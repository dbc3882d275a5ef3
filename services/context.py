"""What every use case needs: the database, the clock, the settings, and where the call came from."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

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
