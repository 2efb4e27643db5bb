"""What a yearly renewal reminder recounts: the drops, the live sessions and the member's attendance of a year."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ContentItem, LiveSession, Rsvp


async def year_counts(
    session: AsyncSession, community_id: int, member_id: int, since: datetime, until: datetime
) -> tuple[int, int, int]:
    """(drops published, live sessions held, sessions the member attended) between `since` and `until`."""
    drops = await session.scalar(
        select(func.count(ContentItem.id)).where(
            ContentItem.community_id == community_id,
            ContentItem.published_at >= since,
            ContentItem.published_at <= until,
        )
    )
    held = (
        select(LiveSession.id)
        .where(LiveSession.community_id == community_id, LiveSession.status != "canceled")
        .where(LiveSession.starts_at >= since, LiveSession.starts_at <= until)
    )
    lives = await session.scalar(select(func.count()).select_from(held.subquery()))
    attended = await session.scalar(
        select(func.count(Rsvp.id)).where(
            Rsvp.member_id == member_id, Rsvp.attended.is_(True), Rsvp.session_id.in_(held)
        )
    )
    return int(drops or 0), int(lives or 0), int(attended or 0)
