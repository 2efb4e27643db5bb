"""Discord gateway objects and interaction payloads -> neutral events (bot.events).

Pure: reads attributes of discord.py objects (built by discord.py from gateway payloads) and
interaction `data` dicts; no I/O. Returns None for what membot ignores (bots, other guilds).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import discord

from bot.events import (
    ActionClicked,
    ChannelRef,
    CommandInvoked,
    FormSubmitted,
    MemberJoined,
    MemberLeft,
    MessagePosted,
    ReactionAdded,
    Responder,
    UserRef,
)
from bot.platforms.discord.render import decode_custom_id

PLATFORM = "discord"

# Discord client locales -> the locales membot's prompts use (Norwegian is "no" on Discord).
_LOCALES = {
    "no": "nb",
    "zh-CN": "zh",
    "zh-TW": "zh",
    "en-US": "en",
    "en-GB": "en",
    "es-ES": "es",
    "es-419": "es",
    "pt-BR": "pt",
    "sv-SE": "sv",
}


def locale_of(value: object) -> str | None:
    """`discord.Locale.norwegian` / "en-US" -> "nb" / "en"."""
    raw = getattr(value, "value", value)
    if not isinstance(raw, str) or not raw:
        return None
    return _LOCALES.get(raw, raw.split("-")[0])


def display_name(user: discord.abc.User | Any) -> str:
    return str(getattr(user, "display_name", None) or getattr(user, "global_name", None) or user.name)


def user_ref(user: discord.abc.User | Any, workspace_id: str, *, locale: str | None = None) -> UserRef:
    return UserRef(PLATFORM, workspace_id, str(user.id), display_name(user), locale)


def member_joined(member: discord.Member, guild_id: int) -> MemberJoined | None:
    """GUILD_MEMBER_ADD. Members still in screening / Onboarding arrive with `pending=True`."""
    if member.guild.id != guild_id or member.bot:
        return None
    return _join(member, pending=bool(member.pending))


def member_screened(before: discord.Member, after: discord.Member, guild_id: int) -> MemberJoined | None:
    """GUILD_MEMBER_UPDATE where `pending` flips to False: the member passed screening."""
    if after.guild.id != guild_id or after.bot or not before.pending or after.pending:
        return None
    return _join(after, pending=False)


def _join(member: discord.Member, *, pending: bool) -> MemberJoined:
    joined = int(member.joined_at.timestamp()) if member.joined_at else 0
    suffix = ":pending" if pending else ""
    return MemberJoined(
        user=user_ref(member, str(member.guild.id)), event_id=f"{member.id}:{joined}{suffix}", pending=pending
    )


def member_left(payload: discord.RawMemberRemoveEvent, guild_id: int) -> MemberLeft | None:
    """GUILD_MEMBER_REMOVE (raw, so members missing from the cache still count)."""
    if payload.guild_id != guild_id or payload.user.bot:
        return None
    return MemberLeft(user=user_ref(payload.user, str(guild_id)))


def message_posted(message: discord.Message, guild_id: int, bot_user_id: int) -> MessagePosted | None:
    """MESSAGE_CREATE from a person, in our guild or in a DM with the bot.

    Without the privileged Message Content intent, `content` is empty for guild messages that
    do not mention the bot: the event is still emitted (activity counts), with empty text.
    """
    if message.author.bot or message.type not in (discord.MessageType.default, discord.MessageType.reply):
        return None
    guild = message.guild
    if guild is not None and guild.id != guild_id:
        return None
    channel = message.channel
    is_dm = guild is None
    thread_id: str | None = None
    channel_id = str(channel.id)
    if isinstance(channel, discord.Thread):
        thread_id, channel_id = str(channel.id), str(channel.parent_id)
    mentions_bot = is_dm or any(u.id == bot_user_id for u in message.mentions)
    text = message.content
    if mentions_bot:
        text = text.replace(f"<@{bot_user_id}>", "").replace(f"<@!{bot_user_id}>", "").strip()
    return MessagePosted(
        user=user_ref(message.author, str(guild_id)),
        channel=ChannelRef(PLATFORM, str(guild_id), channel_id, thread_id=thread_id, is_dm=is_dm),
        text=text,
        message_id=str(message.id),
        mentions_bot=mentions_bot,
        event_id=str(message.id),
    )


def reaction_added(payload: discord.RawReactionActionEvent, guild_id: int, bot_user_id: int) -> ReactionAdded | None:
    """MESSAGE_REACTION_ADD (raw: works on messages that are not cached). Unicode emoji as is, custom by name."""
    if payload.user_id == bot_user_id or (payload.guild_id is not None and payload.guild_id != guild_id):
        return None
    member = payload.member
    if member is not None and member.bot:
        return None
    emoji = payload.emoji
    name = emoji.name if emoji.is_custom_emoji() else str(emoji)
    user = (
        user_ref(member, str(guild_id))
        if member is not None
        else UserRef(PLATFORM, str(guild_id), str(payload.user_id))
    )
    return ReactionAdded(
        user=user,
        channel=ChannelRef(PLATFORM, str(guild_id), str(payload.channel_id), is_dm=payload.guild_id is None),
        emoji=name or "",
        message_id=str(payload.message_id),
        event_id=f"{payload.message_id}:{payload.user_id}:{name}",
    )


# -- interactions ---------------------------------------------------------------------------


def interaction_user(interaction: discord.Interaction, guild_id: int) -> UserRef:
    return user_ref(interaction.user, str(guild_id), locale=locale_of(interaction.locale))


def interaction_channel(interaction: discord.Interaction, guild_id: int) -> ChannelRef | None:
    if interaction.channel_id is None:
        return None
    return ChannelRef(PLATFORM, str(guild_id), str(interaction.channel_id), is_dm=interaction.guild_id is None)


def is_ours(interaction: discord.Interaction, guild_id: int) -> bool:
    """In our guild, or in a DM with the bot (buttons on welcome DMs)."""
    return interaction.guild_id is None or interaction.guild_id == guild_id


def command_invoked(
    interaction: discord.Interaction, name: str, args: str | None, guild_id: int, responder: Responder
) -> CommandInvoked:
    return CommandInvoked(
        user=interaction_user(interaction, guild_id),
        channel=interaction_channel(interaction, guild_id),
        name=name,
        args=(args or "").strip(),
        event_id=str(interaction.id),
        responder=responder,
    )


def action_clicked(interaction: discord.Interaction, guild_id: int, responder: Responder) -> ActionClicked | None:
    """A button (custom_id `action value`) or a select (custom_id `action`, value: the chosen option)."""
    data: Mapping[str, Any] = interaction.data or {}
    decoded = decode_custom_id(str(data.get("custom_id", "")))
    if decoded is None:
        return None
    action_id, value = decoded
    values: Sequence[str] = data.get("values") or ()
    if values:
        value = str(values[0])
    return ActionClicked(
        user=interaction_user(interaction, guild_id),
        channel=interaction_channel(interaction, guild_id),
        action_id=action_id,
        value=value,
        event_id=str(interaction.id),
        responder=responder,
    )


def form_values(components: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    """MODAL_SUBMIT components (labels, or legacy action rows) -> {field name: value}."""
    values: dict[str, str] = {}
    for component in components:
        inner = [component["component"]] if "component" in component else list(component.get("components", ()))
        for item in inner:
            if "custom_id" not in item:
                continue
            if "values" in item:
                chosen = item.get("values") or []
                values[item["custom_id"]] = str(chosen[0]) if chosen else ""
            else:
                values[item["custom_id"]] = str(item.get("value") or "")
    return values


def form_submitted(interaction: discord.Interaction, guild_id: int, responder: Responder) -> FormSubmitted:
    data: Mapping[str, Any] = interaction.data or {}
    return FormSubmitted(
        user=interaction_user(interaction, guild_id),
        channel=interaction_channel(interaction, guild_id),
        form_id=str(data.get("custom_id", "")),
        values=form_values(data.get("components", ())),
        event_id=str(interaction.id),
        responder=responder,
    )
