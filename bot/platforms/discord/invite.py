"""The URL that adds membot to a server, asking for exactly the permissions it uses."""

from __future__ import annotations

from enum import IntFlag
from urllib.parse import urlencode

AUTHORIZE_URL = "https://discord.com/oauth2/authorize"
SCOPES = ("bot", "applications.commands")


class Permission(IntFlag):
    """Discord permission bits membot may need (https://discord.com/developers/docs/topics/permissions)."""

    KICK_MEMBERS = 1 << 1
    ADD_REACTIONS = 1 << 6
    VIEW_CHANNEL = 1 << 10
    SEND_MESSAGES = 1 << 11
    EMBED_LINKS = 1 << 14
    ATTACH_FILES = 1 << 15
    READ_MESSAGE_HISTORY = 1 << 16
    MANAGE_ROLES = 1 << 28
    MANAGE_EVENTS = 1 << 33
    CREATE_PUBLIC_THREADS = 1 << 35
    SEND_MESSAGES_IN_THREADS = 1 << 38


# Not asked for: Mention Everyone. Drops ping tier roles, and a role the bot may ping without
# that (far broader) permission is one marked "Allow anyone to @mention this role".
BASE_PERMISSIONS = (
    Permission.VIEW_CHANNEL
    | Permission.SEND_MESSAGES
    | Permission.SEND_MESSAGES_IN_THREADS
    | Permission.EMBED_LINKS
    | Permission.ATTACH_FILES
    | Permission.READ_MESSAGE_HISTORY
    | Permission.ADD_REACTIONS
    | Permission.MANAGE_ROLES
    | Permission.MANAGE_EVENTS
    | Permission.CREATE_PUBLIC_THREADS
)


def permissions(*, kick: bool = False) -> int:
    """The permission integer; `kick` adds Kick Members (only for removing members who cancel)."""
    return int(BASE_PERMISSIONS | (Permission.KICK_MEMBERS if kick else 0))


def invite_url(application_id: str, *, kick: bool = False, guild_id: str | None = None) -> str:
    if not application_id.isdigit():
        raise ValueError("the application id is a number: Developer Portal → your app → General Information")
    if guild_id is not None and not guild_id.strip().isdigit():
        raise ValueError("the server id is a number: right-click your server → Copy Server ID (Developer Mode on)")
    query = {"client_id": application_id, "scope": " ".join(SCOPES), "permissions": str(permissions(kick=kick))}
    if guild_id:
        query |= {"guild_id": guild_id.strip(), "disable_guild_select": "true"}
    return f"{AUTHORIZE_URL}?{urlencode(query)}"
