"""Real-shaped Discord gateway payloads (as documented for API v10), for feeding discord.py's parsers."""

from __future__ import annotations

import itertools
from typing import Any

from bot.testing.fake_discord import APPLICATION_ID, GUILD_ID
from bot.testing.fake_discord_wire import user_payload

GENERAL_ID = "920000000000000001"
THREAD_ID = "920000000000000002"
DM_CHANNEL_ID = "920000000000000003"
_ids = itertools.count(930000000000000000)


def snowflake() -> str:
    return str(next(_ids))


def guild(*, guild_id: str = GUILD_ID) -> dict[str, Any]:
    """GUILD_CREATE, trimmed to what a small community server sends."""
    return {
        "id": guild_id,
        "name": "Strategy Club",
        "icon": None,
        "owner_id": "900000000000000099",
        "afk_timeout": 300,
        "verification_level": 1,
        "default_message_notifications": 1,
        "explicit_content_filter": 2,
        "features": ["COMMUNITY", "MEMBER_VERIFICATION_GATE_ENABLED"],
        "mfa_level": 0,
        "system_channel_flags": 0,
        "premium_tier": 0,
        "preferred_locale": "en-US",
        "nsfw_level": 0,
        "member_count": 3,
        "large": False,
        "roles": [
            {
                "id": guild_id,
                "name": "@everyone",
                "position": 0,
                "permissions": "1071698660929",
                "color": 0,
                "hoist": False,
                "managed": False,
                "mentionable": False,
                "flags": 0,
            }
        ],
        "emojis": [],
        "stickers": [],
        "members": [],
        "threads": [
            {
                "id": THREAD_ID,
                "type": 11,
                "guild_id": guild_id,
                "parent_id": GENERAL_ID,
                "name": "intros",
                "owner_id": "940000000000000001",
                "message_count": 1,
                "member_count": 1,
                "rate_limit_per_user": 0,
                "flags": 0,
                "thread_metadata": {
                    "archived": False,
                    "auto_archive_duration": 1440,
                    "archive_timestamp": "2026-11-20T12:00:00.000000+00:00",
                    "locked": False,
                },
            }
        ],
        "presences": [],
        "voice_states": [],
        "channels": [
            {
                "id": GENERAL_ID,
                "type": 0,
                "name": "general",
                "position": 0,
                "permission_overwrites": [],
                "nsfw": False,
                "parent_id": None,
                "topic": None,
                "last_message_id": None,
                "rate_limit_per_user": 0,
            },
        ],
    }


def member(
    user_id: str,
    username: str,
    *,
    pending: bool = False,
    bot: bool = False,
    nick: str | None = None,
    guild_id: str | None = GUILD_ID,
    global_name: str | None = None,
) -> dict[str, Any]:
    """GUILD_MEMBER_ADD / GUILD_MEMBER_UPDATE data (guild_id included as the gateway sends it)."""
    data = {
        "user": user_payload(user_id, username, bot=bot, global_name=global_name),
        "nick": nick,
        "avatar": None,
        "roles": [],
        "joined_at": "2026-11-20T12:00:00.000000+00:00",
        "premium_since": None,
        "deaf": False,
        "mute": False,
        "flags": 0,
        "pending": pending,
        "communication_disabled_until": None,
    }
    if guild_id is not None:
        data["guild_id"] = guild_id
    return data


def message(
    author_id: str,
    content: str,
    *,
    channel_id: str = GENERAL_ID,
    guild_id: str | None = GUILD_ID,
    mentions: list[dict[str, Any]] | None = None,
    bot: bool = False,
) -> dict[str, Any]:
    """MESSAGE_CREATE data."""
    data: dict[str, Any] = {
        "id": snowflake(),
        "channel_id": channel_id,
        "type": 0,
        "content": content,
        "author": user_payload(author_id, "dana", bot=bot, global_name="Dana Smith"),
        "timestamp": "2026-11-20T12:00:00.000000+00:00",
        "edited_timestamp": None,
        "tts": False,
        "mention_everyone": False,
        "mentions": mentions or [],
        "mention_roles": [],
        "attachments": [],
        "embeds": [],
        "pinned": False,
        "flags": 0,
        "components": [],
    }
    if guild_id is not None:
        data["guild_id"] = guild_id
        data["member"] = {
            "roles": [],
            "joined_at": "2026-11-20T12:00:00.000000+00:00",
            "deaf": False,
            "mute": False,
            "flags": 0,
            "nick": None,
        }
    return data


def reaction(
    user_id: str, message_id: str, emoji: dict[str, Any], *, guild_id: str | None = GUILD_ID
) -> dict[str, Any]:
    """MESSAGE_REACTION_ADD data."""
    data: dict[str, Any] = {
        "user_id": user_id,
        "channel_id": GENERAL_ID,
        "message_id": message_id,
        "emoji": emoji,
        "burst": False,
        "type": 0,
    }
    if guild_id is not None:
        data["guild_id"] = guild_id
        data["member"] = member(user_id, "dana", guild_id=None)
    return data


