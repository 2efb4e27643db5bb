"""When a timed message may reach a member: their preferred time of day, in their time zone,
never in quiet hours. Pure functions over datetimes."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from bot.community.schema import QuietHours


def zone_named(name: str) -> str | None:
    """The time zone a person typed, spelled as the database spells it ("utc" and "europe/oslo" are
    "UTC" and "Europe/Oslo", "America/New York" is "America/New_York"); None if there is none."""
    name = name.strip()
    try:
        ZoneInfo(name)
        return name
    except (ZoneInfoNotFoundError, ValueError):
        pass
    wanted = "_".join(name.split()).casefold()
    return next((zone for zone in available_timezones() if zone.casefold() == wanted), None) if wanted else None


def member_zone(member_tz: str | None, community_tz: ZoneInfo) -> ZoneInfo:
    if member_tz:
        try:
            return ZoneInfo(member_tz)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return community_tz


def in_quiet_hours(local: time, quiet: QuietHours) -> bool:
    """Quiet hours may wrap midnight (21:00-08:00) or not (13:00-14:00)."""
    if quiet.start == quiet.end:
        return False
    if quiet.start < quiet.end:
        return quiet.start <= local < quiet.end
    return local >= quiet.start or local < quiet.end


def next_send_time(
    due: datetime,
    *,
    zone: ZoneInfo,
    quiet: QuietHours,
    preferred: time | None = None,
) -> datetime:
    """The first moment at or after `due` that respects the member's preferred time and quiet hours.

    With a preferred time of day, the message goes at that local time on the day it is due
    (or the next day if that time has passed). Without one, it goes when due unless that
    falls in quiet hours, in which case it waits for quiet hours to end.
    """
    local = due.astimezone(zone)
    if preferred is not None:
        candidate = local.replace(hour=preferred.hour, minute=preferred.minute, second=0, microsecond=0)
        if candidate < local.replace(second=0, microsecond=0):
            candidate += timedelta(days=1)
        else:  # due within the preferred minute itself (a drop slot that fires at it): now, not tomorrow
            candidate = max(candidate, local)
        local = _normalise(candidate, zone)
    if in_quiet_hours(local.timetz().replace(tzinfo=None), quiet):
        end = local.replace(hour=quiet.end.hour, minute=quiet.end.minute, second=0, microsecond=0)
        if end <= local:
            end += timedelta(days=1)
        local = _normalise(end, zone)
    return local.astimezone(UTC)


def _normalise(local: datetime, zone: ZoneInfo) -> datetime:
    """Round-trip through UTC so a wall time that a DST change skipped becomes a real instant."""
    return local.astimezone(UTC).astimezone(zone)
