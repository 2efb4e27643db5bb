"""The outbox table: idempotent enqueue, leased claims, the three ways a send ends, and withdrawing
a row before it is claimed."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import OutboxMessage
from storage.repositories._upsert import affected, insert_for, insert_ignoring_conflicts


async def enqueue(
    session: AsyncSession,
    *,
    dedupe_key: str,
    platform: str,
    workspace_id: str,
    target: dict[str, Any],
    payload: dict[str, Any],
    now: datetime,
    not_before: datetime | None = None,
    member_id: int | None = None,
) -> bool:
    """Add a message unless one with this key exists. True if this call added it."""
    statement = insert_ignoring_conflicts(
        session,
        OutboxMessage,
        {
            "dedupe_key": dedupe_key,
            "platform": platform,
            "workspace_id": workspace_id,
            "target": target,
            "payload": payload,
            "member_id": member_id,
            "status": "pending",
            "attempts": 0,
            "next_attempt_at": not_before or now,
            "created_at": now,
        },
    )
    return affected(await session.execute(statement)) == 1


async def enqueue_many(session: AsyncSession, rows: Sequence[dict[str, Any]], *, now: datetime) -> None:
    """`enqueue` for many messages in one statement (a fan-out): each dict has `dedupe_key`, `platform`,
    `workspace_id`, `target`, `payload` and optionally `member_id` and `not_before`. Keys already
    queued are skipped, as with `enqueue`."""
    if not rows:
        return
    values = [
        {
            "dedupe_key": row["dedupe_key"],
            "platform": row["platform"],
            "workspace_id": row["workspace_id"],
            "target": row["target"],
            "payload": row["payload"],
            "member_id": row.get("member_id"),
            "status": "pending",
            "attempts": 0,
            "next_attempt_at": row.get("not_before") or now,
            "created_at": now,
        }
        for row in rows
    ]
    await session.execute(insert_for(session, OutboxMessage).on_conflict_do_nothing(), values)


async def next_due(session: AsyncSession, platforms: Sequence[str]) -> datetime | None:
    """The earliest moment a row for `platforms` becomes claimable: a pending row's next attempt, or the
    end of a lease still held."""
    mine = OutboxMessage.platform.in_(platforms)
    pending = await session.scalar(
        select(func.min(OutboxMessage.next_attempt_at)).where(mine, OutboxMessage.status == "pending")
    )
    leased = await session.scalar(
        select(func.min(OutboxMessage.lease_until)).where(mine, OutboxMessage.status == "sending")
    )
    found = [moment for moment in (pending, leased) if moment is not None]
    return min(found) if found else None


async def claim_due(
    session: AsyncSession,
    *,
    now: datetime,
    worker_id: str,
    lease: timedelta,
    limit: int,
    platforms: Sequence[str],
) -> Sequence[OutboxMessage]:
    """Lease up to `limit` due rows to this worker, in one atomic statement.

    Due means pending and past `next_attempt_at`, or leased by a worker whose lease ran
    out (it died between claim and send). On PostgreSQL `SKIP LOCKED` lets several
    workers claim side by side without waiting on, or taking, each other's rows; the
    due condition is repeated on the UPDATE so a row claimed meanwhile is never taken
    twice. On SQLite the single statement holds the write lock throughout.
    """
    is_due = or_(
        and_(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now),
        and_(OutboxMessage.status == "sending", OutboxMessage.lease_until < now),
    )
    # A CTE, not a plain IN (subquery): PostgreSQL may re-run a LIMITed subquery per row,
    # claiming more than `limit`; a CTE with a locking clause is materialised exactly once.
    due = (
        select(OutboxMessage.id)
        .where(OutboxMessage.platform.in_(platforms), is_due)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
        .cte("due")
    )
    claimed = await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(select(due.c.id)), is_due)
        .values(status="sending", lease_until=now + lease, claimed_by=worker_id, attempts=OutboxMessage.attempts + 1)
        .returning(OutboxMessage)
        .execution_options(synchronize_session=False)
    )
    return sorted(claimed.scalars().all(), key=lambda row: (row.next_attempt_at, row.id))


async def mark_sent(
    session: AsyncSession, row_id: int, *, worker_id: str, now: datetime, platform_message_id: str
) -> None:
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == row_id, OutboxMessage.claimed_by == worker_id)
        .values(status="sent", sent_at=now, platform_message_id=platform_message_id, lease_until=None, last_error=None)
    )


async def reschedule(
    session: AsyncSession,
    row_id: int,
    *,
    worker_id: str,
    at: datetime,
    error: str,
    count_attempt: bool = True,
) -> None:
    """Put a claimed row back for a later try. A rate-limit wait does not count as an attempt."""
    values: dict[str, Any] = {
        "status": "pending",
        "next_attempt_at": at,
        "lease_until": None,
        "last_error": error[:300],
    }
    if not count_attempt:
        values["attempts"] = OutboxMessage.attempts - 1
    await session.execute(
        update(OutboxMessage).where(OutboxMessage.id == row_id, OutboxMessage.claimed_by == worker_id).values(**values)
    )


async def mark_dead(session: AsyncSession, row_id: int, *, worker_id: str, error: str) -> None:
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == row_id, OutboxMessage.claimed_by == worker_id)
        .values(status="dead", lease_until=None, last_error=error[:300])
    )


WITHDRAWN = "withdrawn"
"""A pending row whose reason no longer holds: never sent, kept so its key still dedupes."""


async def withdraw(session: AsyncSession, keys: Sequence[str], *, reason: str) -> list[str]:
    """The rows of these keys that never reached a platform will not go: they become `withdrawn`. A
    claimed row is being sent, and one waiting to retry may be on the platform already (a timeout after
    it was accepted): both stay. The claim and this are one UPDATE each on a pending row, so whichever
    comes first wins. Returns the keys withdrawn."""
    if not keys:
        return []
    result = await session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.dedupe_key.in_(keys),
            OutboxMessage.status == "pending",
            OutboxMessage.attempts == 0,  # a rate limit or a lease handed back does not count as one
        )
        .values(status=WITHDRAWN, last_error=reason[:300])
        .returning(OutboxMessage.dedupe_key)
        .execution_options(synchronize_session=False)
    )
    return list(result.scalars().all())


async def count_by_status(session: AsyncSession) -> dict[str, int]:
    rows = await session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status))
    return {status: int(count) for status, count in rows.all()}


async def next_due_at(session: AsyncSession) -> datetime | None:
    """When the earliest pending row becomes due (for the worker's idle wait)."""
    return await session.scalar(
        select(func.min(OutboxMessage.next_attempt_at)).where(OutboxMessage.status == "pending")
    )


async def by_key(session: AsyncSession, dedupe_key: str) -> OutboxMessage | None:
    return await session.scalar(select(OutboxMessage).where(OutboxMessage.dedupe_key == dedupe_key))


async def existing_keys(session: AsyncSession, keys: Sequence[str]) -> set[str]:
    """Which of these dedupe keys are already queued (for scans that would build costly messages)."""
    if not keys:
        return set()
    result = await session.scalars(select(OutboxMessage.dedupe_key).where(OutboxMessage.dedupe_key.in_(keys)))
    return set(result.all())
