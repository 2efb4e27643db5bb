"""The real app on the Discord adapter: gateway events in, the outbox out through the fake REST API."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.app import App
from bot.clock import FakeClock
from bot.messages import OutboundMessage
from bot.platforms.discord.adapter import DiscordPlatform
from bot.platforms.discord.render import render_message
from bot.settings import Settings
from bot.testing.fake_discord import FakeDiscord
from storage.database import Database
from storage.repositories import outbox
from tests.conftest import START, make_app
from tests.kits.discord import Recorder, build_adapter, observe

from . import payloads

MEMBER = "940000000000000001"
DM_CHANNEL = f"8{MEMBER[1:]}"  # the fake's DM channel id for this member
DM_POSTS = rf"/channels/{DM_CHANNEL}/messages"


@pytest.fixture
async def running(
    sqlite_db: Database, settings: Settings, clock: FakeClock, community_path: Path, fake: FakeDiscord
) -> AsyncIterator[tuple[App, DiscordPlatform, Recorder]]:
    adapter = build_adapter(fake)
    app = await make_app(sqlite_db, settings, clock, {"discord": adapter}, community_path)
    recorder = observe(adapter, app.router.dispatch, payloads.guild())
    yield app, adapter, recorder
    await app.stop()


async def test_member_join_gets_the_welcome_dm_through_the_outbox(
    running: tuple[App, DiscordPlatform, Recorder], fake: FakeDiscord
) -> None:
    app, adapter, recorder = running
    adapter.client._connection.parse_guild_member_add(payloads.member(MEMBER, "dana", global_name="Dana Smith"))
    await recorder.wait()
    assert fake.requests("POST", r"/channels/\d+/messages") == []  # queued, not sent by the handler

    await app.settle()
    opened = fake.requests("POST", "/users/@me/channels")
    assert [c.body for c in opened] == [{"recipient_id": int(MEMBER)}]
    [dm] = fake.requests("POST", DM_POSTS)
    assert fake.calls.index(opened[0]) < fake.calls.index(dm)
    async with app.database.session() as session:
        row = await outbox.by_key(session, "welcome:member:1")
    assert row is not None and row.status == "sent" and row.platform == "discord"
    assert row.platform_message_id and row.target == {"user_id": MEMBER}
    queued = render_message(OutboundMessage.from_dict(row.payload))
    assert dm.body["embeds"] == [queued.embed.to_dict()]  # exactly the queued message, rendered
    assert dm.body["components"] == queued.view.to_components()
    assert "Dana" in dm.body["embeds"][0]["title"] and "Smith" not in dm.body["embeds"][0]["title"]

    welcome = next(c["id"] for c in fake.channels if c["name"] == "welcome")
    assert (
        fake.requests("POST", rf"/channels/{welcome}/messages") == []
    )  # greeted in public once a member, not on arrival


async def test_pending_member_is_welcomed_when_screening_passes(
    running: tuple[App, DiscordPlatform, Recorder], fake: FakeDiscord
) -> None:
    app, adapter, recorder = running
    state = adapter.client._connection
    state.parse_guild_member_add(payloads.member(MEMBER, "eli", pending=True))
    await recorder.wait(1)
    await app.settle()
    assert fake.requests("POST", DM_POSTS) == []

    state.parse_guild_member_update(payloads.member(MEMBER, "eli", pending=False))
    await recorder.wait(2)
    await app.settle()
    assert len(fake.requests("POST", DM_POSTS)) == 1


async def test_a_429_is_honoured_by_the_outbox(
    running: tuple[App, DiscordPlatform, Recorder], fake: FakeDiscord, clock: FakeClock
) -> None:
    app, adapter, recorder = running
    fake.rate_limit("POST", DM_POSTS, retry_after=45)
    adapter.client._connection.parse_guild_member_add(payloads.member(MEMBER, "dana", global_name="Dana Smith"))
    await recorder.wait()

    await app.worker.run_once()
    async with app.database.session() as session:
        row = await outbox.by_key(session, "welcome:member:1")
    assert row is not None and row.status == "pending"  # waiting out Retry-After, not dead
    assert row.next_attempt_at.replace(tzinfo=None) >= (START + timedelta(seconds=45)).replace(tzinfo=None)
    assert len(fake.requests("POST", DM_POSTS)) == 1 and app.worker.stats.rate_limited == 1

    clock.advance(timedelta(seconds=45))  # Retry-After has passed
    await app.settle()
    assert clock.now() - START >= timedelta(seconds=45)
    assert len(fake.requests("POST", DM_POSTS)) == 2
    async with app.database.session() as session:
        row = await outbox.by_key(session, "welcome:member:1")
    assert row is not None and row.status == "sent"
