"""Answers one Discord interaction: the first answer is the interaction response (a message or
a modal); once deferred, answers go through the follow-up webhook (valid 15 minutes)."""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import Callable
from contextlib import AbstractContextManager

import discord

from bot.messages import Form, OutboundMessage
from bot.platforms.discord.errors import translated
from bot.platforms.discord.render import render_form, render_message

log = logging.getLogger(__name__)

Scope = Callable[[], AbstractContextManager[None]]
NO_PINGS = discord.AllowedMentions.none()


class DiscordResponder:
    """Serialises the defer and the replies of one interaction, so they never race."""

    def __init__(self, interaction: discord.Interaction, scope: Scope) -> None:
        self._interaction = interaction
        self._scope = scope
        self._lock = asyncio.Lock()
        self.replied = False
        self.thinking = False

    @property
    def responded(self) -> bool:
        return self._interaction.response.is_done()

    async def acknowledge(self) -> None:
        """Defer (show "thinking…", ephemeral) unless something already answered."""
        async with self._lock:
            if self.responded:
                return
            with translated(), self._scope():
                await self._interaction.response.defer(ephemeral=True, thinking=True)
            self.thinking = True

    async def finish(self) -> None:
        """After the handler: never leave Discord waiting, nor a "thinking…" bubble with no answer."""
        async with self._lock:
            with translated(), self._scope():
                if not self.responded:
                    if self._interaction.type is discord.InteractionType.component:
                        await self._interaction.response.defer()  # silent acknowledgement
                    else:
                        await self._interaction.response.send_message("✓", ephemeral=True)
                elif self.thinking and not self.replied:
                    await self._interaction.delete_original_response()

    async def reply(self, message: OutboundMessage, *, ephemeral: bool = True) -> None:
        rendered = render_message(message)
        kwargs: dict = {"allowed_mentions": NO_PINGS, "ephemeral": ephemeral}
        if rendered.content is not None:
            kwargs["content"] = rendered.content
        if rendered.embed is not None:
            kwargs["embed"] = rendered.embed
        if rendered.view is not None:
            rendered.view.stop()  # our buttons dispatch by custom_id (DynamicItem); nothing to keep
            kwargs["view"] = rendered.view
        if message.attachment is not None:  # a chart or an export, private like the reply itself
            kwargs["file"] = discord.File(io.BytesIO(message.attachment.data), filename=message.attachment.filename)
        async with self._lock:
            with translated(), self._scope():
                if not self.responded:
                    await self._interaction.response.send_message(**kwargs)
                else:
                    await self._interaction.followup.send(**kwargs)
            self.replied = True

    async def open_form(self, form: Form) -> bool:
        """A modal must be the first answer: False once deferred or answered, or after a modal."""
        if self._interaction.type is discord.InteractionType.modal_submit:
            return False
        try:
            modal = render_form(form)
        except ValueError as exc:
            log.warning("form cannot be a Discord modal: %s", exc)
            return False
        modal.stop()  # submissions are handled by custom_id in the adapter, even after a restart
        async with self._lock:
            if self.responded:
                return False
            with translated(), self._scope():
                await self._interaction.response.send_modal(modal)
            self.replied = True
        return True
