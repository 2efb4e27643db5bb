"""What the creator learns from the intake: why a member joined and their goal, in a DM and on `/member show`."""

from __future__ import annotations

from bot.app import App
from bot.messages import Buttons, OutboundMessage
from bot.platforms.memory import MemoryPlatform
from tests.kits.members import become_member, member_id

GOOD = {
    "why": "I want a steadier stream of clients",
    "goal": "Land three retainer clients by March",
    "level": "2",
    "format": "live",
    "time_of_day": "any",
    "drops": "channel",
    "timezone": "",
}


def body(message: OutboundMessage) -> str:
    return "\n".join(getattr(b, "text", "") for b in message.blocks)


def button_ids(message: OutboundMessage) -> list[str]:
    return [b.action_id for block in message.blocks if isinstance(block, Buttons) for b in block.buttons]


async def test_the_creator_hears_why_a_new_member_joined_once(app: App, memory: MemoryPlatform) -> None:
    await memory.command("creator", "help")
    await become_member(memory, "u1", "Dana Smith")
    await app.settle()
    before = len(memory.dms_to("creator"))
    await memory.submit("u1", "onboard.intake", GOOD)
    await app.settle()
    [intro] = memory.dms_to("creator")[before:]
    text = body(intro)
    assert intro.blocks[0].text == "👋 Dana Smith joined Strategy Club and told you why"  # type: ignore[attr-defined]
    assert "*Why they joined:* I want a steadier stream of clients" in text
    assert "*Their goal:* Land three retainer clients by March" in text
    assert "*Stage:* 2: First clients, still finding my feet" in text
    assert "*Likes to learn by:* Live sessions" in text
    assert button_ids(intro) == [f"analytics.note:{await member_id(app, 'u1')}"]  # a personal welcome, one click
    # Answering again (changing the level) tells the creator nothing new.
    await memory.submit("u1", "onboard.intake", {**GOOD, "level": "3"})
    await app.settle()
    assert len(memory.dms_to("creator")) == before + 1


async def test_someone_who_has_not_joined_is_told_how_and_is_not_announced_as_joined(
    app: App, memory: MemoryPlatform
) -> None:
    await memory.command("creator", "help")
    await memory.join("u1", "Dana Smith")  # in the workspace, no membership
    await app.settle()
    before = len(memory.dms_to("creator"))

    done = await memory.submit("u1", "onboard.intake", GOOD)
    await app.settle()

    [path] = [m for m, _ in done.replies if m.text == "Start here"]
    assert "One step left: you haven't joined yet. Type `/join`" in body(path)
    [intro] = memory.dms_to("creator")[before:]
    assert intro.blocks[0].text == (  # type: ignore[attr-defined]
        "👋 Dana Smith answered your intake questions but hasn't joined Strategy Club yet"
    )
    # A member who answers is not told to join.
    await become_member(memory, "u2", "Eli Moss")
    again = await memory.submit("u2", "onboard.intake", GOOD)
    assert again.texts[1] == "Start here" and not any("/join" in body(m) for m, _ in again.replies)


async def test_the_intro_reads_in_the_creators_language(app: App, memory: MemoryPlatform) -> None:
    await memory.command("creator", "prefs", "language nb")
    await memory.join("u1", "Dana Smith")
    await app.settle()
    before = len(memory.dms_to("creator"))
    await memory.submit("u1", "onboard.intake", GOOD)
    await app.settle()
    [intro] = memory.dms_to("creator")[before:]
    assert "*Hvorfor de ble med:* I want a steadier stream of clients" in body(intro)


async def test_member_show_tells_the_creator_what_the_member_said(app: App, memory: MemoryPlatform) -> None:
    await memory.command("creator", "help")
    await become_member(memory, "u1", "Dana Smith")
    before = body((await memory.command("creator", "member", "show Dana Smith")).replies[0][0])
    assert "haven't answered the intake questions yet" in before
    assert "*Membership:* active" in before

    await memory.submit("u1", "onboard.intake", GOOD)
    shown = (await memory.command("creator", "member", "show Dana Smith")).replies[0][0]
    text = body(shown)
    assert shown.blocks[0].text == "Dana Smith"  # type: ignore[attr-defined]
    assert "*Why they joined:* I want a steadier stream of clients" in text
    assert "*Their goal:* Land three retainer clients by March" in text
    assert len(button_ids(shown)) == 1 and button_ids(shown)[0].startswith("analytics.note:")
    dana = await member_id(app, "u1")  # what /privacy takes, which only `membot members list` showed
    assert f"*Member number:* {dana} (for `/privacy export {dana}` or `/privacy forget {dana}`)" in text

    refused = await memory.command("u1", "member", "show Dana Smith")
    assert "steadier" not in " ".join(refused.texts)
    unknown = await memory.command("creator", "member", "show Nobody Here")
    assert unknown.texts and "Nobody Here" in unknown.texts[0]


async def test_member_show_takes_the_member_number_it_prints(app: App, memory: MemoryPlatform) -> None:
    """Found as an outsider: `/member show` printed "Member number: 2" but `/member show 2` knew no one."""
    await memory.command("creator", "help")
    await become_member(memory, "u1", "Dana Smith")
    await become_member(memory, "u2", "2024")  # a name of digits only is still found by name
    dana = await member_id(app, "u1")
    for ref in (str(dana), f"#{dana}", f" #{dana} "):
        shown = (await memory.command("creator", "member", f"show {ref}")).replies[0][0]
        assert shown.blocks[0].text == "Dana Smith"  # type: ignore[attr-defined]
    named = (await memory.command("creator", "member", "show 2024")).replies[0][0]
    assert named.blocks[0].text == "2024"  # type: ignore[attr-defined]
    for ref in ("9999", "#9999"):
        unknown = await memory.command("creator", "member", f"show {ref}")
        assert unknown.texts == [
            f"I don't know anyone called “{ref}” yet. They need to have joined or messaged me first."
        ]
