"""Members and their platform identities."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from storage.models import Member, MemberPreferences, Membership, PlatformIdentity, Tier


async def by_identity(session: AsyncSession, platform: str, workspace_id: str, user_id: str) -> Member | None:
    return await session.scalar(
        select(Member)
        .join(PlatformIdentity)
        .where(
            PlatformIdentity.platform == platform,
            PlatformIdentity.workspace_id == workspace_id,
            PlatformIdentity.user_id == user_id,
        )
    )


async def get(session: AsyncSession, member_id: int) -> Member | None:
    return await session.get(Member, member_id)


async def create(
    session: AsyncSession,
    *,
    community_id: int,
    display_name: str,
    platform: str,
    workspace_id: str,
    user_id: str,
    now: datetime,
    role: str = "member",
    locale: str | None = None,
) -> Member:
    member = Member(
        community_id=community_id,
        display_name=display_name,
        role=role,
        locale=locale,
        joined_at=now,
        last_active_at=now,
        identities=[PlatformIdentity(platform=platform, workspace_id=workspace_id, user_id=user_id, created_at=now)],
    )
    session.add(member)
    await session.flush()
    session.add(MemberPreferences(member_id=member.id))
    await session.flush()
    return member


async def preferences(session: AsyncSession, member_id: int) -> MemberPreferences:
    prefs = await session.get(MemberPreferences, member_id)
    if prefs is None:
        prefs = MemberPreferences(member_id=member_id)
        session.add(prefs)
        await session.flush()
    return prefs


async def list_all(session: AsyncSession, community_id: int) -> Sequence[Member]:
    result = await session.scalars(
        select(Member).where(Member.community_id == community_id).order_by(Member.id)
    )
    return result.all()


async def current_membership(session: AsyncSession, member_id: int) -> tuple[Membership, Tier] | None:
    row = (
        await session.execute(
            select(Membership, Tier)
            .join(Tier, Tier.id == Membership.tier_id)
            .where(Membership.member_id == member_id, Membership.ended_at.is_(None))
            .order_by(Membership.id.desc())
            .limit(1)
        )
    ).first()
    return (row[0], row[1]) if row else None


async def active_in(session: AsyncSession, community_id: int) -> Sequence[Member]:
    """Members who have not left, with identities loaded."""
    result = await session.scalars(
        select(Member)
        .where(Member.community_id == community_id, Member.left_at.is_(None))
        .options(selectinload(Member.identities))
        .order_by(Member.id)
    )
    return result.all()


async def with_drop_delivery(session: AsyncSession, community_id: int, digest: str) -> Sequence[Member]:
    """Active members who asked for drops by DM with this frequency (`every` or `weekly`)."""
    result = await session.scalars(
        select(Member)
        .join(MemberPreferences, MemberPreferences.member_id == Member.id)
        .where(
            Member.community_id == community_id,
            Member.left_at.is_(None),
            MemberPreferences.delivery == "dm",
            MemberPreferences.digest == digest,
        )
        .options(selectinload(Member.identities))
        .order_by(Member.id)
    )
    return result.all()


async def preferences_for(session: AsyncSession, member_ids: Sequence[int]) -> dict[int, MemberPreferences]:
    if not member_ids:
        return {}
    result = await session.scalars(select(MemberPreferences).where(MemberPreferences.member_id.in_(member_ids)))
    return {p.member_id: p for p in result.all()}
