"""Operational counts for metrics: how much is waiting in the outbox."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import OutboxMessage

WAITING = ("pending", "sending")


async def outbox_depth(session: AsyncSession) -> dict[str, int]:
    """Rows not yet delivered, by status (pending, sending), zero when none."""
    rows = await session.execute(
        select(OutboxMessage.status, func.count()).where(OutboxMessage.status.in_(WAITING)).group_by(OutboxMessage.status)
    )
    found = {str(status): int(count) for status, count in rows.all()}
    return {status: found.get(status, 0) for status in WAITING}
