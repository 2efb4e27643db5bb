"""Which queued drops the slots placed, and keeping them in place: where a kind's queue ends, making
room when the creator pins a drop onto a slot's firing, and following new slots when community.toml
changes a slot's cron or the time zone.

A drop the slots placed sits exactly on a firing of a slot of its kind; a drop the creator gave a
time of its own (`/drop schedule`, `publish_at` in its file) keeps that time, and pushes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.community.schema import CommunityFile, DropSlot
from bot.services.community import CommunityContext
from bot.services.schedule import firings_after, next_slot_after
from storage.database import Session
from storage.models import ContentItem
from storage.repositories import content as repo


def on_a_firing(slots: Sequence[DropSlot], tz: ZoneInfo, kind: str, when: datetime) -> bool:
    """Whether `when` is a firing of a slot of `kind` (so a drop there is one the slots placed)."""
    return next_slot_after(slots, kind, when - timedelta(seconds=1), tz) == when


def slot_ends(
    community: CommunityContext, scheduled: Iterable[tuple[str, datetime]], last_published: dict[str, datetime]
) -> dict[str, datetime]:
    """Per kind, the last time the slots send (or sent) a drop: the latest published one, or a queued
    one on a slot's firing (`scheduled` holds the queued drops' kinds and times). A drop pinned to a
    time of its own elsewhere does not count, so the queue behind it carries on from the slots' last
    drop instead of leaving empty weeks up to that time."""
    slots, tz = community.config.drops.slots, community.tz
    ends = dict(last_published)
    for kind, at in scheduled:
        if on_a_firing(slots, tz, kind, at) and (kind not in ends or at > ends[kind]):
            ends[kind] = at
    return ends


async def queue_end(session: Session, community: CommunityContext, kind: str, now: datetime) -> datetime:
    """Where the queue of `kind` carries on: after the slots' last drop of that kind, never before now."""
    scheduled = await repo.scheduled_ahead(session, community.id, kind)
    last = await repo.last_published_at(session, community.id, kind)
    times = [(kind, item.publish_at) for item in scheduled if item.publish_at is not None]
    end = slot_ends(community, times, {kind: last} if last is not None else {}).get(kind)
    return max(now, end) if end is not None else now


async def make_room(session: Session, community: CommunityContext, item: ContentItem) -> int:
    """`item` was just pinned to its `publish_at`: when that is a slot's firing that a queued drop of its
    kind already holds, that drop and the ones right behind it move back one firing each. Returns how
    many moved."""
    slots, tz, when = community.config.drops.slots, community.tz, item.publish_at
    if when is None or not on_a_firing(slots, tz, item.kind, when):
        return 0
    behind = [
        other
        for other in await repo.scheduled_ahead(session, community.id, item.kind)
        if other.id != item.id
        and other.publish_at is not None
        and other.publish_at >= when
        and on_a_firing(slots, tz, other.kind, other.publish_at)
    ]
    moves: list[tuple[ContentItem, datetime]] = []
    cursor = when
    for other, later in zip(behind, firings_after(slots, item.kind, when, tz), strict=False):  # by publish time
        assert other.publish_at is not None
        if other.publish_at > cursor:
            break  # a free firing before it: nothing further collides
        moves.append((other, later))
        cursor = later
    await repo.set_publish_times(session, moves)
    return len(moves)


async def follow_new_slots(session: Session, community: CommunityContext, before: CommunityFile, now: datetime) -> int:
    """community.toml changed the drop slots or the time zone (`community` has the new, `before` the old
    settings): the queued drops the old slots placed move to the new slots' firings, kind by kind in
    the order they had, from now on; drops with a time of their own stay where they are, and so do
    drops already due. A kind no slot sends any more waits in the queue. Returns how many moved."""
    old_slots, old_tz = before.drops.slots, ZoneInfo(before.community.timezone)
    slots, tz = community.config.drops.slots, community.tz
    if _shape(old_slots, old_tz) == _shape(slots, tz):
        return 0
    placed: list[tuple[datetime, ContentItem]] = []
    pinned: set[tuple[str, datetime]] = set()
    for item in await repo.pending(session, community.id):
        at = item.publish_at
        if at is not None and at > now and on_a_firing(old_slots, old_tz, item.kind, at):
            placed.append((at, item))
        elif at is not None:
            pinned.add((item.kind, at))
    moved = 0
    for kind in dict.fromkeys(item.kind for _, item in placed):
        last = await repo.last_published_at(session, community.id, kind)
        cursor = max(now, last) if last is not None else now
        for _, item in sorted((p for p in placed if p[1].kind == kind), key=lambda p: (p[0], p[1].id)):
            when = next_slot_after(slots, kind, cursor, tz)
            while when is not None and (kind, when) in pinned:  # a drop pinned onto that firing keeps it
                when = next_slot_after(slots, kind, when, tz)
            moved += when != item.publish_at
            item.publish_at = when  # None: no slot sends its kind now; it waits in the queue
            cursor = when or cursor
    await session.flush()
    return moved


def _shape(slots: Sequence[DropSlot], tz: ZoneInfo) -> tuple[str, tuple[tuple[str, str], ...]]:
    return tz.key, tuple(sorted((slot.kind, slot.cron) for slot in slots))
