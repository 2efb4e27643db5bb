"""The drop queue: a new drop from chat, and publish times for queued items, one per slot."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from bot.community.schema import CONTENT_KINDS
from bot.notices.content import DROP_TEASER, DROP_TITLE, DROP_URL
from bot.services.community import CommunityContext
from bot.services.content.placement import queue_end
from bot.services.errors import UserError
from bot.services.schedule import firings_after
from storage.database import Session
from storage.models import ContentItem
from storage.repositories import content as repo

MAX_TITLE = DROP_TITLE
MAX_URL = DROP_URL  # the column's size
MAX_TEASER = DROP_TEASER


@dataclass(frozen=True)
class NewDrop:
    title: str
    kind: str
    levels: tuple[int, ...] = ()
    topics: tuple[str, ...] = ()
    teaser: str = ""
    url: str | None = None
    body: str = ""


def parse_new_drop(values: dict[str, str]) -> NewDrop:
    """The `/drop add` form's values as a drop; a friendly error names the first bad field."""
    title = values.get("title", "").strip()
    if not title or len(title) > MAX_TITLE:
        raise UserError("drops.errors.title")
    kind = values.get("kind", "").strip()
    if kind not in CONTENT_KINDS:
        raise UserError("drops.errors.kind")
    levels = parse_levels(values.get("levels", ""))
    url = parse_url(values.get("url", ""))
    topics = parse_topics(values.get("topics", ""))
    teaser = values.get("teaser", "").strip()
    if len(teaser) > MAX_TEASER:
        raise UserError("drops.errors.teaser", limit=MAX_TEASER)
    return NewDrop(title, kind, levels, topics, teaser, url, values.get("body", "").strip())


def parse_levels(text: str) -> tuple[int, ...]:
    """`1,2` as levels (empty: for everyone)."""
    try:
        levels = tuple(sorted({int(x) for x in text.replace(" ", "").split(",") if x}))
    except ValueError:
        raise UserError("drops.errors.levels") from None
    if any(not 1 <= level <= 5 for level in levels):
        raise UserError("drops.errors.levels")
    return levels


def parse_url(text: str) -> str | None:
    url = text.strip() or None
    if url and not url.startswith(("https://", "http://")):
        raise UserError("drops.errors.url")
    if url and len(url) > MAX_URL:
        raise UserError("drops.errors.url_long", limit=MAX_URL)
    return url


def parse_topics(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(t.strip().lower() for t in text.split(",") if t.strip()))


async def schedule_queue(session: Session, community: CommunityContext, now: datetime) -> int:
    """Assign publish times to unscheduled items, in queue order, one per slot occurrence, after the
    slots' last drop of their kind (a drop pinned to a time of its own does not push them back)."""
    slots = community.config.drops.slots
    times: list[tuple[ContentItem, datetime]] = []
    for kind in dict.fromkeys(slot.kind for slot in slots):
        queue = await repo.unscheduled(session, community.id, kind)
        if not queue:
            continue
        start = await queue_end(session, community, kind, now)
        times += zip(queue, firings_after(slots, kind, start, community.tz), strict=False)  # as far as slots reach
    await repo.set_publish_times(session, times)
    return len(times)


def unique_slug(title: str, taken: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60] or "drop"
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug
