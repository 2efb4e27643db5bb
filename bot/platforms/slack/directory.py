"""Names <-> Slack ids, cached per adapter: channel names, DM channels, user-group handles, people's names.

conversations.open returns the same DM channel every time (and is Tier 3), so each user's
DM channel is looked up once. Channel and group lists are re-read once on a miss, so a
channel created after start-up is found without a restart.

Inbound, a message in a channel community.toml names (`channels.faq = "faq"`) is told apart by
`named`, which maps the id back to that name: the FAQ's channel works named, as the drops' does.
"""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import replace
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.clock import Clock, SystemClock
from bot.events import Event, MessagePosted
from bot.platforms.slack.errors import call
from bot.ports import PermanentError, PlatformError

log = logging.getLogger(__name__)

CHANNEL_ID = re.compile(r"^[CGD][A-Z0-9]{6,}$")
USERGROUP_ID = re.compile(r"^S[A-Z0-9]{6,}$")
PAGE = 200
MAX_PAGES = 50
RECHECK_SECONDS = 600  # a named channel Slack does not know is looked for again at most this often
NAME_SECONDS = 3600  # a person's name (users.info) is read again at most hourly
NAMES_KEPT = 5000
NAME_LOOKUP_SECONDS = 2.0  # the event waits for it before Slack's 3-second ack: never longer than this


class SlackDirectory:
    def __init__(self, client: AsyncWebClient, clock: Clock | None = None) -> None:
        self._client = client
        self._clock = clock or SystemClock()
        self._checked: float | None = None  # when the channel list was last read for `named`
        self._looking = asyncio.Lock()
        self._dms: dict[str, str] = {}
        self._channels: dict[str, str] | None = None
        self._groups: dict[str, str] | None = None
        self._names: dict[str, tuple[float, str | None]] = {}  # user id -> (read at, display name)

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

    async def is_channel(self, channel_id: str, name_or_id: str) -> bool:
        """Whether `channel_id` is the channel configured as `name_or_id` (a name or an id). Asked for
        every message, so a name Slack does not know re-reads the list at most every RECHECK_SECONDS."""
        if CHANNEL_ID.match(name_or_id):
            return channel_id == name_or_id
        name = name_or_id.lstrip("#").lower()
        async with self._looking:  # messages arrive together: one lookup, the others wait for it
            now = self._clock.monotonic()
            stale = self._checked is None or now - self._checked >= RECHECK_SECONDS
            if (self._channels is None or name not in self._channels) and stale:
                self._checked = now
                try:
                    self._channels = await self._list_channels()
                except PlatformError as exc:
                    log.warning("slack: cannot list channels to find #%s: %s", name, exc)
        return self._channels is not None and self._channels.get(name) == channel_id

    async def named(self, event: Event, name_or_id: str | None) -> Event:
        """A message posted in the channel configured as `name_or_id` carries that name as its channel
        (replies to it are sent to the name, which `channel_id` resolves); any other event as it is."""
        where = event.channel
        if not name_or_id or not isinstance(event, MessagePosted) or where is None or where.is_dm:
            return event
        if not await self.is_channel(where.channel_id, name_or_id):
            return event
        return replace(event, channel=replace(where, channel_id=name_or_id))

    async def with_name(self, event: Event) -> Event:
        """The event with its sender's display name. Slack's messages, channel joins and DMs carry
        only the user id, and a member first seen that way was greeted as "U0123ABC"; so the name is
        read with users.info (once an hour per person). If Slack won't say, the event goes on as it is."""
        user = event.user
        if user.display_name:
            return event
        now = self._clock.monotonic()
        cached = self._names.get(user.user_id)
        if cached is None or now - cached[0] >= NAME_SECONDS:
            try:
                async with asyncio.timeout(NAME_LOOKUP_SECONDS):
                    response = await call(self._client.users_info(user=user.user_id))
                cached = (now, profile_name(response["user"]))
            except (PlatformError, TimeoutError) as exc:
                log.info("slack: no name for a user: %s", type(exc).__name__)
                cached = (now, None)
            if len(self._names) >= NAMES_KEPT:
                self._names.pop(next(iter(self._names)))
            self._names[user.user_id] = cached
        return replace(event, user=replace(user, display_name=cached[1])) if cached[1] else event

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


def profile_name(user: dict[str, Any]) -> str | None:
    """What Slack shows for a person: their display name, else their full name, else their handle."""
    profile = user.get("profile") or {}
    return profile.get("display_name") or profile.get("real_name") or user.get("real_name") or user.get("name") or None
