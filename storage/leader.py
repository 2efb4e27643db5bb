"""One scheduler among many processes: a PostgreSQL advisory lock held on its own connection.

SQLite is single-process by design here, so the lock is always granted there.
"""

from __future__ import annotations

import logging

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.database import Database

log = logging.getLogger(__name__)

LOCK_KEY = 0x6D656D626F74  # "membot"


class LeaderLock:
    """Try to become the leader; the lock lasts as long as the held connection."""

    def __init__(self, database: Database, key: int = LOCK_KEY) -> None:
        self._database = database
        self._key = key
        self._connection: AsyncConnection | None = None

    @property
    def held(self) -> bool:
        return self._connection is not None or self._database.is_sqlite

    async def try_acquire(self) -> bool:
        if self._database.is_sqlite or self._connection is not None:
            return True
        connection = await self._database.engine.connect()
        got = await connection.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": self._key})
        await connection.commit()
        if got:
            self._connection = connection
            return True
        await connection.close()
        return False

    async def release(self) -> None:
        if self._connection is not None:
            try:
                await self._connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": self._key})
            finally:
                await self._connection.close()
                self._connection = None
