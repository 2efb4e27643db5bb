"""Build the Discord adapter from settings and the community file; the composition root calls this."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.community.schema import CommunityFile
from bot.platforms.discord.adapter import DiscordPlatform
from bot.settings import SettingsError


def tier_roles(community: CommunityFile) -> dict[str, str]:
    """Tier key -> role name: `discord_role` when given, else the tier's display name."""
    return {t.key: t.discord_role or t.name for t in community.tiers}


def _snowflake(settings: Any, field: str) -> str:
    value = getattr(settings, field, None)
    name = f"MEMBOT_{field.upper()}"
    if not value:
        raise SettingsError(f"{name} is not set, but platform 'discord' was chosen")
    value = str(value).strip()
    if not value.isdigit():
        raise SettingsError(f"{name} must be a Discord id (digits only; copy it with Developer Mode on)")
    return value


def create_discord_platform(
    settings: Any, community_config: CommunityFile, *, commands: Mapping[str, str] | None = None
) -> DiscordPlatform:
    """`settings` is bot.settings.Settings; optional fields (discord_sharded, discord_api_url,
    discord_message_content) are read when present."""
    token = getattr(settings, "discord_token", None)
    if token is None or not token.get_secret_value().strip():
        raise SettingsError("MEMBOT_DISCORD_TOKEN is not set, but platform 'discord' was chosen")
    discord_settings = community_config.discord
    return DiscordPlatform(
        token=token.get_secret_value().strip(),
        application_id=_snowflake(settings, "discord_application_id"),
        guild_id=_snowflake(settings, "discord_guild_id"),
        tier_roles=tier_roles(community_config),
        founding_role=discord_settings.founding_role,
        past_due_role=discord_settings.past_due_role,
        mention_role_on_drops=discord_settings.mention_role_on_drops,
        sharded=bool(getattr(settings, "discord_sharded", False)),
        base_url=getattr(settings, "discord_api_url", None) or None,
        drops_channel=community_config.channels.drops,
        faq_channel=community_config.channels.faq,
        commands=commands,
        message_content=bool(getattr(settings, "discord_message_content", True)),
    )
