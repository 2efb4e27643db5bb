"""A workspace's send budget shared through the database by several workers (issue 19, item 1).

Each `SharedRateLimiter` below stands for one worker process: its own slots, its own
connection pool where it matters, the same database row.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from datetime import timedelta

import pytest
from pydantic import ValidationError

from bot.clock import FakeClock, SystemClock
from bot.messages import Target, text_message
from bot.outbox import DeliveryPolicy, DeliveryWorker, Outbox
from bot.platforms.memory import MemoryPlatform
from bot.ratelimit import RateLimiter
from bot.send_budget import SharedRateLimiter, budget_name, build_limiter
from bot.settings import Settings
from storage.database import Database
from storage.repositories import outbox as outbox_repo
from storage.repositories import send_budget as repo

KEY = ("memory", "W1")


def limiters(db: Database, clock: FakeClock | SystemClock, *, rate: float, burst: int) -> list[SharedRateLimiter]:
    out = [SharedRateLimiter(db, clock), SharedRateLimiter(db, clock)]
    for limiter in out:
        limiter.configure(KEY, rate=rate, burst=burst)
    return out


async def test_two_workers_take_turns_on_one_budget(db: Database, clock: FakeClock) -> None:
    first, second = limiters(db, clock, rate=10, burst=1)
    sent_at = []
    for _ in range(10):
        for limiter in (first, second):
            await limiter.acquire(KEY)
            sent_at.append(clock.now())
    gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(sent_at)]
    assert min(gaps) == pytest.approx(0.1, abs=1e-5)
    assert (sent_at[-1] - sent_at[0]).total_seconds() == pytest.approx(1.9, abs=1e-4)


async def test_two_local_limiters_would_each_send_at_the_full_rate(clock: FakeClock) -> None:
    """What the shared budget fixes: each process alone lets 20 sends through in 0.9 s, not 1.9 s."""
    first, second = RateLimiter(clock), RateLimiter(clock)
    for limiter in (first, second):
        limiter.configure(KEY, rate=10, burst=1)
    started = clock.now()
    for _ in range(10):
        for limiter in (first, second):
            await limiter.acquire(KEY)
    assert (clock.now() - started).total_seconds() == pytest.approx(0.9, abs=1e-4)


async def test_burst_then_steady_rate(db: Database, clock: FakeClock) -> None:
    first, second = limiters(db, clock, rate=10, burst=5)
    started = clock.now()
    waits = [await (first if n % 2 else second).acquire(KEY) for n in range(7)]
    assert waits[:5] == [0.0] * 5  # the burst goes at once, whichever worker sends it
    assert (clock.now() - started).total_seconds() == pytest.approx(0.2, abs=1e-4)


async def test_a_lane_reserves_what_it_is_about_to_send_and_the_other_worker_queues_behind(
    db: Database, clock: FakeClock
) -> None:
    first, second = limiters(db, clock, rate=100, burst=1)
    started = clock.now()
    for upcoming in range(5, 0, -1):
        await first.acquire(KEY, upcoming)
    assert first.reservations == 1
    await second.acquire(KEY)
    assert (clock.now() - started).total_seconds() == pytest.approx(0.05, abs=1e-4)


async def test_a_reservation_holds_at_most_a_quarter_second_of_the_rate(db: Database, clock: FakeClock) -> None:
    (limiter,) = limiters(db, clock, rate=10, burst=1)[:1]
    for upcoming in range(5, 0, -1):
        await limiter.acquire(KEY, upcoming)
    assert limiter.reservations == 3  # 2 + 2 + 1: a slow lane does not hold the budget for seconds


async def test_a_429_seen_by_one_worker_holds_back_the_other(db: Database, clock: FakeClock) -> None:
    first, second = limiters(db, clock, rate=10, burst=10)
    await first.acquire(KEY)
    await first.penalise(KEY, 5.0)
    started = clock.now()
    assert await second.acquire(KEY) == pytest.approx(5.0, abs=1e-4)
    assert (clock.now() - started).total_seconds() == pytest.approx(5.0, abs=1e-4)
    assert await first.acquire(KEY) == pytest.approx(0.1, abs=1e-4)  # its old slots were dropped


async def test_a_budget_left_far_in_the_future_by_a_moved_clock_does_not_block(db: Database, clock: FakeClock) -> None:
    (limiter,) = limiters(db, clock, rate=10, burst=1)[:1]
    await limiter.acquire(KEY)
    async with db.session() as session:  # a demo that moved its clock ten days on, then restarted on real time
        await repo.hold(session, budget_name(KEY), now=clock.now().timestamp(), until=clock.now().timestamp() + 864_000)
    clock.advance(timedelta(seconds=1))
    assert await limiter.acquire(KEY) == 0.0


async def test_slots_that_fell_too_far_behind_are_dropped_not_sent_late(db: Database, clock: FakeClock) -> None:
    (limiter,) = limiters(db, clock, rate=100, burst=1)[:1]
    await limiter.acquire(KEY, 3)
    clock.advance(timedelta(seconds=5))  # the lane stalled: its two other slots are long past
    await limiter.acquire(KEY)
    assert limiter.dropped_slots == 2 and limiter.reservations == 2


async def test_concurrent_processes_together_keep_to_the_rate(pg_db: Database, pg_schema: str) -> None:
    """Real time, two connection pools (as two processes have), sends at once from both."""
    clock = SystemClock()
    other = Database(pg_db.url, schema=pg_schema)
    try:
        workers = [SharedRateLimiter(pg_db, clock), SharedRateLimiter(other, clock)]
        for limiter in workers:
            limiter.configure(KEY, rate=50, burst=1)
        times: list[float] = []

        async def lane(limiter: SharedRateLimiter, n: int) -> None:
            for i in range(n):
                await limiter.acquire(KEY, n - i)
                times.append(time.monotonic())

        started = time.monotonic()
        await asyncio.gather(lane(workers[0], 25), lane(workers[1], 25))
        elapsed = time.monotonic() - started
    finally:
        await other.dispose()
    assert elapsed >= 0.95  # 50 sends at 50/s, burst 1: 49 intervals of 20 ms; alone each would take 0.48 s
    times.sort()
    in_any_200ms = max(sum(1 for t in times if start <= t < start + 0.2) for start in times)
    assert in_any_200ms <= 10 + 2  # the rate, and scheduling jitter of a sleep or two


async def test_a_row_whose_lease_runs_out_while_waiting_for_the_budget_is_handed_back(
    db: Database, clock: FakeClock
) -> None:
    memory = MemoryPlatform()
    outbox = Outbox(clock)
    async with db.session() as session:
        await outbox.enqueue(session, "late:1", Target("memory", "W1", user_id="u1"), text_message("hello"))
    busy, mine = SharedRateLimiter(db, clock), SharedRateLimiter(db, clock)
    caps = memory.capabilities
    busy.configure(KEY, rate=caps.sends_per_second, burst=caps.burst)
    await busy.penalise(KEY, 100.0)  # another worker was told to wait 100 s, longer than the lease
    worker = DeliveryWorker(db, {"memory": memory}, clock, mine, policy=DeliveryPolicy(lease=timedelta(seconds=60)))
    assert await worker.run_once() == 1
    assert memory.sent == [] and worker.stats.released == 1
    async with db.session() as session:
        row = await outbox_repo.by_key(session, "late:1")
    assert row is not None and row.status == "pending" and row.attempts == 0
    assert await worker.drain() == 1
    assert len(memory.sent) == 1 and worker.stats.sent == 1


def test_auto_shares_the_budget_on_postgresql_only(sqlite_db: Database) -> None:
    pg = Database("postgresql+asyncpg://postgres@127.0.0.1:5432/test")
    clock = FakeClock()
    assert isinstance(build_limiter("auto", pg, clock), SharedRateLimiter)
    assert isinstance(build_limiter("auto", sqlite_db, clock), RateLimiter)
    assert isinstance(build_limiter("shared", sqlite_db, clock), SharedRateLimiter)
    assert isinstance(build_limiter("local", pg, clock), RateLimiter)


def test_a_bad_send_budget_setting_is_named_with_the_choices(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MEMBOT_SEND_BUDGET", "everyone")
    with pytest.raises(ValidationError) as caught:
        Settings(_env_file=None)
    assert "use 'auto' (shared on PostgreSQL), 'shared' or 'local'" in str(caught.value)
