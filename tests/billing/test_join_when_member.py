"""`/join` from someone who needs no membership is told so, whatever follows the command: an unknown
invite code or plan is beside the point for a member (or the creator)."""

from __future__ import annotations

import pytest

from bot.app import App
from bot.platforms.memory import MemoryPlatform
from tests.kits.billing import newcomer
from tests.kits.members import become_member

ALREADY = ["You're already a member, nothing to do."]


@pytest.mark.parametrize("words", ["", "-5", "jaarlijks", "yearly", "NOPE22"])
async def test_a_member_is_told_they_are_one_whatever_follows_join(
    app: App, memory: MemoryPlatform, words: str
) -> None:
    await become_member(memory, "u1", "Alex")
    assert (await memory.command("u1", "join", words)).texts == ALREADY


async def test_the_creator_is_told_there_is_nothing_to_join(app: App, memory: MemoryPlatform) -> None:
    said = await memory.command("creator", "join", "jaarlijks")
    assert said.texts == ["You're the creator: you already see everything members see, so there is nothing to join."]


async def test_someone_who_is_not_a_member_still_hears_about_a_wrong_code(app: App, memory: MemoryPlatform) -> None:
    await memory.join("u2", "Bea")
    said = await memory.command("u2", "join", "NOPE22")
    assert said.texts[0].startswith("I don't know the invite code “NOPE22”")


async def test_with_stripe_a_comped_member_is_told_they_are_one(paid_app: App, memory: MemoryPlatform) -> None:
    await memory.command("creator", "help")
    await newcomer(paid_app, memory)
    await memory.command("creator", "member", "add u1 comped")
    for words in ("weekly", "-5", "monthly NOPE22"):
        assert (await memory.command("u1", "join", words)).texts == ALREADY
