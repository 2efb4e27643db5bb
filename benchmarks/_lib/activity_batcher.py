"""A batching activity recorder: what `bot/services/activity.record` could become under load.

Today every interaction opens a transaction, inserts one `activity` row, updates the
member's `last_active_at` and commits: one commit (one WAL append, or one PostgreSQL round
trip + fsync) per event. `ActivityBatcher.record` only appends to a buffer; a background task
writes the buffer every `interval` seconds (or at once when `max_batch` events wait) in one
transaction: one multi-row INSERT into activity and one UPDATE per member touched, with the
member's latest time. `flush()` on shutdown writes what is left. The cost: an event is durable
up to `interval` later (activity is statistics, not money), and a crash loses at most that.
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import datetime

from sqlalchemy import bindparam, insert, update

from storage.database import Database
from storage.models import Activity, Member


class ActivityBatcher:
    def __init__(self, database: Database, *, interval: float = 0.2, max_batch: int = 2000) -> None:
        self._database = database
        self._interval = interval
        self._max_batch = max_batch
        self._buffer: list[dict[str, object]] = []
        self._full = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self.written = 0
        self.batches = 0

    def record(self, member_id: int, kind: str, now: datetime, ref: str | None = None) -> None:
        self._buffer.append(
            {"member_id": member_id, "kind": kind, "occurred_at": now, "ref": (ref or None) and ref[:120]}
        )
        if len(self._buffer) >= self._max_batch:
            self._full.set()

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        """Write what is left and end the writer (never cancelled mid-write: that would leave a
        transaction open on the connection)."""
        self._stopping = True
        self._full.set()
        if self._task is not None:
            await self._task
            self._task = None
        await self.flush()

    async def _run(self) -> None:
        while not self._stopping:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._full.wait(), self._interval)
            self._full.clear()
            await self.flush()

    async def flush(self) -> int:
        """Write everything buffered, at most `max_batch` events per transaction."""
        written = 0
        while self._buffer:
            rows, self._buffer = self._buffer[: self._max_batch], self._buffer[self._max_batch :]
            written += await self._write(rows)
        return written

    async def _write(self, rows: list[dict[str, object]]) -> int:
        latest: dict[int, datetime] = {}
        for row in rows:
            mid, at = row["member_id"], row["occurred_at"]
            if mid not in latest or at > latest[mid]:  # type: ignore[operator]
                latest[mid] = at  # type: ignore[index,assignment]
        async with self._database.session() as session:
            await session.execute(insert(Activity), rows)
            await session.execute(
                update(Member.__table__)
                .where(Member.__table__.c.id == bindparam("mid"))
                .values(last_active_at=bindparam("at")),
                [{"mid": mid, "at": at} for mid, at in latest.items()],
            )
        self.written += len(rows)
        self.batches += 1
        return len(rows)
