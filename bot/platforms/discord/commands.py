"""The Discord slash-command tree: one guild command per router command, with autocomplete.

Each command takes an optional `args` string and hands the interaction to the adapter's
`on_command`; commands with a `Suggest` get suggestions for `args` as the member types.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any  # Optional: discord.py resolves the slash callback's annotations itself

import discord
from discord import app_commands

from bot.platforms.discord.errors import translated
from bot.platforms.discord.rebase import RebasedWebhookAdapter, bind_webhooks_to_task
from bot.platforms.discord.render import clip
from bot.ports import PlatformError

log = logging.getLogger(__name__)

Suggest = Callable[[str], Awaitable[Sequence[str]]]
OnCommand = Callable[[discord.Interaction, str, str | None], Awaitable[None]]

AUTOCOMPLETE_TIMEOUT = 2.0


async def sync_guild_commands(
    tree: app_commands.CommandTree[Any],
    guild_id: int,
    commands: Mapping[str, str],
    suggest: Mapping[str, Suggest],
    on_command: OnCommand,
    webhooks: RebasedWebhookAdapter | None,
) -> None:
    """One guild command per router command, each with an optional `args` string."""
    guild = discord.Object(guild_id)
    tree.clear_commands(guild=guild)
    for name, description in sorted(commands.items()):
        tree.add_command(slash_command(name, description, on_command, suggest.get(name), webhooks), guild=guild)
    try:
        with translated():
            await tree.sync(guild=guild)
    except PlatformError as exc:
        log.error(
            "could not register slash commands (%s): re-invite the bot with the "
            "applications.commands scope (membot discord invite-url)",
            exc,
        )


def slash_command(
    name: str,
    description: str,
    on_command: OnCommand,
    suggest: Suggest | None,
    webhooks: RebasedWebhookAdapter | None,
) -> app_commands.Command[Any, ..., None]:
    """The slash command `/name [args]`, answered by `on_command`, with `suggest` as autocomplete."""

    async def callback(interaction: discord.Interaction, args: str | None = None) -> None:
        await on_command(interaction, name, args)

    callback = app_commands.describe(args="What to look for, or options (optional)")(callback)
    command: app_commands.Command[Any, ..., None] = app_commands.Command(
        name=name, description=clip(description or name, 100), callback=callback
    )
    if suggest is not None:

        async def complete(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
            bind_webhooks_to_task(webhooks)
            try:
                values = await asyncio.wait_for(suggest(current), AUTOCOMPLETE_TIMEOUT)
            except Exception:
                log.exception("autocomplete for /%s failed", name)
                return []
            return [app_commands.Choice(name=clip(v, 100), value=v[:100]) for v in list(values)[:25]]

        command.autocomplete("args")(complete)
    return command
