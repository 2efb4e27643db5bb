"""A deployment's start: answering and delivering at once, the catch-up of every job behind it."""

from __future__ import annotations

import asyncio
import dataclasses
from pathlib import Path

from sqlalchemy import select

from bot.app import build_app
from bot.clock import FakeClock
from bot.community.loader import load_community
from bot.messages import Target, text_message
from bot.platforms.memory import MemoryPlatform
from bot.services.importer import import_community
from bot.settings import Settings
from storage.database import Database
from storage.leader import LeaderLock
from storage.models import OutboxMessage


class FlakyLock(LeaderLock):
    """The leader lock of a database that is unreachable the first time it is tried."""

    tries = 0

    async def try_acquire(self) -> bool:
        self.tries += 1
        if self.tries == 1:
            raise ConnectionError("database unreachable")
        return await super().try_acquire()


async def test_a_slow_catch_up_does_not_hold_back_start_or_delivery(
    sqlite_db: Database, settings: Settings, clock: FakeClock, memory: MemoryPlatform, community_path: Path
) -> None:
    await import_community(sqlite_db, load_community(community_path), clock.now())
    app = await build_app(settings, clock=clock, platforms={"memory": memory}, database=sqlite_db)
    release, ran = asyncio.Event(), []

    async def slow() -> None:  # a first run that takes long at a million members
        await release.wait()
        ran.append("slow")

    first = app.scheduler.jobs[0]
    app.scheduler.jobs = (dataclasses.replace(first, run=slow), *app.scheduler.jobs[1:])
    async with sqlite_db.session() as session:  # queued by the process before, not yet sent
        await app.outbox.enqueue(session, "before-restart:1", Target("memory", "W1", user_id="u1"), text_message("hi"))
    try:
        await asyncio.wait_for(app.start(background=True), 10)
        assert not app.caught_up.is_set()
        for _ in range(200):
            if memory.dms_to("u1"):
                break
            await asyncio.sleep(0.05)
        assert [m.text for m in memory.dms_to("u1")] == ["hi"], "the worker delivers during the catch-up"
        assert not app.scheduler.leading  # the jobs are scheduled only after their catch-up
        release.set()
        await asyncio.wait_for(app.caught_up.wait(), 10)
        assert ran == ["slow"]
        for _ in range(100):
            if app.scheduler.leading:
                break
            await asyncio.sleep(0.05)
        assert app.scheduler.leading
    finally:
        release.set()
        await app.stop()


async def test_a_failed_first_election_after_the_catch_up_is_tried_again(
    sqlite_db: Database, settings: Settings, clock: FakeClock, memory: MemoryPlatform, community_path: Path
) -> None:
    await import_community(sqlite_db, load_community(community_path), clock.now())
    app = await build_app(settings, clock=clock, platforms={"memory": memory}, database=sqlite_db)
    lock = FlakyLock(sqlite_db)
    app.scheduler._leader = lock  # the scheduler's own lock, failing once as a database hiccup would
    app.scheduler.jobs = ()  # nothing to catch up: the election is what is tested
    app.leader_retry_seconds = 0.01
    try:
        await app.start(background=True)
        for _ in range(200):
            if app.scheduler.leading:
                break
            await asyncio.sleep(0.01)
        assert lock.tries >= 2 and app.scheduler.leading
    finally:
        await app.stop()


class SlowMemory(MemoryPlatform):
    """A platform whose sends wait until they are let through."""

    def __init__(self) -> None:
        super().__init__()
        self.sending, self.release = asyncio.Event(), asyncio.Event()

    async def send(self, target, message, *, delivery=None):  # type: ignore[no-untyped-def]  # the parent's, slowed
        self.sending.set()
        await self.release.wait()
        return await super().send(target, message, delivery=delivery)


async def test_a_stop_lets_the_delivery_in_flight_finish_and_be_recorded(
    sqlite_db: Database, settings: Settings, clock: FakeClock, community_path: Path
) -> None:
    """A message half-way out at shutdown was cut off: cancelled between the platform and the row's
    update it waited for its lease and a retry, and the cancelled rollback was logged as an error."""
    await import_community(sqlite_db, load_community(community_path), clock.now())
    slow = SlowMemory()
    app = await build_app(settings, clock=clock, platforms={"memory": slow}, database=sqlite_db)
    await app.start(background=True)
    try:
        async with sqlite_db.session() as session:
            await app.outbox.enqueue(
                session, "at-shutdown:1", Target("memory", "W1", user_id="u1"), text_message("bye")
            )
        await asyncio.wait_for(slow.sending.wait(), 10)
        stopping = asyncio.create_task(app.stop())
        await asyncio.sleep(0)  # the stop begins while the send is in flight (no waiting on the wall clock)
        slow.release.set()
        await asyncio.wait_for(stopping, 15)
    finally:
        slow.release.set()
        await app.stop()
    assert [m.text for m in slow.dms_to("u1")] == ["bye"]
    async with sqlite_db.session() as session:
        [row] = (await session.scalars(select(OutboxMessage).where(OutboxMessage.dedupe_key == "at-shutdown:1"))).all()
    assert row.status == "sent"
