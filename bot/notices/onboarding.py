"""Onboarding as data: the drip's steps, the quick win, the public welcome and the start-here path.

Also the intake's vocabulary (the choices a member picks from): the service checks answers
against it and the view offers it, so both name the same options.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.notices import Notice
from bot.notices.content import ContentPiece
from bot.notices.live import SessionInfo

INTAKE_FORM_ID = "onboard.intake"
# The intake form's questions, in order (bot.views.onboarding.intake_form asks exactly these; the
# welcome's button counts them).
INTAKE_QUESTIONS = ("why", "goal", "level", "format", "time_of_day", "drops", "timezone")
FORMATS = ("video", "reading", "live", "mixed")
TIMES_OF_DAY = ("morning", "midday", "evening")  # or "any"
INTAKE_TEXT = 500  # the longest answer to a written intake question
DROP_CHOICES = ("channel", "dm-every", "dm-weekly")  # how drops reach a member: the channel, each by DM, a weekly DM


@dataclass(frozen=True)
class DripStep(Notice):
    """A step of the onboarding sequence, due for a member: the creator's words from community.toml.

    `title` and `body` are templates; `{name}`, `{creator}` and `{community}` are filled in when worded.
    """

    title: str
    body: str
    name: str  # the member's first name
    creator: str
    community: str
    live: SessionInfo | None = None  # for a step that asks for an RSVP: the next live session, if any


@dataclass(frozen=True)
class QuickWin(Notice):
    """The small first task (community.toml's `quick_win`) a new member gets a couple of hours in."""

    task: str
    name: str  # the member's first name
    creator: str
    community: str


@dataclass(frozen=True)
class PublicWelcome(Notice):
    """A greeting in the welcome channel for someone who just became a member."""

    name: str  # their display name
    community: str


@dataclass(frozen=True)
class StartPath:
    """The items a member should start with, split into what's out and what's coming (a reply, not a notice)."""

    available: tuple[ContentPiece, ...]
    coming: tuple[ContentPiece, ...]
    member: bool = True  # False: they answered the intake before joining, and are told how to join


@dataclass(frozen=True)
class MemberIntroduced(Notice):
    """To the creator: a new member answered the intake, in their own words (why they joined, their goal)."""

    member_id: int
    name: str  # their display name
    why: str
    goal: str
    level: int
    format: str  # one of FORMATS
    community: str
    member: bool = True  # False: someone in the workspace who has not joined (yet)


@dataclass(frozen=True)
class MemberProfile:
    """What `/member show` tells the creator about one member (a reply, not a notice)."""

    member_id: int
    name: str
    role: str
    joined_at: datetime
    last_active_at: datetime | None
    status: str | None  # their open (or latest) membership's status; None: never had one
    plan: str | None
    tier: str | None
    since: datetime | None  # when that membership started
    ended: datetime | None  # when it ended (an ex-member's latest membership)
    level: int | None
    why: str  # "" until they answer the intake
    goal: str
    format: str | None
    intake_at: datetime | None  # when they answered the intake
