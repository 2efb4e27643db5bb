"""Communities and their tiers."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Community, Tier


async def by_slug(session: AsyncSession, slug: str) -> Community | None:
    return await session.scalar(select(Community).where(Community.slug == slug))


async def only(session: AsyncSession) -> Community | None:
    """The community when the database holds exactly one (the usual self-hosted case)."""
    rows = (await session.scalars(select(Community).limit(2))).all()
    return rows[0] if len(rows) == 1 else None


async def tiers(session: AsyncSession, community_id: int) -> Sequence[Tier]:
    result = await session.scalars(select(Tier).where(Tier.community_id == community_id).order_by(Tier.id))
    return result.all()


async def default_tier(session: AsyncSession, community_id: int) -> Tier | None:
    result = await session.scalars(
        select(Tier).where(Tier.community_id == community_id).order_by(Tier.is_default.desc(), Tier.id).limit(1)
    )
    return result.first()
