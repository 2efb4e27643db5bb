"""Audience segments and the `/announce` line: pure parsing, plus who a segment names right now."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.notices.announcements import Segment
from bot.services.errors import UserError
from bot.services.parsing import check_ahead, duration
from bot.services.weekdays import weekday
from storage.database import Session
from storage.models import Member
from storage.repositories import announcements as repo
from storage.repositories.members import DEFAULT_GRACE

INACTIVE_AFTER = timedelta(days=14)
HAS_ACCESS = ("active", "trialing", "past_due", "comped")  # past_due: still in, during dunning
LEVELS = range(1, 6)
MAX_TEXT = 3000  # a Slack section's limit; Discord embeds allow more
KINDS = ("all", "level", "tier", "inactive", "founding")

_AT = re.compile(
    r"^(?:(?P<day>[^\W\d_]+\.?|\d{4}-\d{2}-\d{2})(?:\s+|t(?=\d)|$))?"
    r"(?:(?P<hour>\d{1,2})(?:[:.](?P<minute>\d{2}))?\s*(?P<ampm>am|pm)?)?$"
)


ALL = Segment("all")


@dataclass(frozen=True)
class AnnounceRequest:
    segment: Segment
    text: str
    send_at: datetime | None  # None: as soon as it is confirmed


def parse_segment(raw: str, tier_keys: Sequence[str]) -> Segment:
    """`all`, `level:3` / `level 3`, `tier:KEY` / `tier KEY`, `inactive`, `founding` (case-insensitive)."""
    words = raw.strip().lower().replace(":", " ").split()
    if not words or words == ["all"] or words == ["everyone"]:
        return ALL
    kind, rest = words[0], words[1:]
    if kind in ("inactive", "founding") and not rest:
        return Segment(kind)
    if kind == "level" and len(rest) == 1:
        if not rest[0].isdigit() or int(rest[0]) not in LEVELS:
            raise UserError("announce.errors.level", level=rest[0])
        return Segment("level", rest[0])
    if kind.startswith("level") and kind[5:].isdigit() and not rest:  # "level3"
        return parse_segment(f"level {kind[5:]}", tier_keys)
    if kind == "tier" and len(rest) == 1:
        if rest[0] not in tier_keys:
            raise UserError("announce.errors.tier", tier=rest[0], tiers=", ".join(tier_keys))
        return Segment("tier", rest[0])
    raise UserError("announce.errors.segment", segment=raw.strip())


def parse_when(raw: str, now: datetime, tz: ZoneInfo) -> datetime:
    """`at`-style times in the community's zone: `17:30`, `5pm`, `tomorrow 9am`, `fri 17:00`, `2026-12-01 09:00`."""
    text = " ".join(raw.lower().split())
    match = _AT.match(text)
    if not text or match is None or not (match["day"] or match["hour"]):
        raise UserError("announce.errors.when", when=raw.strip())
    local_now = now.astimezone(tz)
    clock_time = _time_of_day(match, raw)
    day_word = match["day"]
    if day_word is None:
        day, roll = local_now.date(), timedelta(days=1)
    elif day_word == "today":
        day, roll = local_now.date(), timedelta(0)
    elif day_word == "tomorrow":
        day, roll = local_now.date() + timedelta(days=1), timedelta(0)
    elif (number := weekday(day_word)) is not None:  # "fri", "fredag", "vrijdag", "周五"
        day = local_now.date() + timedelta(days=(number - local_now.weekday()) % 7)
        roll = timedelta(days=7)
    else:
        day, roll = _iso_day(day_word, raw), timedelta(0)
    when = _instant(day, clock_time, tz)
    if when <= now and roll:
        when = _instant(day + roll, clock_time, tz)
    return _check_future(when, now, raw)


def parse_delay(raw: str, now: datetime) -> datetime:
    """`in`-style delays: `2h`, `90 minutes`, `1h30m`, `3 days`."""
    delay = duration(raw)  # whole units only: "1.5h" and "-5d" are refused, not read as 15h and 5d
    if delay is None:
        raise UserError("announce.errors.when", when=raw.strip())
    return _check_future(now + delay, now, raw)


def parse_request(args: str, now: datetime, tz: ZoneInfo, tier_keys: Sequence[str]) -> AnnounceRequest:
    """`[segment] [at <time> | in <delay>] | message text`."""
    head, bar, text = args.partition("|")
    if not bar:
        raise UserError("announce.errors.usage")
    words = head.split()
    split = next((i for i, w in enumerate(words) if w.lower() in ("at", "in")), len(words))
    when = " ".join(words[split + 1 :])
    if split < len(words) and not when:
        raise UserError("announce.errors.when", when=words[split])
    send_at = None
    if when:
        send_at = parse_when(when, now, tz) if words[split].lower() == "at" else parse_delay(when, now)
    return build_request(" ".join(words[:split]), send_at, text, tier_keys)


def build_request(segment: str, send_at: datetime | None, text: str, tier_keys: Sequence[str]) -> AnnounceRequest:
    text = text.strip()
    if not text:
        raise UserError("announce.errors.empty")
    if len(text) > MAX_TEXT:
        raise UserError("announce.errors.too_long", limit=MAX_TEXT, length=len(text))
    return AnnounceRequest(parse_segment(segment, tier_keys), text, send_at)


# -- who is in a segment -------------------------------------------------------------------


async def members_in(
    session: Session, community_id: int, segment: Segment, now: datetime, grace: timedelta = DEFAULT_GRACE
) -> Sequence[Member]:
    """Everyone the segment names right now (current members and moderators, never the creator),
    identities loaded, oldest member first."""
    return await repo.segment_members(
        session,
        community_id,
        segment.kind,
        segment.value,
        now=now,
        grace=grace,
        inactive_since=now - INACTIVE_AFTER,
        holding=HAS_ACCESS,
    )


# -- helpers --------------------------------------------------------------------------------


def _time_of_day(match: re.Match[str], raw: str) -> time:
    if match["hour"] is None:
        return time(9, 0)  # a day without a time: the morning
    hour, minute = int(match["hour"]), int(match["minute"] or 0)
    if match["ampm"]:
        if not 1 <= hour <= 12:
            raise UserError("announce.errors.when", when=raw.strip())
        hour = hour % 12 + (12 if match["ampm"] == "pm" else 0)
    if hour > 23 or minute > 59:
        raise UserError("announce.errors.when", when=raw.strip())
    return time(hour, minute)


def _iso_day(word: str, raw: str) -> date:
    try:
        return date.fromisoformat(word)
    except ValueError:
        raise UserError("announce.errors.when", when=raw.strip()) from None


def _instant(day: date, at: time, tz: ZoneInfo) -> datetime:
    """A wall time in `tz` as a UTC instant (a time a DST change skipped moves forward)."""
    try:
        return datetime.combine(day, at, tzinfo=tz).astimezone(UTC)
    except OverflowError:  # year 1 or 9999 at the edge of what datetime can hold
        raise UserError("announce.errors.when", when=day.isoformat()) from None


def _check_future(when: datetime, now: datetime, raw: str) -> datetime:
    return check_ahead(when, now, "announce.errors.past", "announce.errors.too_far", when=raw.strip())
