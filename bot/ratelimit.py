"""Per-platform, per-workspace pacing for outgoing messages, honouring Retry-After."""

from __future__ import annotations

import asyncio
from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Protocol

from bot.clock import Clock

# Refilling by `elapsed * rate` can leave 0.9999999999 tokens after a wait that was exactly
# long enough; the next wait (1e-17 s) is then lost in the clock's float and never ends.
_EPSILON = 1e-9


class SendPacer(Protocol):
    """What the delivery worker needs from a limiter: this process's own (`RateLimiter`) or one
    shared by every worker through the database (`bot.send_budget.SharedRateLimiter`)."""

    waited_seconds: float
    penalties: int

    def configure(self, key: Hashable, *, rate: float, burst: int) -> None: ...

    async def acquire(self, key: Hashable, upcoming: int = 1) -> float: ...

    async def penalise(self, key: Hashable, retry_after: float) -> None: ...


@dataclass
class _Bucket:
    rate: float
    burst: float
    tokens: float
    updated: float
    blocked_until: float = 0.0
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


class RateLimiter:
    """This process's own token bucket per key. `penalise` blocks a key after a 429 for the time the platform asked.

    Time comes from the clock, so a fake clock makes pacing instant and exact in tests.
    """

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._buckets: dict[Hashable, _Bucket] = {}
        self.waited_seconds = 0.0
        self.penalties = 0

    def configure(self, key: Hashable, *, rate: float, burst: int) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("rate must be positive and burst at least 1")
        self._buckets[key] = _Bucket(rate=rate, burst=burst, tokens=float(burst), updated=self._clock.monotonic())

    def _bucket(self, key: Hashable) -> _Bucket:
        if key not in self._buckets:
            self.configure(key, rate=1.0, burst=1)
        return self._buckets[key]

    async def acquire(self, key: Hashable, upcoming: int = 1) -> float:
        """Wait until one send to `key` is allowed; returns how long it waited. (`upcoming`, the
        sends queued behind this one, matters only to a shared budget.)"""
        bucket = self._bucket(key)
        waited = 0.0
        async with bucket.lock:
            while True:
                now = self._clock.monotonic()
                bucket.tokens = min(bucket.burst, bucket.tokens + (now - bucket.updated) * bucket.rate)
                bucket.updated = now
                if now < bucket.blocked_until:
                    wait = bucket.blocked_until - now
                elif bucket.tokens >= 1.0 - _EPSILON:
                    bucket.tokens = max(0.0, bucket.tokens - 1.0)
                    self.waited_seconds += waited
                    return waited
                else:
                    wait = (1.0 - bucket.tokens) / bucket.rate
                waited += wait
                await self._clock.sleep(wait)

    async def penalise(self, key: Hashable, retry_after: float) -> None:
        """The platform said 429: nothing goes to `key` for `retry_after` seconds, and the bucket empties."""
        bucket = self._bucket(key)
        bucket.blocked_until = max(bucket.blocked_until, self._clock.monotonic() + retry_after)
        bucket.tokens = 0.0
        self.penalties += 1
