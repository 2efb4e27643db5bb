"""Slack adapter: membot as a Slack app (slack-bolt, Socket Mode or HTTP).

Only this package imports slack_bolt / slack_sdk, and only `adapter`, `errors` and
`access` do so at import time; `commands`, `inbound`, `render` and `manifest` are pure.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.platforms.slack.adapter import SlackPlatform


def create_slack_platform(settings: Any, community_config: Any, *, web_server: Any = None, **overrides: Any) -> SlackPlatform:
    """Build the adapter from settings and the community's tiers (see `adapter.create_slack_platform`)."""
    from bot.platforms.slack.adapter import create_slack_platform as create

    return create(settings, community_config, web_server=web_server, **overrides)


__all__ = ["create_slack_platform"]
