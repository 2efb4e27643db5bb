"""What a community folder may say, validated by pydantic.

`community.toml` holds the community's settings, `content/*.md` one drop or resource per
file (front matter + markdown body), `faq.toml` the FAQ entries. Unknown keys are errors,
so a typo never silently does nothing.
"""

from __future__ import annotations

import re
from datetime import datetime, time
from decimal import Decimal
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from bot.community.checks import (
    check_cron,
    check_currency,
    check_identity,
    check_locale,
    check_moment,
    check_no_unsafe_link,
    check_placeholders,
    check_url,
)
from bot.community.experiments import Experiment
from bot.community.intake import Intake

SLUG = r"^[a-z0-9][a-z0-9-]{0,79}$"
CONTENT_KINDS = ("mini-training", "resource", "live", "deep-dive")
ContentKind = Literal["mini-training", "resource", "live", "deep-dive"]
Level = Annotated[int, Field(ge=1, le=5)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


STEP_PLACEHOLDERS = frozenset({"name", "creator", "community"})


def _repeated(keys: list[str]) -> list[str]:
    return sorted({k for k in keys if keys.count(k) > 1})


def check_timezone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {name!r} (use an IANA name such as 'Europe/Oslo')") from None
    return name


class CommunityInfo(Strict):
    name: str = Field(min_length=1, max_length=100)
    slug: str = Field(pattern=SLUG)
    locale: str = Field(default="en", pattern=r"^[a-z]{2}(-[A-Z]{2})?$")
    timezone: str = "UTC"
    description: str = ""

    _tz = field_validator("timezone")(check_timezone)
    _locale = field_validator("locale")(check_locale)


class Creator(Strict):
    name: str = Field(min_length=1, max_length=100)
    # Accounts with creator rights, as "platform:user_id" (any workspace) or
    # "platform:workspace_id:user_id". The console's creator is "console:creator".
    identities: tuple[str, ...] = ()
    moderators: tuple[str, ...] = ()

    @field_validator("identities", "moderators")
    @classmethod
    def _identity_shape(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(check_identity(item) for item in value)


class Channels(Strict):
    """Channel names (or native ids) per purpose; adapters resolve names to ids."""

    welcome: str | None = None
    drops: str = "drops"
    announcements: str = "announcements"
    faq: str | None = None
    live: str | None = None


class Welcome(Strict):
    public: bool = True  # also greet new members in the welcome channel


class Tier(Strict):
    """A level of access. How it shows on each platform: private channels or a user group on
    Slack, a role on Discord."""

    key: str = Field(pattern=SLUG)
    name: str = Field(min_length=1, max_length=100)  # the database keeps 100 characters
    default: bool = False
    slack_channels: tuple[str, ...] = ()
    slack_usergroup: str | None = None
    discord_role: str | None = None


class DiscordSettings(Strict):
    """Discord-only choices. Discord discourages mass DMs, so drops go to channels by default."""

    founding_role: str | None = "Founding member"
    past_due_role: str | None = "Payment due"
    mention_role_on_drops: bool = True


class Plan(Strict):
    key: str = Field(pattern=SLUG)
    tier: str
    interval: Literal["month", "year"] = "month"
    amount: Decimal = Field(ge=0, max_digits=10, decimal_places=2)
    currency: str = Field(default="usd", pattern=r"^[a-z]{3}$")
    stripe_price: str | None = None
    founding: bool = False
    trial_days: int = Field(default=0, ge=0, le=365)

    _currency = field_validator("currency")(check_currency)


class DropSlot(Strict):
    """One recurring publishing slot: the next queued item of `kind` goes out at `cron`."""

    kind: ContentKind
    cron: str  # crontab "minute hour day month day_of_week", in the community's time zone

    _cron = field_validator("cron")(check_cron)


class Drops(Strict):
    slots: tuple[DropSlot, ...] = ()


class OnboardingStep(Strict):
    id: str = Field(pattern=SLUG)
    day: int = Field(ge=0, le=365)
    title: str
    body: str
    unless: Literal["posted", "rsvped"] | None = None  # skip if the member already did this

    @field_validator("title", "body")
    @classmethod
    def _known_placeholders(cls, value: str) -> str:
        return check_placeholders(value, STEP_PLACEHOLDERS)


class StartPath(Strict):
    """The "start here" path for members whose level is in `levels`: content slugs in order."""

    levels: tuple[Level, ...]
    items: tuple[str, ...]


class Onboarding(Strict):
    quick_win: str = ""  # what a new member can do in their first day
    steps: tuple[OnboardingStep, ...] = ()
    paths: tuple[StartPath, ...] = ()

    @model_validator(mode="after")
    def _unique_steps(self) -> Onboarding:
        if dupes := _repeated([s.id for s in self.steps]):
            raise ValueError(f"onboarding step ids must be unique; repeated: {', '.join(dupes)}")
        return self


class NudgeStep(Strict):
    """One step of the inactivity policy: after `day` quiet days, send `send`."""

    day: int = Field(ge=1, le=365)
    send: Literal["missed", "note", "creator"]


class Nudges(Strict):
    """Check-ins for members who have gone quiet, and how often at most."""

    enabled: bool = True
    min_gap_days: int = Field(default=7, ge=0, le=90)
    win_back_days: int = Field(default=7, ge=1, le=60)
    creator_time: time = time(9, 0)  # community time
    note: str = ""  # the personal note in the creator's words; empty: the default
    steps: tuple[NudgeStep, ...] = (
        NudgeStep(day=10, send="missed"),
        NudgeStep(day=21, send="note"),
        NudgeStep(day=30, send="creator"),
    )

    @field_validator("note")
    @classmethod
    def _known_placeholders(cls, value: str) -> str:
        return check_placeholders(value, STEP_PLACEHOLDERS)

    @model_validator(mode="after")
    def _distinct_days(self) -> Nudges:
        if dupes := _repeated([str(s.day) for s in self.steps]):
            raise ValueError(f"nudge steps need distinct days; repeated: {', '.join(dupes)}")
        return self


class LiveSeries(Strict):
    """A weekly live session (`[[live.series]]`): each occurrence is a live session with RSVPs,
    reminders, questions and its recording. `key` names it across re-imports."""

    key: str = Field(pattern=SLUG)
    title: str = Field(min_length=1, max_length=150)
    day: Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
    time: time
    timezone: str | None = None  # default: the community's
    minutes: int = Field(default=60, ge=10, le=480)
    link: str | None = None
    description: str = Field(default="", max_length=2000)

    _url = field_validator("link")(check_url)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str | None) -> str | None:
        return value if value is None else check_timezone(value)


class Live(Strict):
    series: tuple[LiveSeries, ...] = ()

    @model_validator(mode="after")
    def _unique_keys(self) -> Live:
        if dupes := _repeated([s.key for s in self.series]):
            raise ValueError(f"live series keys must be unique; repeated: {', '.join(dupes)}")
        return self


class QuietHours(Strict):
    """No timed message reaches a member between these local times (in the member's time zone)."""

    start: time = time(21, 0)
    end: time = time(8, 0)


class Runway(Strict):
    """The content runway: warn the creator when a drop slot has fewer than this many weeks queued."""

    warn_weeks: int = Field(default=2, ge=1, le=52)


class DoorWindow(Strict):
    """A launch window: the doors open at `opens` and close at `closes` by themselves (naive times are in
    the community's time zone); `founding` offers the founding plans to everyone who joins meanwhile."""

    opens: datetime
    closes: datetime
    founding: bool = False

    _moments = field_validator("opens", "closes")(check_moment)

    @model_validator(mode="after")
    def _in_order(self) -> DoorWindow:
        if (self.opens.tzinfo is None) != (self.closes.tzinfo is None):
            raise ValueError("give `opens` and `closes` both with a UTC offset or both without")
        if self.closes <= self.opens:
            raise ValueError("a window closes after it opens")
        return self


class Doors(Strict):
    windows: tuple[DoorWindow, ...] = ()


TimeOfDay = time  # a field named `time` would shadow the type inside its class


class Briefing(Strict):
    """The creator's weekly briefing DM: on `day` at `time`, community time."""

    enabled: bool = True
    day: Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"] = "monday"
    time: TimeOfDay = TimeOfDay(8, 0)


class CommunityFile(Strict):
    """The whole of community.toml."""

    community: CommunityInfo
    creator: Creator
    channels: Channels = Channels()
    welcome: Welcome = Welcome()
    tiers: tuple[Tier, ...] = (Tier(key="member", name="Member", default=True),)
    plans: tuple[Plan, ...] = ()
    drops: Drops = Drops()
    onboarding: Onboarding = Onboarding()
    intake: Intake = Intake()
    quiet_hours: QuietHours = QuietHours()
    nudges: Nudges = Nudges()
    discord: DiscordSettings = DiscordSettings()
    doors: Doors = Doors()
    live: Live = Live()
    runway: Runway = Runway()
    briefing: Briefing = Briefing()
    experiments: tuple[Experiment, ...] = ()

    @model_validator(mode="after")
    def _experiments_name_messages(self) -> CommunityFile:
        """Each experiment varies a message that exists (content slugs are checked by the loader), one at most each."""
        if dupes := _repeated([e.key for e in self.experiments]):
            raise ValueError(f"experiment keys must be unique; repeated: {', '.join(dupes)}")
        if dupes := _repeated([e.message for e in self.experiments]):
            raise ValueError(f"one experiment per message; more than one varies: {', '.join(dupes)}")
        steps = {s.id for s in self.onboarding.steps}
        checkins = {str(s.day) for s in self.nudges.steps if s.send != "creator"}
        for experiment in self.experiments:
            if experiment.kind == "onboarding" and experiment.target not in steps:
                raise ValueError(f"experiment {experiment.key!r}: no onboarding step {experiment.target!r}")
            if experiment.kind == "checkin" and experiment.target not in checkins:
                raise ValueError(
                    f"experiment {experiment.key!r}: no member check-in on day {experiment.target} in [nudges]"
                )
        return self

    @model_validator(mode="after")
    def _plans_name_tiers(self) -> CommunityFile:
        for what, keys_ in (("tier", [t.key for t in self.tiers]), ("plan", [p.key for p in self.plans])):
            if dupes := _repeated(keys_):
                raise ValueError(f"{what} keys must be unique; repeated: {', '.join(dupes)}")
        if sum(t.default for t in self.tiers) > 1:
            raise ValueError("only one tier can be the default")
        keys = {t.key for t in self.tiers}
        for plan in self.plans:
            if plan.tier not in keys:
                raise ValueError(f"plan {plan.key!r} names tier {plan.tier!r}, which is not in [[tiers]]")
        if any(w.founding for w in self.doors.windows) and not any(p.founding for p in self.plans):
            raise ValueError("a founding window needs a plan with founding = true: its price is what it offers")
        return self


class ContentFrontMatter(Strict):
    """Front matter of one content/*.md file; the file name (without .md) is its slug."""

    title: str = Field(min_length=1, max_length=150)
    kind: ContentKind
    levels: tuple[Level, ...] = ()  # empty: for every level
    topics: tuple[str, ...] = ()
    teaser: str = ""
    url: str | None = None
    publish_at: datetime | None = None  # naive times are in the community's time zone
    order: int = Field(default=0, ge=-1_000_000, le=1_000_000)  # position in its kind's queue; ties broken by slug

    _url = field_validator("url")(check_url)
    _publish_at = field_validator("publish_at")(check_moment)


class FaqEntry(Strict):
    id: str = Field(pattern=SLUG)
    question: str = Field(min_length=1)
    answer: str = Field(min_length=1)
    alt_questions: tuple[str, ...] = Field(default=(), max_length=20)
    tags: tuple[str, ...] = ()

    _links = field_validator("answer")(check_no_unsafe_link)


class FaqFile(Strict):
    faq: tuple[FaqEntry, ...] = ()

    @model_validator(mode="after")
    def _unique_ids(self) -> FaqFile:
        if dupes := _repeated([e.id for e in self.faq]):
            raise ValueError(f"FAQ ids must be unique; repeated: {', '.join(dupes)}")
        return self


SLUG_RE = re.compile(SLUG)
