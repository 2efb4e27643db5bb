"""A deployment's start: answering and delivering at once, the catch-up of every job behind it."""

from __future__ import annotations

import asyncio
import dataclasses
from pathlib import Path

from bot.app import build_app
from bot.clock import FakeClock
from bot.community.loader import load_community
from bot.messages import Target, text_message
from bot.platforms.memory import MemoryPlatform
from bot.services.importer import import_community
from bot.settings import Settings
from storage.database import Database
from storage.leader import LeaderLock


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
