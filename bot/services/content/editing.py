"""Changing queued drops from chat: the fields `/drop edit` may change, and closing the gap a drop
leaves in its slot when it is unscheduled or removed (the drops after it move up one firing)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.services.community import CommunityContext
from bot.services.content.placement import on_a_firing
from bot.services.content.queue import MAX_TEASER, MAX_TITLE, parse_levels, parse_topics, parse_url
from bot.services.errors import UserError
from storage.database import Session
from storage.models import ContentItem
from storage.repositories import content as repo

EDITABLE = ("title", "teaser", "url", "levels", "topics")
ALIASES = {"link": "url", "level": "levels", "topic": "topics"}  # what the forms and the README call them


@dataclass(frozen=True)
class DropChanges:
    """What `/drop edit` changes; None: leave as it is. An empty url removes the link, empty levels
    make the drop for everyone, empty topics clear them."""

    title: str | None = None
    teaser: str | None = None
    url: str | None = None
    levels: tuple[int, ...] | None = None
    topics: tuple[str, ...] | None = None

    @property
    def empty(self) -> bool:
        return all(value is None for value in (self.title, self.teaser, self.url, self.levels, self.topics))


def parse_changes(values: dict[str, str]) -> DropChanges:
    """The edit form's values, or `field=value` pairs typed after the slug; a friendly error names the
    first bad one. Fields not given stay as they are."""
    unknown = sorted(set(values) - set(EDITABLE))
    if unknown:
        raise UserError("drops.errors.edit_field", field=unknown[0][:40], fields=", ".join(EDITABLE))
    title = values.get("title")
    if title is not None:
        title = title.strip()
        if not title or len(title) > MAX_TITLE:
            raise UserError("drops.errors.title")
    teaser = values.get("teaser")
    if teaser is not None and len(teaser.strip()) > MAX_TEASER:
        raise UserError("drops.errors.teaser", limit=MAX_TEASER)
    url = values.get("url")
    return DropChanges(
        title=title,
        teaser=teaser.strip() if teaser is not None else None,
        url=(parse_url(url) or "") if url is not None else None,
        levels=parse_levels(values["levels"]) if "levels" in values else None,
        topics=parse_topics(values["topics"]) if "topics" in values else None,
    )


def parse_change_args(text: str) -> DropChanges:
    """`title=Better title | levels=1,2` typed after `/drop edit SLUG`."""
    values: dict[str, str] = {}
    for part in text.split("|"):
        name, sep, value = part.partition("=")
        if not sep or not name.strip():
            raise UserError("drops.errors.edit_usage", fields=", ".join(EDITABLE))
        name = name.strip().lower()
        values[ALIASES.get(name, name)] = value.strip()
    return parse_changes(values)


def apply_changes(item: ContentItem, changes: DropChanges) -> None:
    if changes.title is not None:
        item.title = changes.title
    if changes.teaser is not None:
        item.teaser = changes.teaser
    if changes.url is not None:
        item.url = changes.url or None
    if changes.levels is not None:
        item.levels = list(changes.levels)
    if changes.topics is not None:
        item.topics = list(changes.topics)


async def close_gap(session: Session, community: CommunityContext, item: ContentItem, now: datetime) -> bool:
    """Move the drops of `item`'s kind that a slot sends after it up one firing each, into the place
    `item` leaves. Drops given a time of their own (`/drop schedule`) keep it. True if `item` held a
    slot's firing (and so left a place to fill)."""
    if item.publish_at is None or item.publish_at <= now or not _on_a_firing(community, item.kind, item.publish_at):
        return False
    later = [
        other
        for other in await repo.pending(session, community.id)
        if other.id != item.id
        and other.kind == item.kind
        and other.publish_at is not None
        and other.publish_at > item.publish_at
        and _on_a_firing(community, other.kind, other.publish_at)
    ]
    dates = [item.publish_at, *(other.publish_at for other in later if other.publish_at is not None)]
    await repo.set_publish_times(session, list(zip(later, dates, strict=False)))
    return True


def _on_a_firing(community: CommunityContext, kind: str, when: datetime) -> bool:
    return on_a_firing(community.config.drops.slots, community.tz, kind, when)
