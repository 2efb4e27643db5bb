"""Live sessions as Guild Scheduled Events (external: a location such as a Zoom link).

Each event's description ends with a `membot:<key>` line, so the event for a live session is
found again after a restart and re-publishing edits it instead of creating a twin.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

import discord
from discord.http import HTTPClient

from bot.platforms.discord.render import clip

GUILD_ONLY = 2
EXTERNAL = 3
CANCELED = 4
NAME_LIMIT = 100
DESCRIPTION_LIMIT = 1000
LOCATION_LIMIT = 100


def marker(key: str) -> str:
    return f"membot:{key}"


def event_payload(
    key: str, title: str, starts_at: datetime, ends_at: datetime, description: str, location: str
) -> dict[str, Any]:
    if starts_at.tzinfo is None or ends_at.tzinfo is None:
        raise ValueError("scheduled event times must be timezone-aware")
    if ends_at <= starts_at:
        raise ValueError("a scheduled event must end after it starts")
    tail = f"\n\n{marker(key)}"
    return {
        "name": clip(title, NAME_LIMIT),
        "privacy_level": GUILD_ONLY,
        "entity_type": EXTERNAL,
        "entity_metadata": {"location": clip(location, LOCATION_LIMIT) or "Online"},
        "scheduled_start_time": starts_at.astimezone(UTC).isoformat(),
        "scheduled_end_time": ends_at.astimezone(UTC).isoformat(),
        "description": clip(description, DESCRIPTION_LIMIT - len(tail)) + tail,
    }


def find_by_key(events: Iterable[Mapping[str, Any]], key: str) -> str | None:
    tail = marker(key)
    for event in events:
        if str(event.get("description") or "").rstrip().endswith(tail):
            return str(event["id"])
    return None


async def upsert(http: HTTPClient, guild_id: int, known: dict[str, str], key: str, payload: dict[str, Any]) -> str:
    """Edit the event for `key` if it exists (cache, then the guild's list), else create it."""
    event_id = known.get(key)
    if event_id is None:
        event_id = find_by_key(await http.get_scheduled_events(guild_id, False), key)
    if event_id is not None:
        try:
            data = await http.edit_scheduled_event(guild_id, int(event_id), **payload, reason="membot live session")
        except discord.NotFound:
            event_id = None  # deleted by hand in Discord: create it again
        else:
            known[key] = str(data["id"])
            return known[key]
    data = await http.create_guild_scheduled_event(guild_id, **payload, reason="membot live session")
    known[key] = str(data["id"])
    return known[key]


async def cancel(http: HTTPClient, guild_id: int, event_id: str) -> None:
    try:
        await http.edit_scheduled_event(guild_id, int(event_id), status=CANCELED, reason="membot: session cancelled")
    except discord.NotFound:
        return  # already gone: cancelling is idempotent
