"""Content items: the library and the drop queue."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import distinct, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Activity, ContentItem, Member
from storage.repositories import live


async def by_slug(session: AsyncSession, community_id: int, slug: str) -> ContentItem | None:
    return await session.scalar(
        select(ContentItem).where(ContentItem.community_id == community_id, ContentItem.slug == slug)
    )


async def all_items(session: AsyncSession, community_id: int) -> Sequence[ContentItem]:
    result = await session.scalars(
        select(ContentItem).where(ContentItem.community_id == community_id).order_by(ContentItem.id)
    )
    return result.all()


async def due_for_publishing(session: AsyncSession, community_id: int, now: datetime) -> Sequence[ContentItem]:
    """Scheduled, due, not yet published; oldest first."""
    result = await session.scalars(
        select(ContentItem)
        .where(
            ContentItem.community_id == community_id,
            ContentItem.published_at.is_(None),
            ContentItem.publish_at.is_not(None),
            ContentItem.publish_at <= now,
        )
        .order_by(ContentItem.publish_at, ContentItem.id)
        .with_for_update(skip_locked=True)
    )
    return result.all()


async def any_due(session: AsyncSession, community_id: int, now: datetime) -> bool:
    """Whether some unpublished item's time has come: one look-up on the `ix_content_items_due` index,
    what the minute-by-minute scan costs when nothing is due (nearly always)."""
    found = await session.scalar(
        select(ContentItem.id)
        .where(
            ContentItem.community_id == community_id,
            ContentItem.published_at.is_(None),
            ContentItem.publish_at.is_not(None),
            ContentItem.publish_at <= now,
        )
        .limit(1)
    )
    return found is not None


async def unscheduled(session: AsyncSession, community_id: int, kind: str) -> Sequence[ContentItem]:
    """The queue of one kind: not published, no publish time yet, in queue order."""
    result = await session.scalars(
        select(ContentItem)
        .where(
            ContentItem.community_id == community_id,
            ContentItem.kind == kind,
            ContentItem.published_at.is_(None),
            ContentItem.publish_at.is_(None),
        )
        .order_by(ContentItem.queue_order, ContentItem.slug)
    )
    return result.all()


async def last_published_at(session: AsyncSession, community_id: int, kind: str) -> datetime | None:
    """The publish time of the latest published item of this kind."""
    return await session.scalar(
        select(func.max(ContentItem.publish_at)).where(
            ContentItem.community_id == community_id, ContentItem.kind == kind, ContentItem.published_at.is_not(None)
        )
    )


async def scheduled_ahead(session: AsyncSession, community_id: int, kind: str) -> Sequence[ContentItem]:
    """The unpublished items of one kind that have a publish time, by publish time."""
    result = await session.scalars(
        select(ContentItem)
        .where(
            ContentItem.community_id == community_id,
            ContentItem.kind == kind,
            ContentItem.published_at.is_(None),
            ContentItem.publish_at.is_not(None),
        )
        .order_by(ContentItem.publish_at, ContentItem.id)
    )
    return result.all()


async def pending(session: AsyncSession, community_id: int) -> Sequence[ContentItem]:
    """Every unpublished item: scheduled ones by publish time, then the queue in queue order."""
    result = await session.scalars(
        select(ContentItem)
        .where(ContentItem.community_id == community_id, ContentItem.published_at.is_(None))
        .order_by(ContentItem.publish_at.is_(None), ContentItem.publish_at, ContentItem.queue_order, ContentItem.slug)
    )
    return result.all()


async def last_published_by_kind(session: AsyncSession, community_id: int) -> dict[str, datetime]:
    """Per kind, the publish time of the latest published item."""
    result = await session.execute(
        select(ContentItem.kind, func.max(ContentItem.publish_at))
        .where(ContentItem.community_id == community_id, ContentItem.published_at.is_not(None))
        .group_by(ContentItem.kind)
    )
    return {kind: when for kind, when in result.all() if when is not None}


async def upcoming(
    session: AsyncSession, community_id: int, now: datetime, limit: int = 5, *, except_kind: str | None = None
) -> Sequence[ContentItem]:
    """Scheduled drops still to come, soonest first (none of `except_kind`)."""
    query = select(ContentItem).where(
        ContentItem.community_id == community_id,
        ContentItem.published_at.is_(None),
        ContentItem.publish_at.is_not(None),
        ContentItem.publish_at > now,
    )
    if except_kind is not None:
        query = query.where(ContentItem.kind != except_kind)
    result = await session.scalars(query.order_by(ContentItem.publish_at).limit(limit))
    return result.all()


async def to_be_posted(
    session: AsyncSession, community_id: int, now: datetime, limit: int = 5
) -> Sequence[ContentItem]:
    """The drops members will see posted next, soonest first. While a weekly live series runs, its
    sessions are the live slot's posts and queued "live" drops go to the library unposted."""
    series = await live.has_active_series(session, community_id)
    return await upcoming(session, community_id, now, limit, except_kind="live" if series else None)


async def published(session: AsyncSession, community_id: int) -> Sequence[ContentItem]:
    result = await session.scalars(
        select(ContentItem)
        .where(ContentItem.community_id == community_id, ContentItem.published_at.is_not(None))
        .order_by(ContentItem.published_at.desc(), ContentItem.id.desc())
    )
    return result.all()


async def published_between(
    session: AsyncSession, community_id: int, since: datetime, until: datetime
) -> Sequence[ContentItem]:
    result = await session.scalars(
        select(ContentItem)
        .where(
            ContentItem.community_id == community_id,
            ContentItem.published_at >= since,
            ContentItem.published_at < until,
        )
        .order_by(ContentItem.published_at)
    )
    return result.all()


async def by_id(session: AsyncSession, community_id: int, item_id: int) -> ContentItem | None:
    item = await session.get(ContentItem, item_id)
    return item if item is not None and item.community_id == community_id else None


async def slugs(session: AsyncSession, community_id: int) -> set[str]:
    result = await session.scalars(select(ContentItem.slug).where(ContentItem.community_id == community_id))
    return set(result.all())


async def add(session: AsyncSession, **values: object) -> ContentItem:
    """A new item (from chat); its id is set on return."""
    item = ContentItem(**values)
    session.add(item)
    await session.flush()
    return item


async def set_publish_times(session: AsyncSession, times: Sequence[tuple[ContentItem, datetime]]) -> None:
    """Give each item its publish time (written with the transaction)."""
    for item, when in times:
        item.publish_at = when
    if times:
        await session.flush()


async def mark_published(session: AsyncSession, item: ContentItem, at: datetime) -> None:
    """Published stays published: set once, in the transaction that queues its messages."""
    item.published_at = at


async def delete(session: AsyncSession, item: ContentItem) -> None:
    """Remove an item (the service only removes ones never published)."""
    await session.delete(item)
    await session.flush()


async def open_counts(session: AsyncSession, community_id: int) -> dict[int, int]:
    """Per content item id, how many members (not the creator's team) opened it from the library."""
    result = await session.execute(
        select(Activity.ref, func.count(distinct(Activity.member_id)))
        .join(Member, Member.id == Activity.member_id)
        .where(
            Member.community_id == community_id,
            Member.role == "member",
            Activity.kind == "library_open",
            Activity.ref.like("content:%"),
        )
        .group_by(Activity.ref)
    )
    counts: dict[int, int] = {}
    for ref, count in result.all():
        item_id = (ref or "").removeprefix("content:")
        if item_id.isdigit():
            counts[int(item_id)] = int(count)
    return counts
