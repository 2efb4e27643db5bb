"""Content: the drop queue, publishing due drops exactly once, DM delivery and the weekly digest."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.messages import OutboundMessage
from bot.services.audience import channel_targets, dm_target
from bot.services.base import DomainService
from bot.services.community import CommunityContext
from bot.services.errors import UserError
from bot.services.library import for_level
from bot.services.parsing import check_ahead, whole
from bot.services.schedule import next_slot_after
from bot.services.timing import member_zone, next_send_time
from bot.views import drops as drop_views
from storage.models import ContentItem
from storage.repositories import content as repo
from storage.repositories import members as member_repo
from storage.repositories import outbox as outbox_repo

log = logging.getLogger(__name__)

DIGEST_TIME = time(8, 0)  # Monday morning, member-local, unless they chose another time of day


@dataclass(frozen=True)
class NewDrop:
    title: str
    kind: str
    levels: tuple[int, ...] = ()
    topics: tuple[str, ...] = ()
    teaser: str = ""
    url: str | None = None
    body: str = ""


class ContentService(DomainService):
    """Publishing drops (channel posts, and DMs for members who chose them), the library, the queue."""


    # -- publishing ------------------------------------------------------------------------

    async def publish_due(self) -> list[ContentItem]:
        """Publish every item whose time has come: a post in the drops channel everywhere, and a DM
        to members who asked for each drop by DM (and whose level it is for).

        Safe to run any number of times: an item is published once (its `published_at` is
        set in the same transaction as the outbox rows, whose keys are unique anyway).
        """
        now = self._clock.now()
        t = self._catalog.for_locale(self._community.locale)
        async with self._database.session() as session:
            items = await repo.due_for_publishing(session, self._community.id, now)
            if items:
                dm_members = await member_repo.with_drop_delivery(session, self._community.id, "every", now=now, grace=self._grace)
            for item in items:
                item.published_at = now
                post = drop_views.drop_post(item, t)
                for target in channel_targets(self._presence, self._community.config.channels.drops):
                    await self._outbox.enqueue(session, f"drop:{item.id}:{target.platform}:{target.workspace_id}", target, post)
                dms = []
                by_locale: dict[str | None, OutboundMessage] = {}  # the post is the same for every member of a locale
                for member in dm_members:
                    target = dm_target(member, self._presence)
                    if target is None or not for_level(item, member.level):
                        continue
                    if member.locale not in by_locale:
                        member_t = self._catalog.for_locale(member.locale, self._community.locale)
                        by_locale[member.locale] = drop_views.drop_post(item, member_t)
                    dms.append((
                        f"drop:{item.id}:member:{member.id}",
                        target,
                        by_locale[member.locale],
                        member.id,
                        self._quiet_aware(now, member.timezone),
                    ))
                await self._outbox.enqueue_many(session, dms)  # one statement for the whole fan-out
            await schedule_queue(session, self._community, now)
        for item in items:
            log.info("published content item %s (%s)", item.id, item.kind)
        return list(items)

    async def send_weekly_digests(self) -> int:
        """Monday-morning digest (member-local) of last week's drops, for members who chose it."""
        now = self._clock.now()
        queued = 0
        async with self._database.session() as session:
            weekly = await member_repo.with_drop_delivery(session, self._community.id, "weekly", now=now, grace=self._grace)
            prefs = await member_repo.preferences_for(session, [m.id for m in weekly])
            due = []
            for member in weekly:
                zone = member_zone(member.timezone, self._community.tz)
                local = now.astimezone(zone)
                monday = (local - timedelta(days=local.weekday())).date()
                at = prefs[member.id].time_of_day or DIGEST_TIME
                send_at = datetime.combine(monday, at, tzinfo=zone)
                if now >= send_at:
                    year, week, _ = monday.isocalendar()
                    due.append((member, send_at, f"digest:{year}-W{week:02d}:member:{member.id}"))
            already = await outbox_repo.existing_keys(session, [key for _, _, key in due])
            for member, send_at, key in due:
                target = dm_target(member, self._presence)
                if key in already or target is None:
                    continue
                items = await repo.published_between(session, self._community.id, send_at - timedelta(days=7), send_at)
                items = [i for i in items if for_level(i, member.level)]
                if not items:
                    continue
                t = self._catalog.for_locale(member.locale, self._community.locale)
                message = drop_views.weekly_digest(items, t, name=member.display_name)
                queued += await self._outbox.enqueue(
                    session, key, target, message, member_id=member.id, not_before=self._quiet_aware(now, member.timezone)
                )
        return queued

    def _quiet_aware(self, when: datetime, member_tz: str | None) -> datetime:
        zone = member_zone(member_tz, self._community.tz)
        return next_send_time(when, zone=zone, quiet=self._community.config.quiet_hours)

    # -- reading ---------------------------------------------------------------------------

    async def upcoming(self, limit: int = 3) -> Sequence[ContentItem]:
        async with self._database.session() as session:
            return await repo.upcoming(session, self._community.id, self._clock.now(), limit)

    async def library(self) -> Sequence[ContentItem]:
        async with self._database.session() as session:
            return await repo.published(session, self._community.id)

    async def open_item(self, item_id: int) -> ContentItem:
        """A published item by id (what a library button carries)."""
        async with self._database.session() as session:
            item = await repo.by_id(session, self._community.id, item_id)
        if item is None or item.published_at is None:
            raise UserError("library.not_found")
        return item

    # -- the creator's queue ---------------------------------------------------------------

    async def queue(self) -> tuple[Sequence[ContentItem], int]:
        """Scheduled items in publishing order, and how many wait without a slot."""
        async with self._database.session() as session:
            scheduled = await repo.upcoming(session, self._community.id, self._clock.now(), limit=50)
            waiting = sum(
                [len(await repo.unscheduled(session, self._community.id, kind)) for kind in ("mini-training", "resource", "live", "deep-dive")]
            )
        return scheduled, waiting

    async def add(self, drop: NewDrop) -> ContentItem:
        """Queue a new item; it takes the next free slot of its kind."""
        now = self._clock.now()
        async with self._database.session() as session:
            taken = await repo.slugs(session, self._community.id)
            item = ContentItem(
                community_id=self._community.id,
                slug=unique_slug(drop.title, taken),
                title=drop.title,
                kind=drop.kind,
                levels=list(drop.levels),
                topics=list(drop.topics),
                teaser=drop.teaser,
                body=drop.body,
                url=drop.url,
                queue_order=10_000,  # after everything imported from files
                source_hash="chat",
            )
            session.add(item)
            await session.flush()
            await schedule_queue(session, self._community, now)
            return item

    async def reschedule(self, ref: str, when: datetime) -> ContentItem:
        when_text = when.isoformat(" ", "minutes")[:16]  # as typed: the handler reads it in the community's zone
        check_ahead(when, self._clock.now(), "drops.errors.past", "drops.errors.too_far", when=when_text)
        async with self._database.session() as session:
            item = await self._find_unpublished(session, ref)
            item.publish_at = when
            return item

    async def publish_now(self, ref: str) -> ContentItem:
        async with self._database.session() as session:
            item = await self._find_unpublished(session, ref)
            item.publish_at = self._clock.now()
        await self.publish_due()
        return item

    async def _find_unpublished(self, session: AsyncSession, ref: str) -> ContentItem:
        item = await repo.by_slug(session, self._community.id, ref)
        item_id = whole(ref, 1)  # an id too large for the column is simply not there
        if item is None and item_id is not None:
            item = await repo.by_id(session, self._community.id, item_id)
        if item is None:
            raise UserError("drops.errors.unknown", ref=ref[:80])
        if item.published_at is not None:
            raise UserError("drops.errors.published", title=item.title)
        return item


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


def unique_slug(title: str, taken: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60] or "drop"
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug
