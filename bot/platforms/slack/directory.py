"""Names -> Slack ids, cached per adapter: channel names, DM channels, user-group handles.

conversations.open returns the same DM channel every time (and is Tier 3), so each user's
DM channel is looked up once. Channel and group lists are re-read once on a miss, so a
channel created after start-up is found without a restart.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.platforms.slack.errors import call
from bot.ports import PermanentError

log = logging.getLogger(__name__)

CHANNEL_ID = re.compile(r"^[CGD][A-Z0-9]{6,}$")
USERGROUP_ID = re.compile(r"^S[A-Z0-9]{6,}$")
PAGE = 200
MAX_PAGES = 50


class SlackDirectory:
    def __init__(self, client: AsyncWebClient) -> None:
        self._client = client
        self._dms: dict[str, str] = {}
        self._channels: dict[str, str] | None = None
        self._groups: dict[str, str] | None = None

    async def dm_channel(self, user_id: str) -> str:
        if user_id not in self._dms:
            response = await call(self._client.conversations_open(users=user_id))
            self._dms[user_id] = response["channel"]["id"]
        return self._dms[user_id]

    async def channel_id(self, name_or_id: str) -> str:
        """`drops`, `#drops` or `C0123ABCD` -> the channel id; PermanentError when there is none."""
        if CHANNEL_ID.match(name_or_id):
            return name_or_id
        name = name_or_id.lstrip("#").lower()
        for refresh in (False, True):
            if self._channels is None or refresh:
                self._channels = await self._list_channels()
            if name in self._channels:
                return self._channels[name]
        raise PermanentError(f"slack channel_not_found: #{name} (or membot is not in it)")

    async def usergroup_id(self, handle_or_id: str) -> str:
        if USERGROUP_ID.match(handle_or_id):
            return handle_or_id
        handle = handle_or_id.lstrip("@").lower()
        for refresh in (False, True):
            if self._groups is None or refresh:
                response = await call(self._client.usergroups_list(include_disabled=False))
                groups: list[dict[str, str]] = response.get("usergroups", [])
                self._groups = {g["handle"].lower(): g["id"] for g in groups}
            if handle in self._groups:
                return self._groups[handle]
        raise PermanentError(f"slack usergroup not found: @{handle}")

    async def _list_channels(self) -> dict[str, str]:
        found: dict[str, str] = {}
        cursor: str | None = None
        for _ in range(MAX_PAGES):
            kwargs: dict[str, Any] = {
                "types": "public_channel,private_channel",
                "exclude_archived": True,
                "limit": PAGE,
            }
            if cursor:
                kwargs["cursor"] = cursor
            response = await call(self._client.conversations_list(**kwargs))
            channels: list[dict[str, Any]] = response.get("channels", [])
            for channel in channels:
                found[channel["name"].lower()] = channel["id"]
            cursor = (response.get("response_metadata") or {}).get("next_cursor") or None
            if not cursor:
                break
        log.info("slack: %d channels visible to membot", len(found))
        return found
