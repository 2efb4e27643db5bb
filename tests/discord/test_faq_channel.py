"""`channels.faq` by name on Discord: a message in the channel community.toml names (or in one of its threads)
carries that name, so the FAQ answers it; other channels keep their ids, and the factory passes the name on."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import SecretStr

from bot.community.loader import load_community
from bot.events import MessagePosted
from bot.platforms.discord.factory import create_discord_platform
from bot.settings import Settings
from bot.testing.fake_discord import GUILD_ID, FakeDiscord
from tests.kits.discord import StartAdapter

from . import payloads

MEMBER = "940000000000000001"


async def test_messages_in_the_named_faq_channel_and_its_threads_carry_its_name(
    fake: FakeDiscord, start_adapter: StartAdapter
) -> None:
    fake.channels.append({"id": payloads.GENERAL_ID, "name": "ask-maya", "type": 0, "guild_id": GUILD_ID})
    adapter, recorder = await start_adapter(faq_channel="ask-maya")
    state = adapter.client._connection
    state._add_guild_from_data(payloads.guild())
    state.parse_message_create(payloads.message(MEMBER, "How do I cancel?"))
    state.parse_message_create(payloads.message(MEMBER, "and pause?", channel_id=payloads.THREAD_ID))
    state.parse_message_create(payloads.message(MEMBER, "hi", channel_id=payloads.DM_CHANNEL_ID, guild_id=None))
    events: list[Any] = await recorder.wait(3)
    assert all(isinstance(e, MessagePosted) for e in events)
    by_text = {e.text: e.channel for e in events}  # handled concurrently: any order
    channel, thread, dm = by_text["How do I cancel?"], by_text["and pause?"], by_text["hi"]
    assert channel.channel_id == "ask-maya" and channel.thread_id is None
    assert thread.channel_id == "ask-maya" and thread.thread_id == payloads.THREAD_ID
    assert dm.channel_id == payloads.DM_CHANNEL_ID and dm.is_dm


async def test_other_channels_keep_their_ids(fake: FakeDiscord, start_adapter: StartAdapter) -> None:
    adapter, recorder = await start_adapter(faq_channel="ask-maya")  # the server has no #ask-maya
    state = adapter.client._connection
    state._add_guild_from_data(payloads.guild())
    state.parse_message_create(payloads.message(MEMBER, "How do I cancel?"))
    state.parse_message_create(payloads.message(MEMBER, "again"))
    events: list[Any] = await recorder.wait(2)
    assert [e.channel.channel_id for e in events] == [payloads.GENERAL_ID] * 2
    lists = [c for c in fake.calls if c.method == "GET" and c.path.endswith("/channels")]
    assert len(lists) == 1  # a name the server lacks is not looked up on every message


def test_the_factory_passes_channels_faq_on(community_path: Path, settings: Settings) -> None:
    settings = settings.model_copy(
        update={"discord_token": SecretStr("t"), "discord_application_id": "123", "discord_guild_id": GUILD_ID}
    )
    config = load_community(community_path).config
    assert create_discord_platform(settings, config)._faq_channel == "ask-maya"
