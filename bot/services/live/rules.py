"""The rules of live sessions, as pure functions: what a valid session is, and when reminders fall due.

`/live schedule` arguments and the schedule form go through the same `validate`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

from bot.services.errors import UserError
from bot.services.parsing import MAX_AHEAD  # a year at most: a date shown without its year is never ambiguous
from bot.services.timing import zone_named


@dataclass(frozen=True)
class Reminder:
    """A reminder `before` the start; not sent once it is more than `late` overdue."""

    label: str
    before: timedelta
    late: timedelta


# Proposed community setting: [live] reminders = ["24h", "1h", "0m"]. A constant until then.
REMINDERS: tuple[Reminder, ...] = (
    Reminder("24h", timedelta(hours=24), late=timedelta(hours=6)),
    Reminder("1h", timedelta(hours=1), late=timedelta(minutes=20)),
    Reminder("start", timedelta(0), late=timedelta(minutes=15)),
)
DIGEST_LABEL = "1h"  # the creator's "questions so far" goes with this reminder
CHECK_IN_EARLY = timedelta(minutes=15)  # "I'm here" works from this long before the start
DURATION_MINUTES = (10, 480)
LONGEST = timedelta(minutes=DURATION_MINUTES[1])  # a session that began this long ago may still be on
MAX_QUESTION = 1000
DEFAULT_DURATION = 60


@dataclass(frozen=True)
class SessionDraft:
    """What the creator typed (command or form), before validation."""

    title: str
    date: str
    time: str
    zone: str = ""
    duration: str = ""
    link: str = ""
    description: str = ""


@dataclass(frozen=True)
class SessionSpec:
    """A draft that passed every check: what is saved."""

    title: str
    starts_at: datetime
    duration_min: int
    link: str | None
    description: str


def parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise UserError("live.errors.bad_date", value=text.strip() or "?") from None


_CLOCK = re.compile(r"(?P<h>\d{1,2})(?:[:.h](?P<m>\d{2}))?h?\s*(?P<ampm>am|pm)?")


def parse_clock(text: str) -> time:
    match = _CLOCK.fullmatch(text.strip().lower())
    if match:
        hour, minute, ampm = int(match["h"]), int(match["m"] or 0), match["ampm"]
        if ampm and 1 <= hour <= 12:
            hour = hour % 12 + (12 if ampm == "pm" else 0)
        elif ampm:
            hour = 99  # "17pm" is not a time
        if hour < 24 and minute < 60:
            return time(hour, minute)
    raise UserError("live.errors.bad_time", value=text.strip() or "?")


def parse_zone(text: str, default: ZoneInfo) -> ZoneInfo:
    name = text.strip()
    if not name:
        return default
    match = zone_named(name)
    if match is None:
        raise UserError("live.errors.bad_zone", value=name)
    return ZoneInfo(match)


_DURATION = re.compile(r"(?:(?P<h>\d{1,2})h)?(?P<m>\d{1,3})?(?:m|min|mins|minutes)?")


def parse_duration(text: str) -> int:
    raw = text.strip().lower().replace(" ", "")
    if not raw:
        return DEFAULT_DURATION
    match = _DURATION.fullmatch(raw)
    if match and (match["h"] or match["m"]):
        minutes = int(match["h"] or 0) * 60 + int(match["m"] or 0)
        if DURATION_MINUTES[0] <= minutes <= DURATION_MINUTES[1]:
            return minutes
    raise UserError("live.errors.bad_duration", value=text.strip(), low=DURATION_MINUTES[0], high=DURATION_MINUTES[1])


def parse_link(text: str) -> str | None:
    link = text.strip()
    if not link:
        return None
    parsed = urlparse(link)
    if parsed.scheme not in ("http", "https") or not parsed.netloc or any(c.isspace() for c in link) or len(link) > 500:
        raise UserError("live.errors.bad_link", value=link[:80])
    return link


def validate(draft: SessionDraft, *, now: datetime, default_zone: ZoneInfo) -> SessionSpec:
    """Check every field and name the first that is wrong (as a `UserError`); nothing is saved here."""
    title = " ".join(draft.title.split())
    if not title:
        raise UserError("live.errors.no_title")
    if len(title) > 150:
        raise UserError("live.errors.long_title", count=len(title))
    day, clock, zone = parse_date(draft.date), parse_clock(draft.time), parse_zone(draft.zone, default_zone)
    if day < (now - timedelta(days=2)).date():  # far-off years would overflow the time zone maths
        raise UserError("live.errors.in_past", when=day.isoformat())
    if day > (now + MAX_AHEAD).date():
        raise UserError("live.errors.too_far", when=day.isoformat())
    starts_at = wall_time_to_utc(day, clock, zone)
    if starts_at <= now:
        raise UserError("live.errors.in_past", when=_as_typed(starts_at, zone))
    if starts_at - now > MAX_AHEAD:
        raise UserError("live.errors.too_far", when=_as_typed(starts_at, zone))
    description = draft.description.strip()
    if len(description) > 2000:
        raise UserError("live.errors.long_description", count=len(description))
    return SessionSpec(title, starts_at, parse_duration(draft.duration), parse_link(draft.link), description)


def _as_typed(when: datetime, zone: ZoneInfo) -> str:
    """The rejected time in the zone it was typed in, as it was typed ('2026-12-03 17:00 CET'): no
    English day or month names in a message any language may read."""
    return when.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z")


def wall_time_to_utc(day: date, clock: time, zone: ZoneInfo) -> datetime:
    """A local wall time as a UTC instant; a time skipped by a DST change moves forward."""
    return datetime.combine(day, clock, tzinfo=zone).astimezone(UTC)


def clock_change(draft: SessionDraft, starts_at: datetime, default_zone: ZoneInfo) -> str | None:
    """Whether the wall time typed was one a clock change skipped ("skipped": the session moved
    forward to `starts_at`) or one it repeats ("repeated": the first of the two is `starts_at`)."""
    zone = parse_zone(draft.zone, default_zone)
    typed = datetime.combine(starts_at.astimezone(zone).date(), parse_clock(draft.time))
    if starts_at.astimezone(zone).replace(tzinfo=None) != typed:
        return "skipped"
    earlier, later = (typed.replace(tzinfo=zone, fold=fold).utcoffset() for fold in (0, 1))
    return "repeated" if earlier != later else None


def ends_at(starts_at: datetime, duration_min: int) -> datetime:
    return starts_at + timedelta(minutes=duration_min)


def stamp(starts_at: datetime) -> str:
    """Part of every time-bound dedupe key, so a moved session gets fresh reminders."""
    return starts_at.astimezone(UTC).strftime("%Y%m%dT%H%MZ")


def reminders_ahead(starts_at: datetime, now: datetime) -> tuple[str, ...]:
    """The labels of the reminders someone who RSVPs now will still get: those not due yet, and the
    one due now unless it is too late (what the reminder scan will send)."""
    due = due_reminder(starts_at, now)
    return tuple(r.label for r in REMINDERS if starts_at - r.before > now or r is due)


def due_reminder(starts_at: datetime, now: datetime) -> Reminder | None:
    """The most recent reminder that has come due and is not too late; older ones are superseded."""
    came_due = [r for r in REMINDERS if starts_at - r.before <= now]
    if not came_due:
        return None
    latest = min(came_due, key=lambda r: r.before)
    return latest if now - (starts_at - latest.before) <= latest.late else None
