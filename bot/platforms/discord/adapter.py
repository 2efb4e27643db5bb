"""The Discord adapter: a thin shell around discord.py's client and command tree.

Inbound gateway events and interactions go through `inbound.py` to the router; outbound
messages through `render.py` and discord.py's HTTP client. Sends use the REST API directly
(no gateway cache needed), so the outbox can deliver before or without a gateway session.
"""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

import discord
from discord import app_commands

from bot.events import Event
from bot.messages import DeliveryKey, OutboundMessage, SentMessage, Target
from bot.platforms.discord import inbound, scheduled
from bot.platforms.discord.commands import Suggest, sync_guild_commands
from bot.platforms.discord.components import action_component_class
from bot.platforms.discord.directory import GuildDirectory
from bot.platforms.discord.errors import UNKNOWN_CHANNEL, logged_in, translated
from bot.platforms.discord.rebase import RebasedWebhookAdapter, rebase_http, webhook_scope
from bot.platforms.discord.render import Rendered, clip, render_message
from bot.platforms.discord.responder import NO_PINGS, DiscordResponder
from bot.platforms.discord.roles import RoleKeeper
from bot.ports import Ack, Capabilities, Dispatch, PermanentError, PlatformError, UserProfile

log = logging.getLogger(__name__)

# Discord allows 50 requests/s per bot. A DM costs up to two (open the DM channel, cached
# after the first; then post), so 5 sends/s stays under 10 req/s: a fifth of the budget,
# leaving room for interactions, role changes and a second process, and far from the pace
# that trips Discord's DM anti-spam. Per-channel buckets (about 5 per 5 s) are paced by
# discord.py's own bucket handling.
CAPABILITIES = Capabilities(
    forms=True,
    edit=True,
    files=True,
    ephemeral=True,
    threads=True,
    access_control=True,
    mass_dm_allowed=False,
    sends_per_second=5.0,
    burst=5,
)
MAX_RATELIMIT_WAIT = 30.0  # discord.py sleeps through 429s up to this; longer ones reach the outbox


def intents(*, message_content: bool) -> discord.Intents:
    """Server Members and Message Content are privileged: enable them in the Developer Portal."""
    wanted = discord.Intents.none()
    wanted.guilds = True
    wanted.members = True  # joins, leaves, screening (pending) updates
    wanted.guild_messages = wanted.dm_messages = True
    wanted.guild_reactions = wanted.dm_reactions = True
    wanted.message_content = message_content
    return wanted