def _interaction(
    kind: int,
    data: dict[str, Any],
    *,
    user_id: str,
    guild_id: str | None,
    locale: str,
    message: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """INTERACTION_CREATE: in a guild (`member`) or in a DM with the bot (`user`)."""
    payload: dict[str, Any] = {
        "id": snowflake(),
        "application_id": APPLICATION_ID,
        "type": kind,
        "token": f"tok-{snowflake()}",
        "version": 1,
        "data": data,
        "locale": locale,
        "app_permissions": "318096133184",
        "entitlements": [],
        "attachment_size_limit": 10485760,
    }
    if guild_id is not None:
        payload |= {
            "guild_id": guild_id,
            "guild_locale": "en-US",
            "channel_id": GENERAL_ID,
            "context": 0,
            "channel": {
                "id": GENERAL_ID,
                "type": 0,
                "guild_id": guild_id,
                "name": "general",
                "position": 0,
                "permissions": "1071698660929",
                "nsfw": False,
                "parent_id": None,
                "flags": 0,
            },
            "member": {
                **member(user_id, "dana", guild_id=None, global_name="Dana Smith"),
                "permissions": "1071698660929",
            },
            "authorizing_integration_owners": {"0": guild_id},
        }
    else:
        payload |= {
            "channel_id": DM_CHANNEL_ID,
            "context": 1,
            "user": user_payload(user_id, "dana", global_name="Dana Smith"),
            "channel": {"id": DM_CHANNEL_ID, "type": 1, "flags": 0, "recipients": [user_payload(user_id, "dana")]},
            "authorizing_integration_owners": {"0": GUILD_ID},
        }
    if message is not None:
        payload["message"] = message
    return payload


def slash(
    name: str,
    args: str | None = None,
    *,
    user_id: str = "940000000000000001",
    guild_id: str = GUILD_ID,
    locale: str = "en-US",
) -> dict[str, Any]:
    options = [{"name": "args", "type": 3, "value": args}] if args is not None else []
    data = {"id": snowflake(), "name": name, "type": 1, "guild_id": guild_id, "options": options}
    return _interaction(2, data, user_id=user_id, guild_id=guild_id, locale=locale)


def autocomplete(name: str, current: str, *, user_id: str = "940000000000000001") -> dict[str, Any]:
    data = {
        "id": snowflake(),
        "name": name,
        "type": 1,
        "guild_id": GUILD_ID,
        "options": [{"name": "args", "type": 3, "value": current, "focused": True}],
    }
    return _interaction(4, data, user_id=user_id, guild_id=GUILD_ID, locale="en-US")


def bot_message(components: list[dict[str, Any]], *, channel_id: str = DM_CHANNEL_ID) -> dict[str, Any]:
    """The message a component sits on, as it comes inside a component interaction."""
    return {
        "id": snowflake(),
        "channel_id": channel_id,
        "type": 0,
        "content": "",
        "author": user_payload("900000000000000003", "membot", bot=True),
        "timestamp": "2026-11-20T12:00:00.000000+00:00",
        "edited_timestamp": None,
        "tts": False,
        "mention_everyone": False,
        "mentions": [],
        "mention_roles": [],
        "attachments": [],
        "embeds": [],
        "pinned": False,
        "flags": 0,
        "components": components,
    }


def button_click(
    custom_id: str, *, user_id: str = "940000000000000001", guild_id: str | None = None, locale: str = "en-US"
) -> dict[str, Any]:
    row = [
        {"type": 1, "id": 1, "components": [{"type": 2, "id": 2, "style": 1, "label": "Go", "custom_id": custom_id}]}
    ]
    channel = GENERAL_ID if guild_id else DM_CHANNEL_ID
    return _interaction(
        3,
        {"custom_id": custom_id, "component_type": 2},
        user_id=user_id,
        guild_id=guild_id,
        locale=locale,
        message=bot_message(row, channel_id=channel),
    )


def select_choice(custom_id: str, value: str, *, user_id: str = "940000000000000001") -> dict[str, Any]:
    row = [
        {
            "type": 1,
            "id": 1,
            "components": [
                {
                    "type": 3,
                    "id": 2,
                    "custom_id": custom_id,
                    "placeholder": "Pick",
                    "min_values": 1,
                    "max_values": 1,
                    "options": [{"label": "A", "value": "a"}, {"label": "B", "value": value}],
                }
            ],
        }
    ]
    return _interaction(
        3,
        {"custom_id": custom_id, "component_type": 3, "values": [value]},
        user_id=user_id,
        guild_id=GUILD_ID,
        locale="en-US",
        message=bot_message(row, channel_id=GENERAL_ID),
    )


def modal_submit(custom_id: str, values: dict[str, str], *, user_id: str = "940000000000000001") -> dict[str, Any]:
    components = [
        {"type": 18, "id": n * 2 + 1, "component": {"type": 4, "id": n * 2 + 2, "custom_id": name, "value": value}}
        for n, (name, value) in enumerate(values.items())
    ]
    return _interaction(
        5, {"custom_id": custom_id, "components": components}, user_id=user_id, guild_id=GUILD_ID, locale="no"
    )
