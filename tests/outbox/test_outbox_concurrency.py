"""Several delivery workers on one PostgreSQL: every message once, none lost (FOR UPDATE SKIP LOCKED)."""

from __future__ import annotations

import asyncio
from collections import Counter

import pytest

from bot.clock import FakeClock
from bot.messages import DeliveryKey, OutboundMessage, SentMessage, Target, text_message
from bot.outbox import DeliveryPolicy, DeliveryWorker, Outbox
from bot.platforms.memory import MemoryPlatform
from bot.ratelimit import RateLimiter
from storage.database import Database
from storage.repositories import outbox as repo

pytestmark = pytest.mark.postgres


class SlowMemory(MemoryPlatform):
    """Yields to the event loop inside send, so the two workers really interleave."""

    async def send(
        self, target: Target, message: OutboundMessage, *, delivery: DeliveryKey | None = None
    ) -> SentMessage:
        await asyncio.sleep(0)
        return await super().send(target, message)


async def test_two_workers_deliver_1000_messages_with_no_duplicates(pg_db: Database, pg_schema: str) -> None:
    clock = FakeClock()
    outbox = Outbox(clock)
    async with pg_db.session() as session:
        for n in range(1000):
            await outbox.enqueue(session, f"bulk:{n}", Target("memory", "W1", user_id=f"u{n}"), text_message(str(n)))

    platform = SlowMemory()
    second_engine = Database(pg_db.url, schema=pg_schema)  # a second connection pool, as a second process has
    workers = [
        DeliveryWorker(
            database,
            {"memory": platform},
            clock,
            RateLimiter(clock),
            policy=DeliveryPolicy(batch=25),
            worker_id=f"w{i}",
        )
        for i, database in enumerate((pg_db, second_engine))
    ]
    try:
        claimed = await asyncio.gather(*(w.drain() for w in workers))
    finally:
        await second_engine.dispose()

    texts = Counter(d.message.text for d in platform.sent)
    assert len(texts) == 1000 and max(texts.values()) == 1  # nothing lost, nothing twice
    assert sum(claimed) == 1000
    assert all(c > 0 for c in claimed), f"both workers should have delivered: {claimed}"
    async with pg_db.session() as session:
        assert await repo.count_by_status(session) == {"sent": 1000}


async def test_claims_never_overlap_under_skip_locked(pg_db: Database, pg_schema: str) -> None:
    """Two transactions claiming at the same moment get disjoint rows."""
    from datetime import timedelta

    clock = FakeClock()
    async with pg_db.session() as session:
        for n in range(40):
            await Outbox(clock).enqueue(session, f"k{n}", Target("memory", "W1", user_id="u"), text_message("x"))
    other = Database(pg_db.url, schema=pg_schema)
    try:
        async with pg_db.sessions() as s1, other.sessions() as s2, s1.begin():
            first = await repo.claim_due(
                s1, now=clock.now(), worker_id="a", lease=timedelta(minutes=1), limit=30, platforms=["memory"]
            )
            async with s2.begin():  # s1 still holds its row locks here
                second = await repo.claim_due(
                    s2, now=clock.now(), worker_id="b", lease=timedelta(minutes=1), limit=30, platforms=["memory"]
                )
    finally:
        await other.dispose()
    assert len(first) == 30 and len(second) == 10
    assert not {r.id for r in first} & {r.id for r in second}
