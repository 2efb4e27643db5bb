"""Member activity: every message, reaction, command, click and library open counts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Activity, Member

KINDS = ("message", "reaction", "command", "click", "library_open", "form", "join", "live_attended")


async def record(session: AsyncSession, member_id: int, kind: str, now: datetime, ref: str | None = None) -> None:
    """Log one activity and mark the member active now."""
    if kind not in KINDS:
        raise ValueError(f"unknown activity kind {kind!r}")
    session.add(Activity(member_id=member_id, kind=kind, occurred_at=now, ref=(ref or None) and ref[:120]))
    await session.execute(update(Member).where(Member.id == member_id).values(last_active_at=now))


async def count_since(session: AsyncSession, member_id: int, since: datetime, kinds: tuple[str, ...] = KINDS) -> int:
    return await session.scalar(
        select(func.count())
        .select_from(Activity)
        .where(Activity.member_id == member_id, Activity.occurred_at >= since, Activity.kind.in_(kinds))
    ) or 0
