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
