"""Tier access on Slack: private channels (invite/kick) and user groups (membership list updates).

Failures that only the creator can fix become `AccessNotManageable` with a sentence saying what
to change; the rest are the usual neutral errors.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Mapping

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from bot.platforms.slack.directory import SlackDirectory
from bot.platforms.slack.errors import call, error_code
from bot.ports import AccessNotManageable, PermanentError

log = logging.getLogger(__name__)

SCOPE_CODES = frozenset({"missing_scope", "not_allowed_token_type"})


class TierAccess:
    def __init__(
        self,
        client: AsyncWebClient,
        directory: SlackDirectory,
        channels: Mapping[str, tuple[str, ...]],
        usergroups: Mapping[str, str],
    ) -> None:
        self._client = client
        self._directory = directory
        self._channels = dict(channels)
        self._usergroups = dict(usergroups)

    def manages(self, tier: str) -> bool:
        return bool(self._channels.get(tier) or self._usergroups.get(tier))

    async def grant(self, user_id: str, tier: str) -> None:
        for channel in self._channels.get(tier, ()):
            channel_id = await self._channel(channel, tier)
            await self._guard(
                self._client.conversations_invite(channel=channel_id, users=user_id),
                channel=channel,
                ok={"already_in_channel"},
            )
        if group := self._usergroups.get(tier):
            await self._update_group(group, tier, add=user_id)

    async def revoke(self, user_id: str, tier: str) -> None:
        for channel in self._channels.get(tier, ()):
            channel_id = await self._channel(channel, tier)
            await self._guard(
                self._client.conversations_kick(channel=channel_id, user=user_id),
                channel=channel,
                ok={"not_in_channel"},
            )
        if group := self._usergroups.get(tier):
            await self._update_group(group, tier, remove=user_id)

    async def _channel(self, channel: str, tier: str) -> str:
        try:
            return await self._directory.channel_id(channel)
        except PermanentError:
            raise AccessNotManageable(
                f"slack channel #{channel.lstrip('#')} for tier {tier} not found",
                fix=f"Create the private channel #{channel.lstrip('#')} (or correct slack_channels for tier "
                f"'{tier}' in community.toml), then add membot to it: open the channel, type /invite @membot.",
            ) from None

    async def _update_group(self, group: str, tier: str, *, add: str | None = None, remove: str | None = None) -> None:
        try:
            group_id = await self._directory.usergroup_id(group)
        except PermanentError:
            raise AccessNotManageable(
                f"slack user group @{group.lstrip('@')} for tier {tier} not found",
                fix=f"Create the user group @{group.lstrip('@')} in Slack (People > User groups; needs a paid "
                f"plan), or correct slack_usergroup for tier '{tier}' in community.toml.",
            ) from None
        response = await self._guard(self._client.usergroups_users_list(usergroup=group_id), group=group)
        assert response is not None  # None only for an "ok" error code, and none is allowed here
        users = list(response.get("users", []))
        if add and add not in users:
            users.append(add)
        elif remove and remove in users:
            users.remove(remove)
        else:
            return  # already as wanted: no write
        if not users:
            raise AccessNotManageable(
                f"slack user group @{group} would be empty",
                fix=f"Slack cannot empty a user group through the API: add someone else (you) to @{group}, "
                "or disable the group in Slack.",
            )
        await self._guard(self._client.usergroups_users_update(usergroup=group_id, users=",".join(users)), group=group)

    async def _guard(
        self,
        request: Awaitable[AsyncSlackResponse],
        *,
        channel: str | None = None,
        group: str | None = None,
        ok: frozenset[str] | set[str] = frozenset(),
    ) -> AsyncSlackResponse | None:
        """Run one access call; map the errors a creator can fix to AccessNotManageable."""
        try:
            return await call(request)
        except PermanentError as exc:
            cause = exc.__cause__
            code = error_code(cause) if isinstance(cause, SlackApiError) else ""
            if code in ok:
                log.info("slack access: %s (nothing to do)", code)
                return None
            fix = _fix(code, channel=channel, group=group)
            if fix is None:
                raise
            raise AccessNotManageable(f"slack {code}", fix=fix) from exc


def _fix(code: str, *, channel: str | None, group: str | None) -> str | None:
    where = f"#{channel.lstrip('#')}" if channel else f"@{(group or '').lstrip('@')}"
    if code in SCOPE_CODES:
        scope = "groups:write" if channel else "usergroups:write"
        return (
            f"membot lacks the {scope} permission: regenerate the manifest (membot slack manifest), "
            "update the app at api.slack.com/apps, and reinstall it to the workspace."
        )
    if code == "not_in_channel" and channel:
        return f"Add membot to {where}: open the channel and type /invite @membot."
    if code in ("channel_not_found", "is_archived"):
        return f"{where} is missing or archived: unarchive or recreate it, add membot to it, or update community.toml."
    if code in ("restricted_action", "cant_kick_from_general"):
        return f"Your workspace settings stop apps from managing {where}: let members (or apps) invite and remove people there."
    if code in ("paid_teams_only", "plan_upgrade_required"):
        return "User groups need a paid Slack plan: use private channels (slack_channels) for this tier instead."
    if code in ("permission_denied", "no_permission"):
        return f"An admin must allow apps to edit user groups, or make {where} editable by everyone."
    return None
