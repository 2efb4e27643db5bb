"""A member's own pages as data: /me, the home tab, and their preferences (replies, not notices)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

CELEBRATE_CHOICES = ("dm", "channel", "none")  # where a member's milestones are celebrated


@dataclass(frozen=True)
class Standing:
    """Where a member stands: their current membership's status and its tier ("ended" when their
    last membership ended, "none" when they never had one)."""

    status: str
    tier: str | None = None


@dataclass(frozen=True)
class Progress:
    """What the membership has given them so far."""

    drops_since_joining: int
    items_opened: int
    live_attended: int
    questions_answered: int
    onboarding_done: int
    referrals: int


@dataclass(frozen=True)
class MemberPage:
    """Everything /me shows but what's next (the content service says that)."""

    name: str  # display name
    level: int | None
    joined_at: datetime
    standing: Standing
    progress: Progress
    steps_total: int  # onboarding steps in the sequence (the quick win counts as one)


@dataclass(frozen=True)
class Preferences:
    """A member's settings, each as the word they would type to change it (`/prefs drops dm-weekly`)."""

    drops: str  # one of bot.notices.onboarding.DROP_CHOICES
    time: str  # one of bot.notices.onboarding.TIMES_OF_DAY, or "any"
    timezone: str | None  # None: the community's
    language: str | None  # None: the community's
    nudges: bool
    celebrate: str  # one of CELEBRATE_CHOICES
