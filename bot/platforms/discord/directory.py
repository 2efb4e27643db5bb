"""Names -> ids in the one guild: channels (`drops` -> 1234), roles, and users' DM channels.

Works over the REST API, so it needs no gateway cache; results are cached per adapter and
refreshed once on a miss (a creator may have just created the channel or role).
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from typing import Any

from discord.http import HTTPClient

from bot.ports import PermanentError

log = logging.getLogger(__name__)

TEXT_CHANNEL_TYPES = (0, 5, 15)  # text, announcement, forum
DM_CACHE_SIZE = 10_000


class GuildDirectory:
    def __init__(self, http: HTTPClient, guild_id: int) -> None:
        self._http = http
        self._guild_id = guild_id
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
