"""A person arrives: a personal welcome DM from the creator; once a member, a public greeting, exactly once."""

from __future__ import annotations

from bot.app import App
from bot.platforms.memory import MemoryPlatform
from storage.repositories import outbox


async def test_join_sends_personal_welcome_with_names_and_next_steps(app: App, memory: MemoryPlatform) -> None:
    await memory.join("u1", "Dana Smith")
    await memory.command("u1", "join")  # the public greeting waits until she is a member
    await app.settle()

    [dm] = memory.dms_to("u1")
    assert "Dana" in dm.text and "Smith" not in dm.text  # first name, as a person would write
    body = " ".join(getattr(b, "text", "") for b in dm.blocks)
    assert "Maya Lindqvist" in body  # the creator's name
    assert "Your first drop arrives Sat 21 Nov, 10:00 CET" in body  # the deep-dive slot, in Oslo time
    # What the week holds comes from the community's drop slots, not from a fixed sentence.
    assert "Every week: a mini-training, a resource or workbook, a live Q&A, and a deep-dive." in body
    assert [c.action_id for c in dm.choices()] == ["onboard.intake", "content.next", "library.browse", "help.show"]

    [greeting] = memory.posts_in("welcome")
    assert "Dana" in greeting.text and "Strategy Club" in greeting.text


async def test_retried_join_delivery_welcomes_once(app: App, memory: MemoryPlatform) -> None:
    await memory.join("u1", "Dana", event_id="Ev1")
    await memory.join("u1", "Dana", event_id="Ev1")  # the platform retried the same delivery
    await memory.join("u1", "Dana", event_id="Ev2")  # a second, distinct join event for the same person
    await memory.command("u1", "join")
    await memory.command("u1", "join")  # already a member: greeted once all the same
    await app.settle()
    await app.settle()

    assert len(memory.dms_to("u1")) == 1
    assert len(memory.posts_in("welcome")) == 1


async def test_creator_gets_no_member_welcome(app: App, memory: MemoryPlatform) -> None:
    await memory.join("creator", "Maya")
    await app.settle()
    assert memory.dms_to("creator") == []


async def test_pending_member_is_welcomed_only_after_screening(app: App, memory: MemoryPlatform) -> None:
    await memory.join("u2", "Eli", pending=True)
    await app.settle()
    assert memory.dms_to("u2") == []

    await memory.join("u2", "Eli")
    await app.settle()
    assert len(memory.dms_to("u2")) == 1


async def test_welcome_is_recorded_with_platform_message_id(app: App, memory: MemoryPlatform) -> None:
    await memory.join("u3", "Fay")
    await app.settle()
    fay = await app.services.membership.find(memory.user("u3"))
    assert fay is not None
    async with app.database.session() as session:
        row = await outbox.by_key(session, f"welcome:member:{fay.id}")
    assert row is not None and row.status == "sent"
    assert row.platform_message_id == memory.sent[0].message_id


async def test_a_right_to_left_override_in_a_name_stays_out_of_the_posts(app: App, memory: MemoryPlatform) -> None:
    """Found as an outsider: U+202E in a display name went raw into the #welcome post and `/member
    list`, flipping the rest of the line for everyone."""
    await memory.join("u1", "\u202eEvil\u202c Eve")
    await memory.join("u2", "\u2066\u202e")  # nothing left to show: the user id stands in
    await memory.command("u1", "join")
    await app.settle()
    [greeting] = memory.posts_in("welcome")
    assert "Evil" in greeting.text and "\u202e" not in greeting.text and "\u202c" not in greeting.text
    names = [m.name for m in await app.services.membership.summaries()]
    assert "Evil Eve" in names and "u2" in names


async def test_a_name_with_invisible_characters_can_be_typed_to_find_them(app: App, memory: MemoryPlatform) -> None:
    """Found as an outsider: "Zero\u200bWidth" was stored as it came, so `/member show ZeroWidth` knew no
    one by that name; typed with the character, a right-to-left override did not find "Evil" either."""
    await memory.join("u1", "Zero\u200bWidth")
    await memory.join("u2", "\u202eEvil")
    await app.settle()
    names = [m.name for m in await app.services.membership.summaries()]
    assert "ZeroWidth" in names and "Evil" in names
    for typed in ("ZeroWidth", "zero\u200bwidth", "\u202eEvil"):
        shown = await memory.command("creator", "member", f"show {typed}")
        assert "I don't know anyone" not in " ".join(shown.texts), typed
