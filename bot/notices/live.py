"""What the live Q&A feature tells people, and the plain facts its replies are built from.

`SessionInfo` is a live session as the views see it (no ORM row). Channel posts and DMs are
notices; `Upcoming`, `Asked` and `Attendee` are the rows of the lists a handler replies with.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time

from bot.notices import Notice


@dataclass(frozen=True)
class SessionInfo:
    """A live session: what every post, DM and reply about it may show."""

    id: int
    title: str
    starts_at: datetime  # UTC
    duration_min: int
    link: str | None
    description: str


@dataclass(frozen=True)
class SeriesInfo:
    """A weekly series: its rule, and its next occurrences (scheduled, soonest first)."""

    id: int
    title: str
    weekday: int  # 0 = Monday
    local_time: time
    timezone: str
    duration_min: int
    link: str | None
    active: bool
    from_file: bool  # defined in community.toml
    next: tuple[SessionInfo, ...] = ()
    skipped: tuple[SessionInfo, ...] = ()  # upcoming occurrences that were skipped


@dataclass(frozen=True)
class Upcoming:
    """A session not over yet, with its RSVP and question counts and whether the reader is going."""

    session: SessionInfo
    rsvps: int
    questions: int
    going: bool
    running: bool = False  # started and not over: "live now", not "upcoming"


@dataclass(frozen=True)
class Asked:
    """A question asked in advance: its number in the session's list, and who asked ("" if unknown)."""

    number: int
    text: str
    asker: str


@dataclass(frozen=True)
class Attendee:
    member_id: int
    name: str
    attended: bool


# -- posts in the live channel ------------------------------------------------------------


@dataclass(frozen=True)
class SessionAnnounced(Notice):
    session: SessionInfo


@dataclass(frozen=True)
class SessionLiveNow(Notice):
    """The session starts now: the post carries the "I'm here" button."""

    session: SessionInfo


@dataclass(frozen=True)
class SessionMoved(Notice):
    session: SessionInfo
    old_start: datetime


@dataclass(frozen=True)
class SessionCanceled(Notice):
    session: SessionInfo


@dataclass(frozen=True)
class RecordingPosted(Notice):
    """The recording is in the library (item `item_id`)."""

    session: SessionInfo
    url: str
    item_id: int


@dataclass(frozen=True)
class SeriesEnded(Notice):
    """A weekly series was called off: no more occurrences."""

    series: SeriesInfo


# -- direct messages to those who RSVP'd, and to the creator --------------------------------


@dataclass(frozen=True)
class SeriesCanceledForRsvp(Notice):
    """A series was called off; sent once to each member with a seat at one of its coming occurrences."""

    series: SeriesInfo
    sessions: tuple[SessionInfo, ...]  # the occurrences they had RSVP'd to


@dataclass(frozen=True)
class SessionReminder(Notice):
    """A reminder before the start; `label` names which one ("24h", "1h", "start")."""

    session: SessionInfo
    label: str


@dataclass(frozen=True)
class QuestionDigest(Notice):
    """For the creator, with the 1-hour reminder: the questions so far and how many are coming."""

    session: SessionInfo
    questions: tuple[str, ...]
    rsvps: int


@dataclass(frozen=True)
class RsvpMoved(Notice):
    """A session someone RSVP'd to has a new start."""

    session: SessionInfo
    old_start: datetime


@dataclass(frozen=True)
class RsvpCanceled(Notice):
    session: SessionInfo


@dataclass(frozen=True)
class RecordingForRsvp(Notice):
    """The recording, for someone who RSVP'd: worded differently for those who came and those who missed it."""

    session: SessionInfo
    url: str
    teaser: str
    attended: bool


@dataclass(frozen=True)
class RecordingTeaser(Notice):
    """Not sent: the library blurb of a recording given no description, worded like any notice and stored."""

    starts_at: datetime
