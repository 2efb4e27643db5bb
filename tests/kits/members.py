"""Helpers for tests about members: make someone a current member, find their id."""

from __future__ import annotations

from bot.app import App
from bot.platforms.memory import MemoryPlatform
from storage.repositories import members


async def become_member(memory: MemoryPlatform, user_id: str, name: str | None = None) -> None:
    """Arrive in the workspace and /join (no Stripe: the membership starts at once)."""
    await memory.join(user_id, name)
    await memory.command(user_id, "join")


async def member_id(app: App, user_id: str) -> int:
    async with app.database.session() as session:
        member = await members.by_identity(session, "memory", "W1", user_id)
        assert member is not None
        return member.id
