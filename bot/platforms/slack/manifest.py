"""The Slack app manifest for membot (paste it at api.slack.com/apps -> Create New App -> From a manifest).

Pure: `membot slack manifest` prints it as YAML. Socket Mode by default (no public URL needed);
`http_url` switches to HTTP request URLs (`<url>/slack/events` for events, commands and interactivity).
"""

from __future__ import annotations

from typing import Any

from bot.platforms.slack.commands import ROOT_COMMAND, ROOT_DESCRIPTION, ROOT_USAGE, SHORTCUTS

EVENTS_PATH = "/slack/events"

# Each scope, and what needs it.
BOT_SCOPES: tuple[str, ...] = (
    "app_mentions:read",  # app_mention
    "channels:history",  # message.channels
    "channels:read",  # conversations.list, member_joined_channel in public channels
    "chat:write",  # chat.postMessage / postEphemeral / update
    "commands",  # slash commands
    "files:write",  # files_upload_v2 (charts)
    "groups:history",  # message.groups
    "groups:read",  # private channels membot is in; member_joined_channel there
    "groups:write",  # conversations.invite / kick for tier private channels
    "im:history",  # message.im
    "im:read",  # DM channel info
    "im:write",  # conversations.open (welcome DMs)
    "reactions:read",  # reaction_added
    "team:read",  # workspace name and settings
    "usergroups:read",  # usergroups.list / users.list
    "usergroups:write",  # usergroups.users.update (tier user groups)
    "users:read",  # users.info, team_join
)
# users:read.email is deliberately absent: membot never needs members' email addresses from Slack.

BOT_EVENTS: tuple[str, ...] = (
    "app_home_opened",
    "app_mention",
    "member_joined_channel",
    "member_left_channel",
    "message.channels",
    "message.groups",
    "message.im",
    "reaction_added",
    "team_join",
)


def build_manifest(
    *,
    name: str = "membot",
    description: str = "Your membership community's friendly helper.",
    http_url: str | None = None,
    shortcuts: bool = True,
) -> dict[str, Any]:
    """The manifest dict. With `http_url` (e.g. https://bot.example.com) Slack posts to `<http_url>/slack/events`."""
    request_url = f"{http_url.rstrip('/')}{EVENTS_PATH}" if http_url else None
    commands = [_command(ROOT_COMMAND, ROOT_DESCRIPTION, ROOT_USAGE, request_url)]
    if shortcuts:
        commands += [_command(name_, text, hint, request_url) for name_, (text, hint) in SHORTCUTS.items()]
    events: dict[str, Any] = {"bot_events": list(BOT_EVENTS)}
    interactivity: dict[str, Any] = {"is_enabled": True}
    if request_url:
        events = {"request_url": request_url, **events}
        interactivity["request_url"] = request_url
    return {
        "_metadata": {"major_version": 1, "minor_version": 1},
        "display_information": {"name": name[:35], "description": description[:140], "background_color": "#2c2d30"},
        "features": {
            "app_home": {
                "home_tab_enabled": True,
                "messages_tab_enabled": True,
                "messages_tab_read_only_enabled": False,
            },
            "bot_user": {"display_name": name[:80], "always_online": True},
            "slash_commands": commands,
        },
        "oauth_config": {"scopes": {"bot": list(BOT_SCOPES)}},
        "settings": {
            "event_subscriptions": events,
            "interactivity": interactivity,
            "org_deploy_enabled": False,
            "socket_mode_enabled": request_url is None,
            "token_rotation_enabled": False,
        },
    }


def _command(name: str, description: str, hint: str, request_url: str | None) -> dict[str, Any]:
    command: dict[str, Any] = {"command": f"/{name}", "description": description, "should_escape": False}
    if hint:
        command["usage_hint"] = hint
    if request_url:
        command["url"] = request_url
    return command
