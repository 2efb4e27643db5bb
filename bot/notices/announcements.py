"""Announcements as data: who one is for (a segment), what it says, and where it stands."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.notices import Notice


@dataclass(frozen=True)
class Segment:
    """Who an announcement is for. `str(segment)` is the canonical form stored on the announcement."""

    kind: str  # all | level | tier | inactive | founding
    value: str | None = None

    def __str__(self) -> str:
        return self.kind if self.value is None else f"{self.kind}:{self.value}"

    @classmethod
    def stored(cls, raw: str) -> Segment:
        """The segment saved on an announcement (already validated when it was drafted)."""
        kind, _, value = raw.partition(":")
        return cls(kind, value or None)

    @property
    def by_channel(self) -> bool:
        """`all` is posted in the announcements channel; narrower segments are DMed."""
        return self.kind == "all"


@dataclass(frozen=True)
class Announced(Notice):
    """The creator's announcement as its recipients get it (a channel post or a DM)."""

    text: str
    creator: str
    community: str


@dataclass(frozen=True)
class AnnouncementRecord:
    """One announcement as the creator sees it in a preview or in `/announce list`."""

    id: int
    segment: Segment
    text: str
    status: str  # draft | scheduled | sent | canceled
    send_at: datetime
    sent_at: datetime | None = None
