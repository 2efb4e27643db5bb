"""Feedback: what members wrote to the creator, and who reads it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Feedback, Member


async def add(session: AsyncSession, *, community_id: int, member_id: int, text: str, at: datetime) -> Feedback:
    """Store one piece of feedback; its id is set on return."""
    item = Feedback(community_id=community_id, member_id=member_id, text=text, created_at=at)
    session.add(item)
    await session.flush()
    return item


async def readers(session: AsyncSession, community_id: int) -> Sequence[Member]:
    """Who is told about new feedback: every creator account still in the workspace, oldest first."""
    result = await session.scalars(
        select(Member)
        .where(Member.community_id == community_id, Member.role == "creator", Member.left_at.is_(None))
        .order_by(Member.id)
    )
    return result.all()


async def recent(session: AsyncSession, community_id: int, limit: int) -> Sequence[tuple[Feedback, str | None]]:
    """The latest feedback, newest first, each with its author's name (None once the author is gone)."""
    rows = await session.execute(
        select(Feedback, Member.display_name)
        .outerjoin(Member, Member.id == Feedback.member_id)
        .where(Feedback.community_id == community_id)
        .order_by(Feedback.created_at.desc(), Feedback.id.desc())
        .limit(limit)
    )
    return [(item, name) for item, name in rows.all()]


async def count(session: AsyncSession, community_id: int) -> int:
    return (
        await session.scalar(select(func.count()).select_from(Feedback).where(Feedback.community_id == community_id))
        or 0
    )
