"""The CSV exports' rows: every member with their latest membership, and every activity row, streamed."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Activity, Member, Membership, Tier

EXPORT_BATCH = 1000
MEMBER_COLUMNS = (
    "id",
    "name",
    "role",
    "level",
    "joined_at",
    "left_at",
    "last_active_at",
    "status",
    "plan",
    "founding",
    "member_since",
    "tier",
    "membership_ended",
)
"""``membership_ended``: when the latest membership ended (canceled, expired) or lapsed (unpaid, paused)."""
ACTIVITY_COLUMNS = ("id", "member_id", "kind", "occurred_at", "ref")


def _iso(when: datetime | None) -> str:
    return when.isoformat() if when else ""


async def member_rows(session: AsyncSession, community_id: int) -> AsyncIterator[tuple[object, ...]]:
    """Every member with their latest membership, streamed in batches."""
    latest = (
        select(Membership.member_id, func.max(Membership.id).label("latest")).group_by(Membership.member_id).subquery()
    )
    query = (
        select(Member, Membership, Tier.key)
        .outerjoin(latest, latest.c.member_id == Member.id)
        .outerjoin(Membership, Membership.id == latest.c.latest)
        .outerjoin(Tier, Tier.id == Membership.tier_id)
        .where(Member.community_id == community_id)
        .order_by(Member.id)
        .execution_options(yield_per=EXPORT_BATCH)
    )
    result = await session.stream(query)
    async for member, membership, tier in result:
        yield (
            member.id,
            member.display_name,
            member.role,
            member.level or "",
            _iso(member.joined_at),
            _iso(member.left_at),
            _iso(member.last_active_at),
            membership.status if membership else "",
            (membership.plan or "") if membership else "",
            "yes" if membership and membership.founding else "",
            _iso(membership.started_at) if membership else "",
            tier or "",
            _iso(membership.ended_at or membership.lapsed_at) if membership else "",
        )


async def activity_rows(session: AsyncSession, community_id: int) -> AsyncIterator[tuple[object, ...]]:
    """Every activity row of the community's members, oldest first, streamed in batches."""
    query = (
        select(Activity.id, Activity.member_id, Activity.kind, Activity.occurred_at, Activity.ref)
        .join(Member, Member.id == Activity.member_id)
        .where(Member.community_id == community_id)
        .order_by(Activity.occurred_at, Activity.id)
        .execution_options(yield_per=EXPORT_BATCH)
    )
    result = await session.stream(query)
    async for aid, mid, kind, at, ref in result:
        yield aid, mid, kind, _iso(at), ref or ""
