"""The one injectable clock. Nothing else in the project asks the system for the time."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from threading import Lock
from typing import Protocol

from config import read_instant

log = logging.getLogger(__name__)


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


class DrillClock:
    """For drills and tests only (DVPN_DRILL_CLOCK_FILE): the time is read from a file at every call,
    so several bot processes share one clock that a drill moves for all of them by rewriting the file.
    Never for production: deadlines and reminders would follow the file, not the world."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def now(self) -> datetime:
        return read_instant(self.path)

    def set(self, to: datetime) -> datetime:
        if to.tzinfo is None:
            raise ValueError("DrillClock needs a timezone-aware time")
        instant = to.astimezone(UTC)
        # Written aside then renamed over the file: a process reading at that moment sees the old
        # time or the new one, never half of each.
        staging = self.path.with_name(f".{self.path.name}.{os.getpid()}")
        staging.write_text(instant.isoformat())
        os.replace(staging, self.path)
        return instant

    def advance(self, by: timedelta) -> datetime:
        """Move the shared time on. One controller moves a drill clock; readers only read."""
        return self.set(self.now() + by)


def configured_clock(drill_clock_file: str | None) -> Clock:
    """The system clock, unless a drill clock file is configured (drills and tests only)."""
    if not drill_clock_file:
        return SystemClock()
    log.warning(
        "DRILL CLOCK: the time is read from %s, not the system clock. Never use this in production.", drill_clock_file
    )
    return DrillClock(drill_clock_file)
