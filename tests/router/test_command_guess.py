"""A hurried member's command typo gets "did you mean …?" (found as an outsider: `/libary` and
`/ join` only got "I don't know")."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.app import App
from bot.events import ChannelRef, MessagePosted
from bot.platforms.memory import MemoryPlatform, MemoryResponder
from storage.models import FaqQuestion


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


async def dm(memory: MemoryPlatform, text: str) -> MemoryResponder:
    """A DM to the bot, answered in place as the platforms answer one."""
    user = memory.user("alice")
    responder = MemoryResponder()
    where = ChannelRef(memory.name, user.workspace_id, "D-alice", is_dm=True)
    await memory.emit(MessagePosted(user=user, channel=where, text=text, message_id=text, responder=responder))
    return responder


async def questions(app: App) -> int:
    async with app.database.session() as session:
        return len((await session.scalars(select(FaqQuestion))).all())


@pytest.mark.parametrize(
    ("typed", "meant"), [("help", "help"), ("Leave!", "leave"), ("quit", "leave"), ("menu", "help")]
)
async def test_a_commands_name_alone_in_a_dm_gets_a_hint_not_the_faq(
    app: App, memory: MemoryPlatform, typed: str, meant: str
) -> None:
    """Found as an outsider: "leave", "quit" or "help" typed without the slash got "I don't know" and
    a line in the creator's FAQ inbox."""
    replied = await dm(memory, typed)
    await app.settle()
    assert replied.texts == [f"Did you mean `/{meant}`? Commands start with a slash: type `/{meant}`."]
    assert await questions(app) == 0 and memory.sent == []


async def test_a_creators_command_named_by_a_member_goes_to_the_faq(app: App, memory: MemoryPlatform) -> None:
    replied = await dm(memory, "announce")
    await app.settle()
    assert replied.texts == [] and await questions(app) == 1


@pytest.mark.parametrize("typed", ["stop", "Unsubscribe", "STOP!", "mute", "stop  messaging me"])
async def test_stop_or_unsubscribe_alone_shows_the_message_settings_before_leave(
    app: App, memory: MemoryPlatform, typed: str
) -> None:
    """Found as an outsider: "unsubscribe" got "Did you mean /leave?", pointing a paying member who
    wanted fewer messages at ending their membership."""
    replied = await dm(memory, typed)
    await app.settle()
    [said] = replied.texts
    assert said.index("/prefs nudges off") < said.index("/prefs drops dm-weekly") < said.index("/leave")
    assert await questions(app) == 0 and memory.sent == []


async def test_the_settings_the_stop_reply_names_exist(app: App, memory: MemoryPlatform) -> None:
    await memory.command("alice", "join")
    for setting in ("nudges off", "drops dm-weekly", "drops channel"):
        done = await memory.command("alice", "prefs", setting)
        assert done.texts == ["Saved. You can change it any time with /prefs."], setting