class DiscordPlatform:
    name = "discord"
    capabilities = CAPABILITIES

    def __init__(
        self,
        *,
        token: str,
        application_id: int | str,
        guild_id: int | str,
        tier_roles: Mapping[str, str],
        founding_role: str | None,
        past_due_role: str | None,
        mention_role_on_drops: bool,
        sharded: bool = False,
        base_url: str | None = None,
        drops_channel: str | None = None,
        faq_channel: str | None = None,
        commands: Mapping[str, str] | None = None,
        message_content: bool = True,
        defer_after: float = 1.0,
        gateway: bool = True,
    ) -> None:
        self._token = token
        self._guild_id = int(guild_id)
        self._tier_roles = dict(tier_roles)
        self._mention_on_drops = mention_role_on_drops
        self._drops_channel = drops_channel
        self._faq_channel = faq_channel  # community.toml's `channels.faq`: messages there carry this name
        self._commands: dict[str, str] = dict(commands or {})
        self._suggest: dict[str, Suggest] = {}
        self._defer_after = defer_after
        self._gateway = gateway
        client_cls = discord.AutoShardedClient if sharded else discord.Client
        # membot has no voice: discord.py's own once-only flags keep "PyNaCl/davey is not installed" quiet
        discord.VoiceClient.warn_nacl = discord.VoiceClient.warn_dave = False
        self.client: discord.Client = client_cls(
            intents=intents(message_content=message_content),
            application_id=int(application_id),
            max_ratelimit_timeout=MAX_RATELIMIT_WAIT,
            allowed_mentions=NO_PINGS,
        )
        self._webhooks: RebasedWebhookAdapter | None = None
        if base_url:
            rebase_http(self.client.http, base_url)
            self._webhooks = RebasedWebhookAdapter(base_url)
        self.tree = app_commands.CommandTree(self.client)
        self.directory = GuildDirectory(self.client.http, self._guild_id)
        self._roles = RoleKeeper(self.client, self.directory, self._guild_id, tier_roles, founding_role, past_due_role)
        self._component_cls = action_component_class(self._on_component)
        self._events: dict[str, str] = {}
        self._dispatch: Dispatch | None = None
        self._task: asyncio.Task[None] | None = None
        for event_name in (
            "on_ready",
            "on_member_join",
            "on_member_update",
            "on_raw_member_remove",
            "on_message",
            "on_raw_reaction_add",
            "on_interaction",
        ):
            setattr(self.client, event_name, getattr(self, f"_{event_name}"))

    @property
    def workspaces(self) -> tuple[str, ...]:
        return (str(self._guild_id),)

    def set_commands(self, commands: Mapping[str, str]) -> None:
        """Slash commands to register: router command name -> description. Call before start()."""
        self._commands = dict(commands)

    def set_autocomplete(self, command: str, suggest: Suggest) -> None:
        """Suggestions for a command's `args` as the member types (e.g. /library topics)."""
        self._suggest[command] = suggest

    # -- lifecycle -----------------------------------------------------------------------

    async def start(self, dispatch: Dispatch) -> None:
        """Log in over REST, register components and slash commands, then connect the gateway."""
        self._dispatch = dispatch
        await logged_in(self.client, self._token)
        self.client.add_dynamic_items(self._component_cls)
        await self.sync_commands()
        if self._gateway:
            self._task = asyncio.create_task(self._run_gateway(), name="discord-gateway")

    async def stop(self) -> None:
        await self.client.close()
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None

    async def _run_gateway(self) -> None:
        try:
            await self.client.connect(reconnect=True)
        except discord.PrivilegedIntentsRequired:
            log.error(
                "Discord refused the gateway connection: enable Server Members Intent and Message Content "
                "Intent in the Developer Portal (Applications → your app → Bot → Privileged Gateway Intents), "
                "or set message_content=False to run without message text"
            )
        except Exception:
            log.exception("Discord gateway stopped")

    async def sync_commands(self) -> None:
        """One guild command per router command, each with an optional `args` string."""
        await sync_guild_commands(
            self.tree, self._guild_id, self._commands, self._suggest, self._on_command, self._webhooks
        )

    # -- inbound -------------------------------------------------------------------------

    async def _emit(self, event: Event | None, ack: Ack | None = None) -> None:
        if event is None or self._dispatch is None:
            return
        try:
            await self._dispatch(event, ack=ack)
        except Exception:
            log.exception("dispatching %s failed", type(event).__name__)

    async def _on_ready(self) -> None:
        if self.client.get_guild(self._guild_id) is None:
            log.error("the bot is not in guild %s: invite it with `membot discord invite-url`", self._guild_id)

    async def _on_member_join(self, member: discord.Member) -> None:
        await self._emit(inbound.member_joined(member, self._guild_id))

    async def _on_member_update(self, before: discord.Member, after: discord.Member) -> None:
        await self._emit(inbound.member_screened(before, after, self._guild_id))

    async def _on_raw_member_remove(self, payload: discord.RawMemberRemoveEvent) -> None:
        await self._emit(inbound.member_left(payload, self._guild_id))

    async def _on_message(self, message: discord.Message) -> None:
        me = self.client.user
        event = inbound.message_posted(message, self._guild_id, me.id if me else 0)
        await self._emit(await self.directory.named(event, self._faq_channel) if event is not None else None)

    async def _on_raw_reaction_add(self, payload: discord.RawReactionActionEvent) -> None:
        me = self.client.user
        await self._emit(inbound.reaction_added(payload, self._guild_id, me.id if me else 0))

    async def _on_interaction(self, interaction: discord.Interaction) -> None:
        """Modal submissions by form id (commands go through the tree, components through DynamicItem)."""
        if interaction.type is discord.InteractionType.modal_submit:
            await self._answer(interaction, lambda r: inbound.form_submitted(interaction, self._guild_id, r))

    async def _on_command(self, interaction: discord.Interaction, name: str, args: str | None) -> None:
        await self._answer(interaction, lambda r: inbound.command_invoked(interaction, name, args, self._guild_id, r))

    async def _on_component(self, interaction: discord.Interaction) -> None:
        await self._answer(interaction, lambda r: inbound.action_clicked(interaction, self._guild_id, r))

    async def _answer(
        self, interaction: discord.Interaction, build: Callable[[DiscordResponder], Event | None]
    ) -> None:
        """Acknowledge within Discord's 3 s and run the handler.

        With `defer_after` > 0 the handler gets that long to answer (or open a modal, which
        must be the first response); otherwise, or if it is still busy, the interaction is
        deferred and its replies go through the follow-up webhook.
        """
        if not inbound.is_ours(interaction, self._guild_id):
            return
        responder = DiscordResponder(interaction, lambda: webhook_scope(self._webhooks))
        event = build(responder)
        if event is None:
            return
        try:
            if self._defer_after <= 0:  # defer as soon as the router has recorded the event
                await self._emit(event, ack=lambda: self._acknowledge(responder))
            else:
                task = asyncio.create_task(self._emit(event))
                done, _ = await asyncio.wait({task}, timeout=self._defer_after)
                if not done:
                    await self._acknowledge(responder)
                await task
            await responder.finish()
        except PlatformError as exc:
            log.warning("answering interaction %s failed: %s", interaction.id, exc)

    @staticmethod
    async def _acknowledge(responder: DiscordResponder) -> None:
        try:
            await responder.acknowledge()
        except PlatformError as exc:  # e.g. expired: still run the handler, its effects count
            log.warning("could not defer an interaction: %s", exc)

    # -- outbound ------------------------------------------------------------------------

    def _check_workspace(self, workspace_id: str) -> None:
        if workspace_id != str(self._guild_id):
            raise PermanentError(f"this Discord adapter serves guild {self._guild_id}, not {workspace_id}")

    async def _channel_for(self, target: Target) -> int:
        self._check_workspace(target.workspace_id)
        if target.thread_id:
            return int(target.thread_id)
        if target.user_id is not None:
            return await self.directory.dm_channel(target.user_id)
        assert target.channel is not None
        return await self.directory.channel_id(target.channel)

    async def _drop_mentions(self, target: Target) -> list[int]:
        if not (self._mention_on_drops and target.channel and target.channel == self._drops_channel):
            return []
        roles = [await self.directory.role(name) for name in dict.fromkeys(self._tier_roles.values())]
        return [int(r["id"]) for r in roles if r is not None]

    @staticmethod
    def _params(rendered: Rendered, *, edit: bool, mentions: Sequence[int] = (), nonce: str | None = None) -> Any:
        def pick(value: Any) -> Any:
            return value if value is not None or edit else discord.utils.MISSING

        if rendered.view is not None:
            rendered.view.stop()
        allowed = discord.AllowedMentions(everyone=False, users=False, roles=[discord.Object(i) for i in mentions])
        return discord.http.handle_message_parameters(
            content=pick(rendered.content),
            embed=pick(rendered.embed),
            view=pick(rendered.view),
            allowed_mentions=allowed,
            nonce=nonce,  # discord.py adds enforce_nonce: Discord answers a repeat with the first message
        )

    async def send(
        self, target: Target, message: OutboundMessage, *, delivery: DeliveryKey | None = None
    ) -> SentMessage:
        """With `delivery`, the message carries the outbox row's token as its nonce: a resend after a crash
        (within Discord's few minutes) returns the message already posted instead of posting it again."""
        nonce = delivery.token if delivery is not None else None
        with translated():
            channel_id = await self._channel_for(target)
            mentions = await self._drop_mentions(target)
            prefix = "".join(f"<@&{i}> " for i in mentions)
            try:
                rendered = render_message(message, prefix=prefix)
            except ValueError as exc:
                raise PermanentError(f"message cannot be shown on Discord: {exc}") from exc
            with self._params(rendered, edit=False, mentions=mentions, nonce=nonce) as params:
                try:
                    data = await self.client.http.send_message(channel_id, params=params)
                except discord.NotFound as exc:
                    if exc.code != UNKNOWN_CHANNEL or not (target.thread_id and target.channel):
                        raise
                    await self._start_thread(target, message.text)
                    data = await self.client.http.send_message(channel_id, params=params)
        return SentMessage(message_id=str(data["id"]), channel_id=str(data.get("channel_id", channel_id)))

    async def _start_thread(self, target: Target, text: str) -> None:
        """Open the thread under the member's message that a reply in "its thread" is for.

        Slack threads exist as soon as someone replies; a Discord thread must be started from
        the message first, and then has the message's id. It is named like Discord's own
        client names one: after the start of the text (here the bot's reply).
        """
        assert target.thread_id is not None and target.channel is not None
        parent = await self.directory.channel_id(target.channel)
        name = clip(" ".join(text.split()) or "membot", 100)
        await self.client.http.start_thread_with_message(
            parent, int(target.thread_id), name=name, auto_archive_duration=1440
        )

    async def edit(self, target: Target, message_id: str, message: OutboundMessage) -> None:
        with translated():
            channel_id = await self._channel_for(target)
            with self._params(render_message(message), edit=True) as params:
                await self.client.http.edit_message(channel_id, int(message_id), params=params)

    async def upload_file(self, target: Target, filename: str, data: bytes, title: str) -> SentMessage:
        with translated():
            channel_id = await self._channel_for(target)
            file = discord.File(io.BytesIO(data), filename=filename, description=clip(title, 1024))
            with discord.http.handle_message_parameters(
                content=clip(title, 2000), file=file, allowed_mentions=NO_PINGS
            ) as params:
                sent = await self.client.http.send_message(channel_id, params=params)
        return SentMessage(message_id=str(sent["id"]), channel_id=str(channel_id))

    # -- access --------------------------------------------------------------------------

    async def grant_access(self, workspace_id: str, user_id: str, tier: str) -> None:
        self._check_workspace(workspace_id)
        await self._roles.change(user_id, tier, grant=True)

    async def revoke_access(self, workspace_id: str, user_id: str, tier: str) -> None:
        self._check_workspace(workspace_id)
        await self._roles.change(user_id, tier, grant=False)

    async def remove_member(self, workspace_id: str, user_id: str) -> None:
        """Kick a member whose membership ended (MEMBOT_REVOKE_MODE=kick; the invite needs --kick)."""
        self._check_workspace(workspace_id)
        await self._roles.kick(user_id)

    async def lookup_user(self, workspace_id: str, user_id: str) -> UserProfile:
        self._check_workspace(workspace_id)
        with translated():
            data = await self.client.http.get_member(self._guild_id, int(user_id))
        user = data.get("user", {})
        name = data.get("nick") or user.get("global_name") or user.get("username") or user_id
        return UserProfile(user_id=str(user.get("id", user_id)), display_name=str(name), is_bot=bool(user.get("bot")))

    # -- live sessions (Guild Scheduled Events) ------------------------------------------

    async def upsert_scheduled_event(
        self,
        workspace_id: str,
        key: str,
        title: str,
        starts_at: datetime,
        ends_at: datetime,
        description: str,
        location: str,
    ) -> str:
        """Create or edit the external event for `key`; returns the event id."""
        self._check_workspace(workspace_id)
        try:
            payload = scheduled.event_payload(key, title, starts_at, ends_at, description, location)
        except ValueError as exc:
            raise PermanentError(str(exc)) from exc
        with translated():
            return await scheduled.upsert(self.client.http, self._guild_id, self._events, key, payload)

    async def cancel_scheduled_event(self, workspace_id: str, event_id: str) -> None:
        self._check_workspace(workspace_id)
        with translated():
            await scheduled.cancel(self.client.http, self._guild_id, event_id)
