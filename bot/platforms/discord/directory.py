"""Names -> ids in the one guild: channels (`drops` -> 1234), roles, and users' DM channels.

Works over the REST API, so it needs no gateway cache; results are cached per adapter and
refreshed once on a miss (a creator may have just created the channel or role). Inbound, a
message in a channel community.toml names (`channels.faq`) carries that name (`named`), so the
FAQ's channel works named, as the drops' does.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from dataclasses import replace
from typing import Any

import discord
from discord.http import HTTPClient

from bot.clock import Clock, SystemClock
from bot.events import Event, MessagePosted
from bot.ports import PermanentError

log = logging.getLogger(__name__)

TEXT_CHANNEL_TYPES = (0, 5, 15)  # text, announcement, forum
DM_CACHE_SIZE = 10_000
RECHECK_SECONDS = 600  # a named channel the server lacks is looked for again at most this often


class GuildDirectory:
    def __init__(self, http: HTTPClient, guild_id: int, clock: Clock | None = None) -> None:
        self._http = http
        self._guild_id = guild_id
        self._clock = clock or SystemClock()
        self._checked: float | None = None  # when the channel list was last read for `named`
        self._looking = asyncio.Lock()
        self._channels: dict[str, int] | None = None
        self._roles: list[dict[str, Any]] | None = None
        self._dms: OrderedDict[str, int] = OrderedDict()

    # -- channels ------------------------------------------------------------------------

    async def channel_id(self, name_or_id: str) -> int:
        """A configured channel: a native id, or a name with or without '#'."""
        if name_or_id.isdigit():
            return int(name_or_id)
        name = name_or_id.lstrip("#").lower()
        for refresh in (False, True):
            channels = await self._load_channels(refresh)
            if name in channels:
                return channels[name]
        raise PermanentError(
            f"no text channel named #{name} in the server; create it or change [channels] in community.toml"
        )

    async def is_channel(self, channel_id: str, name_or_id: str) -> bool:
        """Whether `channel_id` is the channel configured as `name_or_id`. Asked for every message, so a
        name the server lacks re-reads the list at most every RECHECK_SECONDS."""
        if name_or_id.isdigit():
            return channel_id == name_or_id
        name = name_or_id.lstrip("#").lower()
        async with self._looking:  # messages arrive together: one lookup, the others wait for it
            now = self._clock.monotonic()
            stale = self._checked is None or now - self._checked >= RECHECK_SECONDS
            if (self._channels is None or name not in self._channels) and stale:
                self._checked = now
                try:
                    await self._load_channels(refresh=True)
                except discord.HTTPException as exc:
                    log.warning("discord: cannot list channels to find #%s: %s", name, exc)
        return self._channels is not None and str(self._channels.get(name, "")) == channel_id

    async def named(self, event: Event, name_or_id: str | None) -> Event:
        """A message posted in (a thread of) the channel configured as `name_or_id` carries that name as
        its channel; any other event as it is."""
        where = event.channel
        if not name_or_id or not isinstance(event, MessagePosted) or where is None or where.is_dm:
            return event
        if not await self.is_channel(where.channel_id, name_or_id):
            return event
        return replace(event, channel=replace(where, channel_id=name_or_id))

    async def _load_channels(self, refresh: bool) -> dict[str, int]:
        if self._channels is None or refresh:
            data = await self._http.get_all_guild_channels(self._guild_id)
            self._channels = {str(c["name"]).lower(): int(c["id"]) for c in data if c.get("type") in TEXT_CHANNEL_TYPES}
        return self._channels

    # -- roles ---------------------------------------------------------------------------

    async def roles(self, *, refresh: bool = False) -> list[dict[str, Any]]:
        if self._roles is None or refresh:
            self._roles = [dict(role) for role in await self._http.get_roles(self._guild_id)]
        return self._roles

    async def role(self, name: str) -> dict[str, Any] | None:
        """The role with this name (case-insensitive), or None."""
        for refresh in (False, True):
            for role in await self.roles(refresh=refresh):
                if str(role["name"]).lower() == name.lower():
                    return role
        return None

    def forget_roles(self) -> None:
        self._roles = None

    # -- direct messages -----------------------------------------------------------------

    async def dm_channel(self, user_id: str) -> int:
        """POST /users/@me/channels returns the same channel every time: cache it."""
        if user_id in self._dms:
            self._dms.move_to_end(user_id)
            return self._dms[user_id]
        data = await self._http.start_private_message(int(user_id))
        channel_id = int(data["id"])
        self._dms[user_id] = channel_id
        if len(self._dms) > DM_CACHE_SIZE:
            self._dms.popitem(last=False)
        return channel_id
