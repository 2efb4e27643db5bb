"""Exactly one process schedules: the PostgreSQL advisory lock, and SQLite's single-process rule."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import text

from bot.clock import FakeClock
from bot.jobs import Job
from bot.scheduler import JobScheduler
from storage.database import Database
from storage.leader import LeaderLock


@pytest.mark.postgres
async def test_only_one_leader_until_it_lets_go(pg_db: Database, pg_schema: str) -> None:
    other = Database(pg_db.url, schema=pg_schema)
    first, second = LeaderLock(pg_db, key=4242), LeaderLock(other, key=4242)
    try:
        assert await first.try_acquire() is True
        assert await second.try_acquire() is False
        assert first.held and not second.held
        await first.release()
        assert await second.try_acquire() is True
    finally:
        await first.release()
        await second.release()
        await other.dispose()


async def test_sqlite_process_is_always_the_leader(sqlite_db: Database) -> None:
    assert await LeaderLock(sqlite_db).try_acquire() is True


def _probe(runs: list[str], name: str) -> Job:
    async def run() -> None:
        runs.append(name)

    return Job(name="probe", run=run, triggers=(IntervalTrigger(hours=1),))


class Beats(FakeClock):
    """A fake clock whose `sleep` returns only when the test lets one beat pass."""

    def __init__(self) -> None:
        super().__init__(datetime(2026, 11, 20, tzinfo=UTC))
        self.tokens: asyncio.Queue[None] = asyncio.Queue()
        self.waiting = asyncio.Event()

    async def sleep(self, seconds: float) -> None:
        self.waiting.set()
        await self.tokens.get()
        self.waiting.clear()
        await super().sleep(seconds)

    async def one_beat(self) -> None:
        """Let one beat run to its end (until the loop sleeps again)."""
        await asyncio.wait_for(self.waiting.wait(), 5)
        self.waiting.clear()
        self.tokens.put_nowait(None)
        await asyncio.wait_for(self.waiting.wait(), 5)


async def _end_sessions_holding(database: Database, key: int) -> None:
    """What PostgreSQL does when the leader's process dies: its session, and so its lock, ends."""
    holders = text("SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND objid = :key AND granted")
    async with database.engine.connect() as connection:
        await connection.execute(text(f"SELECT pg_terminate_backend(pid) FROM ({holders.text}) AS h"), {"key": key})
        await connection.commit()
        async with asyncio.timeout(10):
            while (await connection.execute(holders, {"key": key})).first() is not None:
                await connection.commit()
                await asyncio.sleep(0.01)
        await connection.commit()


@pytest.mark.postgres
async def test_a_follower_takes_over_within_one_interval_when_the_leader_dies(pg_db: Database, pg_schema: str) -> None:
    other, admin = Database(pg_db.url, schema=pg_schema), Database(pg_db.url, schema=pg_schema)
    runs: list[str] = []
    leader = JobScheduler([_probe(runs, "old")], ZoneInfo("UTC"), LeaderLock(pg_db, key=4343))
    follower = JobScheduler([_probe(runs, "new")], ZoneInfo("UTC"), LeaderLock(other, key=4343))
    clock = Beats()
    beats = asyncio.create_task(follower.keep_leader(clock, 20.0))
    try:
        assert await leader.start() is True and leader.leading
        await clock.one_beat()
        assert not follower.leading  # the lock is held: the follower only delivers

        await _end_sessions_holding(admin, 4343)  # the leader's process is gone
        await clock.one_beat()
        assert follower.leading  # taken over on the very next beat (20 s here; LEADER_RETRY_SECONDS in production)
        assert runs == ["new"]  # and it caught up at once on what was due

        assert await leader.check_leadership() is False  # the old leader noticed its lock died with its session
        assert not leader.leading
    finally:
        beats.cancel()
        await asyncio.gather(beats, return_exceptions=True)
        await leader.stop()
        await follower.stop()
        await other.dispose()
        await admin.dispose()
