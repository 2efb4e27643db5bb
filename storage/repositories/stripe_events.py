"""Stripe events as received: recorded once by id, then claimed one at a time and marked done, failed (to be
retried later) or abandoned."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import StripeEvent
from storage.repositories._upsert import insert_ignoring_conflicts


async def record(session: AsyncSession, values: dict[str, Any]) -> bool:
    """Insert the event unless its `event_id` is known. True if it is new."""
    result = await session.execute(insert_ignoring_conflicts(session, StripeEvent, values))
    return bool(result.rowcount)  # type: ignore[attr-defined]  # a DML Result is a CursorResult


async def to_process(session: AsyncSession, now: datetime, limit: int) -> Sequence[tuple[int, int]]:
    """(row id, attempts) of pending events and of failed ones whose retry time has come, in arrival order."""
    rows = await session.execute(
        select(StripeEvent.id, StripeEvent.attempts)
        .where(
            StripeEvent.status.in_(("pending", "failed")),
            or_(StripeEvent.retry_at.is_(None), StripeEvent.retry_at <= now),
        )
        .order_by(StripeEvent.id)
        .limit(limit)
    )
    return [(row_id, attempts) for row_id, attempts in rows.all()]


async def claim(session: AsyncSession, row_id: int, attempts: int) -> tuple[str, str, dict[str, Any]] | None:
    """Count one more attempt on the row if nobody else did meanwhile; then its (event id, type, payload).

    None when another worker claimed it first or it was processed."""
    claimed = await session.execute(
        update(StripeEvent)
        .where(StripeEvent.id == row_id, StripeEvent.attempts == attempts, StripeEvent.status != "processed")
        .values(attempts=attempts + 1)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]  # a DML Result is a CursorResult
        return None
    row = await session.get(StripeEvent, row_id)
    assert row is not None
    return row.event_id, row.type, dict(row.payload)


async def finish(
    session: AsyncSession, row_id: int, status: str, error: str | None, now: datetime, retry_at: datetime | None = None
) -> None:
    """Mark the row processed (at `now`), failed (with `error`, tried again from `retry_at`) or abandoned."""
    await session.execute(
        update(StripeEvent)
        .where(StripeEvent.id == row_id)
        .values(
            status=status,
            error=error,
            processed_at=now if status == "processed" else None,
            retry_at=retry_at if status == "failed" else None,
        )
        .execution_options(synchronize_session=False)
    )


async def received_at(session: AsyncSession, row_id: int) -> datetime | None:
    return await session.scalar(select(StripeEvent.received_at).where(StripeEvent.id == row_id))


async def stuck(session: AsyncSession) -> tuple[int, int]:
    """(failed events waiting for a retry, events given up on), for /healthz."""
    rows = await session.execute(
        select(StripeEvent.status, func.count())
        .where(StripeEvent.status.in_(("failed", "abandoned")))
        .group_by(StripeEvent.status)
    )
    counts = {status: int(count) for status, count in rows.all()}
    return counts.get("failed", 0), counts.get("abandoned", 0)
