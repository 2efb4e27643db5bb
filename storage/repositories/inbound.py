"""The inbound queue: each platform delivery is recorded before it is acknowledged, then handled.

A delivery is one row, unique per (platform, key), so a retry (Slack's X-Slack-Retry-Num)
has no second effect. `record` writes it `pending` with the serialised event and a lease for
the process handling it; `finish` marks it `done` and drops the payload. A row whose lease
ran out while still `pending` (its process died) is taken over with `claim`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import InboundEvent
from storage.repositories._upsert import affected, insert_ignoring_conflicts

KEY_LENGTH = 200


@dataclass(frozen=True)
class Unfinished:
    """A recorded delivery whose handling never finished, as `claim` hands it over."""

    id: int
    platform: str
    event_key: str
    payload: dict[str, Any] | None
    attempts: int


async def record(
    session: AsyncSession, platform: str, event_key: str, payload: dict[str, Any], now: datetime, lease: timedelta
) -> int | None:
    """Record a delivery to handle now (`pending`, leased to the caller); its id, or None if it was seen before."""
    statement = insert_ignoring_conflicts(
        session,
        InboundEvent,
        {
            "platform": platform,
            "event_key": event_key[:KEY_LENGTH],
            "received_at": now,
            "payload": payload,
            "status": "pending",
            "attempts": 1,
            "claimed_until": now + lease,
        },
    )
    if affected(await session.execute(statement)) != 1:
        return None
    return await find(session, platform, event_key)


async def find(session: AsyncSession, platform: str, event_key: str) -> int | None:
    return await session.scalar(
        select(InboundEvent.id).where(
            InboundEvent.platform == platform, InboundEvent.event_key == event_key[:KEY_LENGTH]
        )
    )


async def unfinished(session: AsyncSession, now: datetime, limit: int) -> Sequence[int]:
    """Ids of `pending` rows whose lease has run out, oldest first."""
    rows = await session.scalars(
        select(InboundEvent.id)
        .where(
            InboundEvent.status == "pending",
            or_(InboundEvent.claimed_until.is_(None), InboundEvent.claimed_until <= now),
        )
        .order_by(InboundEvent.id)
        .limit(limit)
    )
    return list(rows)


async def claim(session: AsyncSession, row_id: int, now: datetime, lease: timedelta) -> Unfinished | None:
    """Take over a `pending` row whose lease has run out; None if another process has it (or it is done).

    One conditional UPDATE, so two processes racing for the same row cannot both win.
    """
    result = await session.execute(
        update(InboundEvent)
        .where(
            InboundEvent.id == row_id,
            InboundEvent.status == "pending",
            or_(InboundEvent.claimed_until.is_(None), InboundEvent.claimed_until <= now),
        )
        .values(claimed_until=now + lease, attempts=InboundEvent.attempts + 1)
    )
    if affected(result) != 1:
        return None
    row = await session.get(InboundEvent, row_id, populate_existing=True)
    assert row is not None
    return Unfinished(row.id, row.platform, row.event_key, row.payload, row.attempts)


async def finish(session: AsyncSession, row_id: int, now: datetime, *, status: str = "done") -> None:
    """Handled (or given up on, `dead`): the payload, which may quote the member, goes."""
    await session.execute(
        update(InboundEvent)
        .where(InboundEvent.id == row_id)
        .values(status=status, processed_at=now, payload=None, claimed_until=None)
    )


async def forget_before(session: AsyncSession, cutoff: datetime) -> int:
    """Drop records older than any platform retries (Stripe retries for 3 days); unfinished rows stay."""
    result = await session.execute(
        delete(InboundEvent).where(InboundEvent.received_at < cutoff, InboundEvent.status != "pending")
    )
    return affected(result)
