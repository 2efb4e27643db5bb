"""One community on Slack and Discord at once: /link joins a person's two accounts into one member."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.app import App
from bot.clock import FakeClock
from bot.platforms.memory import MemoryPlatform
from bot.settings import Settings
from storage.database import Database
from storage.models import Member, PlatformIdentity
from tests.conftest import make_app


@pytest.fixture
def slack() -> MemoryPlatform:
    return MemoryPlatform(name="slack", workspaces=("T1",))


@pytest.fixture
def discord() -> MemoryPlatform:
    return MemoryPlatform(name="discord", workspaces=("G1",))


@pytest.fixture
async def both(
    sqlite_db: Database,
    settings: Settings,
    clock: FakeClock,
    community_path: Path,
    slack: MemoryPlatform,
    discord: MemoryPlatform,
) -> AsyncIterator[App]:
    application = await make_app(sqlite_db, settings, clock, {"slack": slack, "discord": discord}, community_path)
    yield application
    await application.stop()


def code_in(text: str) -> str:
    found = re.search(r"\*([A-Z0-9]{6})\*", text)
    assert found, text
    return found[1]


async def members(app: App) -> list[Member]:
    async with app.database.session() as session:
        return list((await session.scalars(select(Member).order_by(Member.id))).all())


async def test_link_makes_one_member_with_shared_membership(
    both: App, slack: MemoryPlatform, discord: MemoryPlatform
) -> None:
    await slack.join("U1", "Ann Lee")
    await discord.join("111", "ann")
    await slack.command("U1", "join")
    await slack.command("U1", "prefs", "time evening")
    assert len(await members(both)) == 2

    code = code_in((await slack.command("U1", "link")).texts[0])
    linked = await discord.command("111", "link", code.lower())  # codes are forgiving about case
    assert linked.texts == [
        "Linked! You're one member across Discord + Slack: your membership, preferences and history are shared."
    ]

    [ann] = await members(both)
    assert ann.display_name == "Ann Lee"
    assert sorted((i.platform, i.user_id) for i in ann.identities) == [("discord", "111"), ("slack", "U1")]
    me_on_discord = await discord.command("111", "me")
    assert dict(me_on_discord.replies[0][0].blocks[1].items)["Status"] == "Active · Member"  # type: ignore[attr-defined]
    prefs = await both.services.preferences.get(ann.id)
    assert prefs.time == "evening"  # Slack's preferences won over Discord's defaults


async def test_linked_member_gets_each_drop_dm_once(
    both: App, slack: MemoryPlatform, discord: MemoryPlatform, clock: FakeClock
) -> None:
    await slack.join("U1", "Ann")
    await discord.join("111", "Ann")
    await slack.command("U1", "join")  # drops by DM are for members
    await slack.command("U1", "prefs", "drops dm-every")
    code = code_in((await slack.command("U1", "link")).texts[0])
    await discord.command("111", "link", code)
    await both.advance_time(timedelta(days=1))  # Saturday's deep-dive
    drop_dms = [
        d for p in (slack, discord) for d in p.sent if d.target.user_id and d.message.text.startswith("New Deep-dive")
    ]
    assert len(drop_dms) == 1
    assert len(slack.posts_in("drops")) == 1 and len(discord.posts_in("drops")) == 1  # the channel post on both


async def test_bad_expired_and_same_platform_codes_change_nothing(
    both: App, slack: MemoryPlatform, discord: MemoryPlatform, clock: FakeClock
) -> None:
    await slack.join("U1", "Ann")
    await slack.join("U2", "Bob")
    await discord.join("111", "Ann")
    assert (await discord.command("111", "link", "NOPE99")).texts[0].startswith("That code doesn't work")
    code = code_in((await slack.command("U1", "link")).texts[0])
    assert (await slack.command("U1", "link", code)).texts[0].startswith("That's the code for this same account")
    assert (await slack.command("U2", "link", code)).texts[
        0
    ] == "Both accounts are on Slack; linking joins accounts on different platforms."
    clock.advance(timedelta(minutes=16))
    assert (await discord.command("111", "link", code)).texts[0].startswith("That code doesn't work")
    assert len(await members(both)) == 3
    async with both.database.session() as session:
        assert await session.scalar(select(func.count()).select_from(PlatformIdentity)) == 3
