"""A drip step with a condition (`unless = "posted"`) that waits for the member's time of day reads
its condition when it goes: a member who posts in the meantime does not get it."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.app import App
from bot.platforms.memory import MemoryPlatform
from storage.models import OnboardingProgress
from storage.repositories import outbox
from tests.kits.members import become_member, member_id

OSLO = ZoneInfo("Europe/Oslo")
HELLO = "Say hello to the club"  # day 1, unless = "posted"


def headers(memory: MemoryPlatform) -> list[str]:
    return [m.blocks[0].text for m in memory.dms_to("u1")]


async def outcome(app: App, step_id: str) -> str | None:
    mid = await member_id(app, "u1")
    async with app.database.session() as session:
        return await session.scalar(
            select(OnboardingProgress.outcome).where(
                OnboardingProgress.member_id == mid, OnboardingProgress.step_id == step_id
            )
        )


async def test_a_post_before_the_evening_slot_skips_saying_hello(app: App, memory: MemoryPlatform) -> None:
    await become_member(memory, "u1", "Alex")  # Friday 13:00 in Oslo
    await memory.command("u1", "prefs", "time evening")
    await app.advance_time(timedelta(days=1))  # Saturday 13:00: the hello is due, and waits for 18:00
    assert HELLO not in headers(memory)
    await memory.post("u1", "Hi all, I'm Alex!", channel="welcome")
    await app.advance_time(timedelta(days=1))
    assert HELLO not in headers(memory)
    assert "Your first post, Alex! 👏" in headers(memory)
    assert await outcome(app, "introduce-yourself") == "skipped"


async def test_without_a_post_the_hello_comes_once_at_the_evening_slot(app: App, memory: MemoryPlatform) -> None:
    await become_member(memory, "u1", "Alex")
    await memory.command("u1", "prefs", "time evening")
    await app.advance_time(timedelta(days=1, hours=4))  # Saturday 17:00
    assert HELLO not in headers(memory)
    await app.advance_time(timedelta(days=1))
    await app.tick()  # another run of every job sends nothing twice
    assert headers(memory).count(HELLO) == 1
    assert await outcome(app, "introduce-yourself") == "sent"
    async with app.database.session() as session:
        row = await outbox.by_key(session, f"onboard:introduce-yourself:member:{await member_id(app, 'u1')}")
    assert row is not None and row.status == "sent"
    assert row.next_attempt_at.astimezone(OSLO).strftime("%a %H:%M") == "Sat 18:00"
