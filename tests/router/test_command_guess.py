"""A hurried member's command typo gets "did you mean …?" (found as an outsider: `/libary` and
`/ join` only got "I don't know")."""

from __future__ import annotations

from bot.app import App
from bot.platforms.memory import MemoryPlatform


async def test_a_close_typo_is_answered_with_the_command_meant(app: App, memory: MemoryPlatform) -> None:
    await memory.join("u1", "Ann")
    assert (await memory.command("u1", "libary")).texts == ["Did you mean /library? Type /help to see what I can do."]
    assert (await memory.command("u1", "", "join")).texts == ["Did you mean /join? Type /help to see what I can do."]
    assert (await memory.command("u1", "xyzzy")).texts == ["I don't know /xyzzy. Type /help to see what I can do."]


async def test_only_commands_the_person_may_use_are_suggested(app: App, memory: MemoryPlatform) -> None:
    await memory.join("u1", "Ann")
    await memory.command("creator", "help")
    assert (await memory.command("u1", "briefng")).texts == ["I don't know /briefng. Type /help to see what I can do."]
    assert (await memory.command("creator", "briefng")).texts == [
        "Did you mean /briefing? Type /help to see what I can do."
    ]
