"""Content: the drop queue, publishing due drops exactly once, and the library."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.i18n import Catalog
from bot.messages import Target
from bot.outbox import Outbox
from bot.services.community import CommunityContext
from bot.services.presence import Presence
from bot.services.schedule import next_slot_after
from bot.views import drops as drop_views
from storage.database import Database
from storage.models import ContentItem
from storage.repositories import content as repo

log = logging.getLogger(__name__)


class ContentService:
    def __init__(
        self,
        database: Database,
        outbox: Outbox,
        clock: Clock,
        community: CommunityContext,
        presence: Presence,
        catalog: Catalog,
    ) -> None:
        self._database = database
        self._outbox = outbox
        self._clock = clock
        self._community = community
        self._presence = presence
        self._catalog = catalog

    async def schedule_queue(self, session: AsyncSession) -> int:
        """Give each queued item the next free slot of its kind. Returns how many were scheduled."""
        return await schedule_queue(session, self._community, self._clock.now())

    async def publish_due(self) -> list[ContentItem]:
        """Publish every item whose time has come: posted to the drops channel on every platform.

        Safe to run any number of times: an item is published once (its `published_at` is
        set in the same transaction as the outbox rows, whose keys are unique anyway).
        """
        now = self._clock.now()
        t = self._catalog.for_locale(self._community.locale)
        async with self._database.session() as session:
            items = await repo.due_for_publishing(session, self._community.id, now)
            for item in items:
                item.published_at = now
                message = drop_views.drop_post(item, t)
                for platform, workspace in self._presence.spaces:
                    target = Target(platform, workspace, channel=self._community.config.channels.drops)
                    await self._outbox.enqueue(session, f"drop:{item.id}:{platform}:{workspace}", target, message)
            await self.schedule_queue(session)
        for item in items:
            log.info("published content item %s (%s)", item.id, item.kind)
        return list(items)

    async def upcoming(self, limit: int = 3) -> Sequence[ContentItem]:
        async with self._database.session() as session:
            return await repo.upcoming(session, self._community.id, self._clock.now(), limit)

    async def library(self) -> Sequence[ContentItem]:
        async with self._database.session() as session:
            return await repo.published(session, self._community.id)


async def schedule_queue(session: AsyncSession, community: CommunityContext, now: datetime) -> int:
    """Assign publish times to unscheduled items, in queue order, one per slot occurrence."""
    slots = community.config.drops.slots
    scheduled = 0
    for kind in dict.fromkeys(slot.kind for slot in slots):
        queue = await repo.unscheduled(session, community.id, kind)
        if not queue:
            continue
        last = await repo.last_scheduled_at(session, community.id, kind)
        cursor = max(now, last) if last else now
        for item in queue:
            when = next_slot_after(slots, kind, cursor, community.tz)
            if when is None:
                break
            item.publish_at = cursor = when
            scheduled += 1
    if scheduled:
        await session.flush()
    return scheduled
