"""Live sessions to mirror into platform calendars (Discord Guild Scheduled Events)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import LiveSession


async def not_yet_over(session: AsyncSession, community_id: int, since: datetime) -> Sequence[LiveSession]:
    """Sessions starting after `since` (scheduled or canceled): the ones a calendar still shows."""
    result = await session.scalars(
        select(LiveSession)
        .where(LiveSession.community_id == community_id, LiveSession.starts_at >= since)
        .order_by(LiveSession.starts_at)
    )
    return result.all()
