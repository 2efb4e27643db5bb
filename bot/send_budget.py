"""A workspace's send budget shared through the database by every delivery worker process.

Each process used to pace every workspace at the platform's full rate, so two workers sent
up to twice what Slack or Discord allow and earned 429s. Here the budget lives in one row
per workspace (`storage.repositories.send_budget`, the generic cell rate algorithm): a
worker reserves the next few sends in one UPDATE and sends at the reserved times, so the
processes together keep to the rate and the burst the adapter declares.

A lane reserves at most what it is about to send (`upcoming`), and at most a quarter of a
second of the rate, so an idle or slow worker holds back little of the budget. A reserved
slot that has fallen further behind than half the burst allows is dropped rather than
sent late: late sends on top of another worker's punctual ones would exceed the burst.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Hashable
from dataclasses import dataclass, field

from bot.clock import Clock
from bot.ratelimit import RateLimiter, SendPacer
from storage.database import Database
from storage.repositories import send_budget as repo

LOOKAHEAD_S = 0.25


@dataclass
class _Budget:
    name: str
    interval: float  # seconds between sends at the steady rate
    tolerance: float  # how far ahead of its theoretical time a send may go: the burst
    chunk: int  # the most sends reserved at once
    slots: deque[float] = field(default_factory=deque)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    created: bool = False

    @property
    def staleness(self) -> float:
        return max(self.interval, self.tolerance / 2)


class SharedRateLimiter:
    """Paces sends per key against a budget shared by every process on the same database."""

    def __init__(self, database: Database, clock: Clock, *, lookahead: float = LOOKAHEAD_S) -> None:
        self._database = database
        self._clock = clock
        self._lookahead = lookahead
        self._budgets: dict[Hashable, _Budget] = {}
        self.waited_seconds = 0.0
        self.penalties = 0
        self.reservations = 0
        self.dropped_slots = 0

    def configure(self, key: Hashable, *, rate: float, burst: int) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("rate must be positive and burst at least 1")
        interval = 1.0 / rate
        self._budgets[key] = _Budget(
            name=budget_name(key),
            interval=interval,
            tolerance=(burst - 1) * interval,
            chunk=max(1, int(rate * self._lookahead)),
        )

    def _budget(self, key: Hashable) -> _Budget:
        if key not in self._budgets:
            self.configure(key, rate=1.0, burst=1)
        return self._budgets[key]

    def _now(self) -> float:
        return self._clock.now().timestamp()

    async def acquire(self, key: Hashable, upcoming: int = 1) -> float:
        """Wait for this send's reserved slot; `upcoming` (this send and those queued behind it in
        the same lane) sizes the reservation when a new one is needed. Returns the wait."""
        budget = self._budget(key)
        async with budget.lock:
            now = self._now()
            while budget.slots and budget.slots[0] < now - budget.staleness:
                budget.slots.popleft()
                self.dropped_slots += 1
            if not budget.slots:
                await self._reserve(budget, min(max(1, upcoming), budget.chunk), now)
                now = self._now()
            wait = budget.slots.popleft() - now
            if wait > 0:
                await self._clock.sleep(wait)
                self.waited_seconds += wait
            return max(0.0, wait)

    async def _reserve(self, budget: _Budget, count: int, now: float) -> None:
        async with self._database.session() as session:
            if not budget.created:
                await repo.ensure(session, budget.name, now)
            first = await repo.reserve(session, budget.name, now=now, count=count, interval=budget.interval)
        budget.created = True
        self.reservations += 1
        budget.slots.extend(max(now, first + i * budget.interval - budget.tolerance) for i in range(count))

    async def penalise(self, key: Hashable, retry_after: float) -> None:
        """The platform said 429: no worker sends to `key` for `retry_after` seconds."""
        budget = self._budget(key)
        self.penalties += 1
        self.dropped_slots += len(budget.slots)
        budget.slots.clear()
        now = self._now()
        async with self._database.session() as session:
            if not budget.created:
                await repo.ensure(session, budget.name, now)
            # The first send after the pause goes at `until - tolerance`, so hold `tat` a burst later.
            await repo.hold(session, budget.name, now=now, until=now + retry_after + budget.tolerance)
        budget.created = True


def budget_name(key: Hashable) -> str:
    """The row key for a limiter key: `slack:T123` for ("slack", "T123")."""
    parts = key if isinstance(key, tuple) else (key,)
    return ":".join(str(part) for part in parts)[:100]


def build_limiter(choice: str, database: Database, clock: Clock) -> SendPacer:
    """The limiter the `send_budget` setting asks for: `auto` shares the budget on PostgreSQL,
    where several worker processes may run; SQLite has one process, which paces alone."""
    if choice == "shared" or (choice == "auto" and not database.is_sqlite):
        return SharedRateLimiter(database, clock)
    return RateLimiter(clock)
