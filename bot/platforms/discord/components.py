"""Persistent components: one `discord.ui.DynamicItem` whose template matches membot's action
ids, so a button or select sent last month (before any number of restarts) still dispatches."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

import discord

from bot.platforms.discord.render import CUSTOM_ID_TEMPLATE

ComponentHandler = Callable[[discord.Interaction], Awaitable[None]]


def action_component_class(on_interaction: ComponentHandler) -> type[discord.ui.DynamicItem[Any]]:
    """A DynamicItem class bound to this adapter's handler (no module-level state)."""

    class ActionComponent(discord.ui.DynamicItem[discord.ui.Item[Any]], template=CUSTOM_ID_TEMPLATE):
        """Any button or select whose custom_id is `namespace.verb[:arg][ value]`."""

        @classmethod
        async def from_custom_id(
            cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
        ) -> ActionComponent:
            return cls(item)

        async def callback(self, interaction: discord.Interaction) -> None:
            await on_interaction(interaction)

    return ActionComponent
