"""Giving and taking a tier's Discord role, and removing a member, with a fix for every refusal."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import discord

from bot.platforms.discord import access
from bot.platforms.discord.directory import GuildDirectory
from bot.platforms.discord.errors import MISSING_PERMISSIONS, translated
from bot.ports import AccessNotManageable


class RoleKeeper:
    """Tier roles in one guild: `change` grants or revokes one, `kick` removes a member."""

    def __init__(
        self,
        client: discord.Client,
        directory: GuildDirectory,
        guild_id: int,
        tier_roles: Mapping[str, str],
        founding_role: str | None,
        past_due_role: str | None,
    ) -> None:
        self._client = client
        self._directory = directory
        self._guild_id = guild_id
        self._tier_roles = dict(tier_roles)
        self._founding_role = founding_role
        self._past_due_role = past_due_role

    async def change(self, user_id: str, tier: str, *, grant: bool) -> None:
        role_name = access.role_name_for(tier, self._tier_roles, self._founding_role, self._past_due_role)
        if role_name is None:
            return  # this community does not use a role for it
        http = self._client.http
        with translated():
            role = await self._directory.role(role_name)
            if role is None:
                raise access.missing_role(role_name, tier)
            if role.get("managed"):
                raise access.managed_role(role_name, tier)
            change = http.add_role if grant else http.remove_role
            try:
                await change(self._guild_id, int(user_id), int(role["id"]), reason=f"membot: tier {tier}")
            except discord.Forbidden as exc:
                if exc.code != MISSING_PERMISSIONS:
                    raise
                raise await self._explain_forbidden(role) from exc

    async def kick(self, user_id: str) -> None:
        """Remove a member whose membership ended (MEMBOT_REVOKE_MODE=kick; the invite needs --kick)."""
        with translated():
            try:
                await self._client.http.kick(int(user_id), self._guild_id, reason="membot: membership ended")
            except discord.Forbidden as exc:
                raise AccessNotManageable(
                    "membot may not remove members from this server",
                    fix="Invite membot again with `membot discord invite-url --kick` (Kick Members), "
                    "or set MEMBOT_REVOKE_MODE=remove to only take away roles.",
                ) from exc

    async def _explain_forbidden(self, role: Mapping[str, Any]) -> AccessNotManageable:
        me = self._client.user
        roles = await self._directory.roles(refresh=True)
        mine: list[str] = []
        if me is not None:
            member = await self._client.http.get_member(self._guild_id, me.id)
            mine = [str(r) for r in member.get("roles", [])]
        return access.explain_forbidden(role, roles, mine, str(self._guild_id))
