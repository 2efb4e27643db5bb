"""What /healthz asks the database: that it answers, how late the outbox runs, and its dead letters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import OutboxMessage


@dataclass(frozen=True)
class OutboxHealth:
    oldest_due: datetime | None  # since when the longest-waiting deliverable row has been due; None: none waits
    due: int  # rows that could be delivered now and are not
    dead: int  # rows that gave up after the last attempt (dead letters)


async def ping(session: AsyncSession) -> None:
    """A real round trip: fails when the database cannot be reached or opened."""
    await session.execute(text("SELECT 1"))


async def outbox_health(session: AsyncSession, now: datetime) -> OutboxHealth:
    """Pending rows whose time has come, and claimed rows whose lease ran out (their worker died),
    are due; a dead row never will be."""
    pending_due = and_(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now)
    lease_expired = and_(OutboxMessage.status == "sending", OutboxMessage.lease_until <= now)
    row = (
        await session.execute(select(func.min(OutboxMessage.next_attempt_at), func.count()).where(pending_due))
    ).one()
    leased = (
        await session.execute(select(func.min(OutboxMessage.lease_until), func.count()).where(lease_expired))
    ).one()
    dead = await session.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == "dead"))
    starts = [moment for moment in (row[0], leased[0]) if moment is not None]
    return OutboxHealth(min(starts) if starts else None, int(row[1]) + int(leased[1]), int(dead or 0))
