"""Member activity rows: what a member did, and when they were last active."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Activity, Member

REF_LENGTH = 120


async def add(session: AsyncSession, member_id: int, kind: str, now: datetime, ref: str | None = None) -> None:
    """Log one activity and mark the member active now."""
    session.add(Activity(member_id=member_id, kind=kind, occurred_at=now, ref=(ref or None) and ref[:REF_LENGTH]))
    await session.execute(update(Member).where(Member.id == member_id).values(last_active_at=now))


async def count_since(session: AsyncSession, member_id: int, since: datetime, kinds: tuple[str, ...]) -> int:
    found = await session.scalar(
        select(func.count())
        .select_from(Activity)
        .where(Activity.member_id == member_id, Activity.occurred_at >= since, Activity.kind.in_(kinds))
    )
    return found or 0
