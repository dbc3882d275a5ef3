"""The one injectable clock. Nothing else in the project asks the system for the time."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from threading import Lock
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware, in UTC."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


@dataclass
class ManualClock:
    """A clock that moves only when told: tests, and the console's `time +2h`."""

    current: datetime
    _lock: Lock = field(default_factory=Lock, repr=False)

    def __post_init__(self) -> None:
        if self.current.tzinfo is None:
            raise ValueError("ManualClock needs a timezone-aware start")
        self.current = self.current.astimezone(UTC)

    def now(self) -> datetime:
        with self._lock:
            return self.current

    def advance(self, by: timedelta) -> datetime:
        with self._lock:
            self.current += by
            return self.current

    def set(self, to: datetime) -> datetime:
        if to.tzinfo is None:
            raise ValueError("ManualClock needs a timezone-aware time")
        with self._lock:
            self.current = to.astimezone(UTC)
            return self.current
