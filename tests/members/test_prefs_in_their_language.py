"""/prefs takes the words it shows a member in their own language, and the English choices as before."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.app import App
from bot.platforms.memory import MemoryPlatform
from storage.models import Member, MemberPreferences
from tests.conftest import EditedApp

SAVED_NB = "Lagret! Du kan endre det når som helst med /prefs."


async def prefs_of(app: App) -> tuple[Member, MemberPreferences]:
    async with app.database.session() as session:
        member = await session.scalar(select(Member).where(Member.display_name == "Kari"))
        assert member is not None
        prefs = await session.get(MemberPreferences, member.id)
        assert prefs is not None
        return member, prefs


async def saved(memory: MemoryPlatform, args: str) -> list[str]:
    return (await memory.command("u1", "prefs", args)).texts


async def test_a_norwegian_member_types_the_words_prefs_shows_them(app: App, memory: MemoryPlatform) -> None:
    """Found as an outsider: `/prefs nudges av` and `/prefs time kveld` were refused in Norwegian."""
    await memory.join("u1", "Kari")
    await memory.command("u1", "prefs", "language nb")
    shown = " ".join(str(b) for b in (await memory.command("u1", "prefs")).replies[0][0].blocks)
    assert "Kveld (18:00)" in shown and "Ikke feir" in shown and "Et ukentlig sammendrag på DM" in shown
    for args in ("nudges av", "time kveld", "celebrate Ikke feir", "drops et ukentlig sammendrag på DM"):
        assert await saved(memory, args) == [SAVED_NB], args
    _, prefs = await prefs_of(app)
    assert (prefs.nudges, prefs.time_of_day and prefs.time_of_day.hour, prefs.celebrate) == (False, 18, "none")
    assert (prefs.delivery, prefs.digest) == ("dm", "weekly")
    # The label as shown, clock and all; the English choices still work.
    for args in ("time Morgen (08:00)", "nudges på", "time evening", "nudges on"):
        assert await saved(memory, args) == [SAVED_NB], args
    _, prefs = await prefs_of(app)
    assert (prefs.nudges, prefs.time_of_day and prefs.time_of_day.hour) == (True, 18)
    refused = await saved(memory, "time natt")
    assert refused[0].startswith("For `/prefs time` kan du velge mellom:"), refused


@pytest.mark.parametrize(
    ("locale", "evening", "off"), [("nb", "kveld", "av"), ("da", "aften", "fra"), ("nl", "'s avonds", "uit")]
)
async def test_in_a_community_that_speaks_another_language_its_words_are_taken(
    edited_app: EditedApp, memory: MemoryPlatform, locale: str, evening: str, off: str
) -> None:
    app = await edited_app(lambda text: text.replace('locale = "en"', f'locale = "{locale}"', 1))
    await memory.join("u1", "Kari")
    await memory.command("u1", "prefs", f"time {evening}")
    await memory.command("u1", "prefs", f"nudges {off}")
    _, prefs = await prefs_of(app)
    assert (prefs.time_of_day and prefs.time_of_day.hour, prefs.nudges) == (18, False)


async def test_a_chinese_member_types_the_words_prefs_shows_them(app: App, memory: MemoryPlatform) -> None:
    await memory.join("u1", "Kari")
    await memory.command("u1", "prefs", "language zh")
    await memory.command("u1", "prefs", "time 晚上")
    await memory.command("u1", "prefs", "nudges 关")
    await memory.command("u1", "prefs", "celebrate 在频道里庆祝")
    _, prefs = await prefs_of(app)
    assert (prefs.time_of_day and prefs.time_of_day.hour, prefs.nudges, prefs.celebrate) == (18, False, "channel")
