"""Link codes: one-time codes that join a member's accounts on two platforms into one person."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import LinkCode, Member
from storage.repositories.merge import merge_members


async def issue(session: AsyncSession, member_id: int, code: str, now: datetime, lifetime: timedelta) -> None:
    """Store `code` for the member; their older codes, and everyone's expired ones, go."""
    await session.execute(delete(LinkCode).where((LinkCode.member_id == member_id) | (LinkCode.expires_at < now)))
    session.add(LinkCode(code=code, member_id=member_id, created_at=now, expires_at=now + lifetime))


async def find(session: AsyncSession, code: str) -> LinkCode | None:
    return await session.get(LinkCode, code)


async def redeem(session: AsyncSession, link: LinkCode, drop: Member) -> None:
    """Use up `link`: the member `drop` (who typed it) becomes part of the member who asked for it."""
    await session.delete(link)
    session.expunge(drop)  # merge_members deletes its row behind the ORM's back
    await merge_members(session, link.member_id, drop.id)
