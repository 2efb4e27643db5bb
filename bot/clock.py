"""The only source of "now": domain code asks a Clock, so tests and the demo can move time."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """What domain code may ask about time."""

    def now(self) -> datetime:
        """The current instant, timezone-aware, in UTC."""

    def monotonic(self) -> float:
        """Seconds from an arbitrary origin that never goes backwards (for pacing)."""

    async def sleep(self, seconds: float) -> None:
        """Wait; a fake clock moves itself forward instead of waiting."""


class SystemClock:
    """Real time."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def monotonic(self) -> float:
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(0.0, seconds))


class OffsetClock(SystemClock):
    """Real time plus an offset the operator can push forward (the console's `/time +3d`).

    With `start`, the clock begins at that moment instead of now, which makes scripted
    console sessions repeatable.
    """

    def __init__(self, start: datetime | None = None) -> None:
        if start is not None and start.tzinfo is None:
            raise ValueError("the start time needs a time zone, e.g. 2026-11-20T12:00+00:00")
        self._offset = (start - datetime.now(UTC)) if start is not None else timedelta(0)

    def now(self) -> datetime:
        return super().now() + self._offset

    def advance(self, delta: timedelta) -> None:
        if delta < timedelta(0):
            raise ValueError("time only moves forward")
        self._offset += delta


class FakeClock:
    """Time that moves only when told to. `sleep` advances it instead of waiting."""

    def __init__(self, start: datetime | None = None) -> None:
        start = start or datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
        if start.tzinfo is None:
            raise ValueError("FakeClock needs a timezone-aware start")
        self._now = start.astimezone(UTC)
        self._mono = 0.0

    def now(self) -> datetime:
        return self._now

    def monotonic(self) -> float:
        return self._mono

    async def sleep(self, seconds: float) -> None:
        seconds = max(0.0, seconds)
        self._now += timedelta(seconds=seconds)
        self._mono += seconds  # exact, even below timedelta's microsecond: pacing loops must end
        await asyncio.sleep(0)

    def advance(self, delta: timedelta) -> None:
        if delta < timedelta(0):
            raise ValueError("time only moves forward")
        self._now += delta
        self._mono += delta.total_seconds()

    def set(self, when: datetime) -> None:
        self.advance(when.astimezone(UTC) - self._now)
