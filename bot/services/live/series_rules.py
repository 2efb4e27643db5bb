"""The rules of recurring live sessions, as pure functions: what a valid series is, which dates it
falls on, and when an occurrence is announced.

`/live schedule every ...` and `[[live.series]]` in community.toml both end in a `SeriesSpec`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.community.schema import DropSlot
from bot.services.errors import UserError
from bot.services.live.rules import parse_clock, parse_duration, parse_link, parse_zone, wall_time_to_utc
from bot.services.schedule import next_slot_after
from bot.services.weekdays import weekday

HORIZON = timedelta(days=28)  # occurrences are made this far ahead (four weekly sessions)
ANNOUNCE_AHEAD = timedelta(days=6)  # without a "live" drop slot: announced this long before the start
MIN_NOTICE = timedelta(hours=1)  # a slot firing closer to the start than this is too late to announce it
SLOT_WINDOW = timedelta(days=7)  # a "live" slot announces the occurrence starting within a week of it
LIVE_SLOT = "live"

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclass(frozen=True)
class SeriesDraft:
    """What the creator typed after `/live schedule every`, before validation."""

    title: str
    day: str
    time: str
    zone: str = ""
    duration: str = ""
    link: str = ""
    description: str = ""


@dataclass(frozen=True)
class SeriesSpec:
    """A valid weekly rule: what is saved."""

    title: str
    weekday: int  # 0 = Monday
    local_time: time
    timezone: str
    duration_min: int
    link: str | None
    description: str


def parse_weekday(text: str) -> int:
    number = weekday(text)
    if number is not None:
        return number
    raise UserError("live.errors.bad_weekday", value=text.strip() or "?")


def validate_series(draft: SeriesDraft, *, default_zone: ZoneInfo) -> SeriesSpec:
    """Check every field and name the first that is wrong (as a `UserError`); nothing is saved here."""
    title = " ".join(draft.title.split())
    if not title:
        raise UserError("live.errors.no_title")
    if len(title) > 150:
        raise UserError("live.errors.long_title", count=len(title))
    weekday, clock, zone = parse_weekday(draft.day), parse_clock(draft.time), parse_zone(draft.zone, default_zone)
    description = draft.description.strip()
    if len(description) > 2000:
        raise UserError("live.errors.long_description", count=len(description))
    return SeriesSpec(
        title, weekday, clock, zone.key, parse_duration(draft.duration), parse_link(draft.link), description
    )


def occurrence_start(day: date, local_time: time, zone: str) -> datetime:
    """When the occurrence on `day` starts, in UTC (a wall time skipped by DST moves forward)."""
    return wall_time_to_utc(day, local_time, ZoneInfo(zone))


def occurrence_days(
    weekday: int, local_time: time, zone: str, now: datetime, horizon: timedelta = HORIZON
) -> Iterator[date]:
    """The local dates of the occurrences that start after `now` and within `horizon`, in order."""
    today = now.astimezone(ZoneInfo(zone)).date()
    day = today + timedelta(days=(weekday - today.weekday()) % 7)
    while True:
        starts = occurrence_start(day, local_time, zone)
        if starts - now > horizon:
            return
        if starts > now:
            yield day
        day += timedelta(days=7)


def announce_at(starts_at: datetime, slots: Sequence[DropSlot], tz: ZoneInfo) -> tuple[datetime, bool]:
    """When an occurrence is announced, and whether a "live" drop slot does it.

    The slot's post is the occurrence: the first "live" slot in the week before the start (from the
    same wall-clock time a week earlier, so a change to or from summer time moves nothing) and at
    least `MIN_NOTICE` before it announces it, in the drops channel. A slot at the session's own
    time announces next week's: posted as it starts, nobody could RSVP or be reminded. Without such
    a slot it is announced `ANNOUNCE_AHEAD` before the start, in the live channel.
    """
    week_before = (starts_at.astimezone(tz) - SLOT_WINDOW).astimezone(UTC)  # wall-clock arithmetic in `tz`
    fire = next_slot_after(slots, LIVE_SLOT, week_before - timedelta(seconds=1), tz)
    if fire is not None and fire <= starts_at - MIN_NOTICE:
        return fire, True
    return starts_at - ANNOUNCE_AHEAD, False


def has_live_slot(slots: Sequence[DropSlot]) -> bool:
    return any(slot.kind == LIVE_SLOT for slot in slots)
