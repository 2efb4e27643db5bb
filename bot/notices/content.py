"""Content as data: a drop or library item, a drop going out, and a member's weekly digest."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.notices import Notice


@dataclass(frozen=True)
class ContentPiece:
    """One content item (a drop once it is published, a library entry after that)."""

    id: int
    slug: str
    title: str
    kind: str  # mini-training | resource | live | deep-dive
    levels: tuple[int, ...] = ()  # empty: for every level
    topics: tuple[str, ...] = ()
    teaser: str = ""
    body: str = ""
    url: str | None = None
    publish_at: datetime | None = None  # when it is due; None: not scheduled yet
    published_at: datetime | None = None


@dataclass(frozen=True)
class DropPublished(Notice):
    """A drop went out: a post in the drops channel, and a DM to members who asked for each drop."""

    item: ContentPiece


@dataclass(frozen=True)
class WeeklyDigest(Notice):
    """Monday's DM of last week's drops, for a member who chose the weekly digest."""

    name: str  # the member's display name
    items: tuple[ContentPiece, ...]
