"""What engagement tells people, as data: check-ins for quiet members, the creator's quiet list,
milestones and the monthly recap; and `QuietMember`, the row of `/members inactive`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.notices import Notice
from bot.notices.content import ContentPiece


@dataclass(frozen=True)
class QuietMember:
    """One member who has gone quiet, as the creator sees them."""

    member_id: int
    name: str
    since: datetime  # last active (or joined)
    days: int
    joined: datetime
    nudges_on: bool = True
    last_nudge_day: int | None = None  # the furthest check-in of this quiet stretch: after this many quiet days


# -- to a member ---------------------------------------------------------------------------


@dataclass(frozen=True)
class NudgeMissed(Notice):
    """A friendly "here is what you missed" after `days` quiet days: the drops since they were last around
    (newest first), `limit` of them listed."""

    name: str
    creator: str
    community: str
    days: int
    items: tuple[ContentPiece, ...]
    limit: int
    intro: str = ""  # the opening line in the creator's words (an experiment's variant); empty: the template's


@dataclass(frozen=True)
class NudgeNote(Notice):
    """A personal note from the creator: `note` is the creator's own words (empty: the template's)."""

    name: str
    creator: str
    community: str
    note: str = ""


@dataclass(frozen=True)
class MilestoneReached(Notice):
    """A milestone (`key`: 1-month, 3-months, 1-year, first-post, 5-live), celebrated in the member's DMs."""

    key: str
    name: str
    community: str
    creator: str
    joined: datetime


@dataclass(frozen=True)
class MilestonePost(Notice):
    """A milestone, celebrated in the community's channel."""

    key: str
    name: str
    community: str


@dataclass(frozen=True)
class MonthlyRecap(Notice):
    """What a member's month (1-12) held."""

    name: str
    community: str
    creator: str
    month: int
    drops: int
    live: int
    questions: int
    joined: datetime


# -- to the creator ------------------------------------------------------------------------


@dataclass(frozen=True)
class QuietList(Notice):
    """Who reached the creator's stage of the policy (`days` quiet days), to reach out personally."""

    quiet: tuple[QuietMember, ...]
    days: int
    community: str
