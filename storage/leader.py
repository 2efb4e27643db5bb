"""One scheduler among many processes: a PostgreSQL advisory lock held on its own connection.

SQLite is single-process by design here, so the lock is always granted there.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.database import Database

log = logging.getLogger(__name__)

LOCK_KEY = 0x6D656D626F74  # "membot"
PING_TIMEOUT = 5.0


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

    async def still_held(self) -> bool:
        """Whether the lock's connection is alive (the lock lives exactly as long as it does).

        A dead connection (the server restarted, the network dropped, an admin ended the
        session) means another process may hold the lock by now: it is dropped here, and the
        caller must stop scheduling and try again like any follower.
        """
        if self._database.is_sqlite:
            return True
        if self._connection is None:
            return False
        try:
            async with asyncio.timeout(PING_TIMEOUT):
                await self._connection.scalar(text("SELECT 1"))
                await self._connection.commit()
            return True
        except Exception:  # any failure: the session, and so the lock, may be gone
            log.warning("the scheduler lock's connection died; this process stops scheduling")
            connection, self._connection = self._connection, None
            with contextlib.suppress(Exception):
                await connection.invalidate()
            return False

    async def release(self) -> None:
        if self._connection is not None:
            connection, self._connection = self._connection, None
            try:
                await connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": self._key})
            except Exception:  # a dead connection holds no lock
                log.info("the scheduler lock's connection was already gone")
            finally:
                with contextlib.suppress(Exception):
                    await connection.close()
