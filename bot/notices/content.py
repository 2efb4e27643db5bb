"""Content as data: a drop or library item, a drop going out, and a member's weekly digest."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime

from bot.notices import Notice

# The longest of each a drop keeps: the forms stop there, the services check it (a title and a link
# fill their columns).
DROP_TITLE = 150
DROP_TEASER = 500
DROP_URL = 500


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


@dataclass(frozen=True)
class QueuedDrop:
    """A drop that will go out at one firing of a slot."""

    item: ContentPiece
    at: datetime  # UTC


@dataclass(frozen=True)
class SlotRunway:
    """One `[[drops.slots]]` entry and the content queued for it."""

    kind: str
    cron: str
    weeks_queued: float  # filled firings in a row from now, in weeks of this slot's rhythm
    first_empty: date | None  # the community-local date of the first firing with nothing to send
    first_empty_at: datetime | None  # the same firing, in UTC; None: the slot never fires again
    queued: tuple[QueuedDrop, ...]  # every drop this slot will send, in order (also past a gap)
    warn_weeks: int = 2  # runway.warn_weeks from community.toml
    dry: bool = False  # nothing queued, and its last firing already went out empty (warned before: no more DMs)

    @property
    def items_queued(self) -> int:
        return len(self.queued)

    @property
    def short(self) -> bool:
        """Fewer weeks queued than the community wants warning about, and a firing that will go empty."""
        return self.first_empty_at is not None and self.weeks_queued < self.warn_weeks

    @property
    def slot_id(self) -> str:
        """A stable name for the slot (kind and cron), safe inside an outbox key."""
        name = f"{self.kind}@{'_'.join(self.cron.split()).replace('*', 'x')}"
        return name if len(name) <= 60 else f"{self.kind}@{hashlib.sha1(self.cron.encode()).hexdigest()[:12]}"


@dataclass(frozen=True)
class DropQueue:
    """The creator's view of what is queued: per slot, then drops no slot sends."""

    slots: tuple[SlotRunway, ...]
    own_time: tuple[ContentPiece, ...] = ()  # scheduled at a time of their own (`/drop schedule`)
    waiting: tuple[ContentPiece, ...] = ()  # no date: their kind has no slot


@dataclass(frozen=True)
class RunwayLow(Notice):
    """To the creator: a drop slot is about to run dry (14, 7 and 2 days before its first empty firing)."""

    kind: str
    first_empty_at: datetime  # UTC; worded in the community's zone
    days_left: int  # whole days from today to that firing's date, community time
    weeks_queued: float
    items_queued: int
