"""Exactly one process schedules: the PostgreSQL advisory lock, and SQLite's single-process rule."""

from __future__ import annotations

import pytest

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
