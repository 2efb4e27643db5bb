"""FAQ entries."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import FaqEntry


async def all_entries(session: AsyncSession, community_id: int) -> Sequence[FaqEntry]:
    result = await session.scalars(select(FaqEntry).where(FaqEntry.community_id == community_id).order_by(FaqEntry.id))
    return result.all()


async def add_entry(session: AsyncSession, **values: Any) -> None:
    session.add(FaqEntry(**values))


async def remove_entry(session: AsyncSession, entry: FaqEntry) -> None:
    await session.delete(entry)
