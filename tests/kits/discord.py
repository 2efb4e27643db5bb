"""Fixtures: a fake Discord REST server on loopback and adapters pointed at it (no gateway)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest

from bot.events import Event
from bot.platforms.discord.adapter import DiscordPlatform
from bot.ports import Ack
from bot.testing.fake_discord import APPLICATION_ID, GUILD_ID, FakeDiscord

TIER_ROLES = {"member": "Member", "inner-circle": "Inner Circle"}


class Recorder:
    """A dispatch function that records events and lets a test await the next one."""

    def __init__(self) -> None:
        self.events: list[Event] = []
        self._arrived = asyncio.Condition()
        self.handler: Callable[[Event], Awaitable[None]] | None = None

    async def __call__(self, event: Event, *, ack: Ack | None = None) -> None:
        if ack is not None:  # as the router does: recorded, then acknowledged, then handled
            await ack()
        if self.handler is not None:
            await self.handler(event)
        async with self._arrived:
            self.events.append(event)
            self._arrived.notify_all()

    async def wait(self, count: int = 1, timeout: float = 5.0) -> list[Event]:
        async with self._arrived:
            await asyncio.wait_for(self._arrived.wait_for(lambda: len(self.events) >= count), timeout)
        return self.events


def observe(adapter: DiscordPlatform, dispatch: Callable[..., Awaitable[None]], guild: dict[str, Any]) -> Recorder:
    """Route the adapter's events through a Recorder to `dispatch` (the app's router), so a test can
    await the router's work (gateway events run in discord.py's own tasks); `guild` is cached as
    GUILD_CREATE would."""
    recorder = Recorder()
    recorder.handler = dispatch
    adapter._dispatch = recorder
    adapter.client._connection._add_guild_from_data(guild)  # type: ignore[arg-type]  # a gateway payload
    return recorder


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    server = FakeDiscord()
    server.add_channel("welcome")
    server.add_channel("drops")
    server.add_role("Member", position=1)
    server.add_role("Inner Circle", position=2)
    server.add_role("Founding member", position=1)
    await server.start()
    yield server
    await server.close()


def build_adapter(fake: FakeDiscord, **overrides: Any) -> DiscordPlatform:
    options: dict[str, Any] = {
        "token": "test-token",
        "application_id": APPLICATION_ID,
        "guild_id": GUILD_ID,
        "tier_roles": TIER_ROLES,
        "founding_role": "Founding member",
        "past_due_role": "Payment due",
        "mention_role_on_drops": True,
        "base_url": fake.base_url,
        "drops_channel": "drops",
        "gateway": False,
        "defer_after": 0.0,
        "commands": {"help": "What membot can do", "library": "Browse the library", "next": "What's coming up"},
    }
    options.update(overrides)
    return DiscordPlatform(**options)


@pytest.fixture
async def started(fake: FakeDiscord) -> AsyncIterator[tuple[DiscordPlatform, Recorder]]:
    """An adapter logged in to the fake (REST only), with a recording dispatch."""
    adapter = build_adapter(fake)
    recorder = Recorder()
    await adapter.start(recorder)
    yield adapter, recorder
    await adapter.stop()


StartAdapter = Callable[..., Awaitable[tuple[DiscordPlatform, Recorder]]]


@pytest.fixture
async def start_adapter(fake: FakeDiscord) -> AsyncIterator[StartAdapter]:
    """Start adapters with options (e.g. `defer_after=2.5`); all are stopped after the test."""
    running: list[DiscordPlatform] = []

    async def start(
        *, suggest: dict[str, Callable[[str], Awaitable[list[str]]]] | None = None, **overrides: Any
    ) -> tuple[DiscordPlatform, Recorder]:
        adapter = build_adapter(fake, **overrides)
        for command, provider in (suggest or {}).items():
            adapter.set_autocomplete(command, provider)
        recorder = Recorder()
        running.append(adapter)
        await adapter.start(recorder)
        return adapter, recorder

    yield start
    for adapter in running:
        await adapter.stop()
