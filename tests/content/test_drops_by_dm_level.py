""" "Send me each one by DM" sends each drop for the member's level (by design), and says so in every language."""

from __future__ import annotations

import tomllib
from datetime import UTC, datetime

import pytest
from sqlalchemy import update

from bot.app import App
from bot.clock import FakeClock
from bot.messages import Select
from bot.platforms.memory import MemoryPlatform
from bot.settings import REPO_ROOT
from storage.models import Member
from tests.kits.members import become_member, member_id

LOCALES = ("en", "da", "nb", "nl", "zh")


def level_word(locale: str) -> str:
    """What the locale calls a member's level (the "Level" field of /me)."""
    member = tomllib.loads((REPO_ROOT / "prompts" / locale / "member.toml").read_text(encoding="utf-8"))
    return str(member["me"]["level"])


async def test_each_drop_by_dm_is_each_drop_for_their_level(app: App, memory: MemoryPlatform, clock: FakeClock) -> None:
    for user, level in (("u1", 1), ("u2", 2)):
        await become_member(memory, user, user.upper())
        await memory.command(user, "prefs", "drops dm-every")
        async with app.database.session() as session:
            await session.execute(update(Member).where(Member.id == await member_id(app, user)).values(level=level))
    clock.set(datetime(2026, 11, 21, 9, 0, tzinfo=UTC))  # Sat 10:00 in Oslo: the niche paradox, levels 2 to 5
    await app.tick()
    await app.settle()
    assert [m.text for m in memory.dms_to("u1") if m.text.startswith("New ")] == []
    assert len([m for m in memory.dms_to("u2") if m.text.startswith("New ")]) == 1


@pytest.mark.parametrize("locale", LOCALES)
async def test_the_choice_says_it_is_for_their_level(app: App, memory: MemoryPlatform, locale: str) -> None:
    """Found as an outsider: "Send me each one by DM" promised every drop; a drop for other levels
    never came by DM. The choice, in /prefs and the intake form alike, now names the level."""
    await memory.join("u1", "Kari")
    await memory.command("u1", "prefs", f"language {locale}")
    message = (await memory.command("u1", "prefs")).replies[0][0]
    [drops] = [b for b in message.blocks if isinstance(b, Select) and b.action_id == "prefs.set:drops"]
    label = {o.label: o.value for o in drops.options}
    [every] = [text for text, value in label.items() if value == "dm-every"]
    assert level_word(locale).casefold() in every.casefold(), every
    assert (await memory.command("u1", "prefs", f"drops {every}")).texts == [
        (await memory.command("u1", "prefs", "drops dm-every")).texts[0]
    ]  # the words shown can be typed back
