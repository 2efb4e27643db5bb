"""Communities and their tiers."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Community, ContentItem, FaqEntry, Tier
from storage.repositories._upsert import affected


async def by_slug(session: AsyncSession, slug: str) -> Community | None:
    return await session.scalar(select(Community).where(Community.slug == slug))


async def only(session: AsyncSession) -> Community | None:
    """The community when the database holds exactly one (the usual self-hosted case)."""
    rows = (await session.scalars(select(Community).limit(2))).all()
    return rows[0] if len(rows) == 1 else None


async def slugs(session: AsyncSession) -> list[str]:
    """Every community's slug, alphabetically."""
    return list((await session.scalars(select(Community.slug).order_by(Community.slug))).all())


async def rename(session: AsyncSession, old: str, new: str) -> bool:
    """Give community `old` the slug `new`; False when there is no community `old`."""
    result = await session.execute(update(Community).where(Community.slug == old).values(slug=new))
    return bool(affected(result))


async def create(session: AsyncSession, slug: str, imported_at: datetime, **fields: Any) -> Community:
    """A new community (from its files); its id is set on return."""
    row = Community(slug=slug, imported_at=imported_at, **fields)
    session.add(row)
    await session.flush()
    return row


async def file_keys(session: AsyncSession) -> dict[str, tuple[str, set[str]]]:
    """Per slug: the community's name and the keys its files gave it (content slugs, FAQ ids),
    which is how a folder whose slug changed is recognised."""
    found: dict[str, tuple[str, set[str]]] = {}
    for community_id, slug, name in (
        await session.execute(select(Community.id, Community.slug, Community.name).order_by(Community.slug))
    ).all():
        content_slugs = await session.scalars(select(ContentItem.slug).where(ContentItem.community_id == community_id))
        faq_keys = await session.scalars(
            select(FaqEntry.key).where(FaqEntry.community_id == community_id, FaqEntry.source == "file")
        )
        found[slug] = (name, {f"content:{s}" for s in content_slugs} | {f"faq:{k}" for k in faq_keys})
    return found


async def tiers(session: AsyncSession, community_id: int) -> Sequence[Tier]:
    result = await session.scalars(select(Tier).where(Tier.community_id == community_id).order_by(Tier.id))
    return result.all()


async def add_tier(session: AsyncSession, community_id: int, key: str, name: str, is_default: bool) -> None:
    session.add(Tier(community_id=community_id, key=key, name=name, is_default=is_default))


async def default_tier(session: AsyncSession, community_id: int) -> Tier | None:
    result = await session.scalars(
        select(Tier).where(Tier.community_id == community_id).order_by(Tier.is_default.desc(), Tier.id).limit(1)
    )
    return result.first()
