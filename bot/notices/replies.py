"""Replies to people, as data: a member's reply reaching the creator, its acknowledgement, the creator's answer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.notices import Notice

# What the member was replying to (`ReplyItem.kind`): a check-in (nudge), the creator's personal
# note from `/members at-risk`, or the creator's answer to an earlier reply.
KINDS = ("checkin", "note", "answer")


@dataclass(frozen=True)
class ReplyItem:
    """One reply as the creator sees it: who wrote what, and to which message (`about` is a clip of it)."""

    id: int
    member: str  # the member's display name
    text: str
    kind: str  # one of KINDS
    stage: str  # the check-in's stage (day-21) for a check-in, else ""
    about: str
    received_at: datetime


@dataclass(frozen=True)
class ReplyReceived(Notice):
    """A member replied to a message that invited it: each creator account is told by DM."""

    reply: ReplyItem


@dataclass(frozen=True)
class ReplyAcknowledged(Notice):
    """The member hears that their words went to the creator (and that `/ask` still reaches the FAQ)."""

    creator: str


@dataclass(frozen=True)
class CreatorAnswered(Notice):
    """The creator's answer to a reply, in the member's DMs; it invites a reply in turn."""

    creator: str
    wrote: str  # what the member had written
    answer: str
