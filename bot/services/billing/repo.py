"""Queries billing needs: memberships by subscription, the latest membership, creators, seats, the waitlist."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from storage.models import Community, Member, Membership, Tier, WaitlistEntry

HOLDS_SEAT = ("active", "trialing", "past_due", "comped")


async def member(session: AsyncSession, member_id: int) -> Member | None:
    return await session.scalar(select(Member).where(Member.id == member_id).options(selectinload(Member.identities)))


async def latest_membership(session: AsyncSession, member_id: int) -> tuple[Membership, Tier] | None:
    """The open membership if there is one, else the most recent ended one."""
    row = (
        await session.execute(
            select(Membership, Tier)
            .join(Tier, Tier.id == Membership.tier_id)
            .where(Membership.member_id == member_id)
            .order_by(Membership.ended_at.is_not(None), Membership.id.desc())
            .limit(1)
        )
    ).first()
    return (row[0], row[1]) if row else None


async def open_membership(session: AsyncSession, member_id: int) -> Membership | None:
    return await session.scalar(
        select(Membership)
        .where(Membership.member_id == member_id, Membership.ended_at.is_(None))
        .order_by(Membership.id.desc())
        .limit(1)
    )


async def by_subscription(session: AsyncSession, subscription_id: str) -> Membership | None:
    return await session.scalar(select(Membership).where(Membership.stripe_subscription_id == subscription_id))


async def member_by_customer(session: AsyncSession, customer: str) -> int | None:
    return await session.scalar(
        select(Membership.member_id).where(Membership.stripe_customer_id == customer).order_by(Membership.id.desc()).limit(1)
    )


async def customer_of(session: AsyncSession, member_id: int) -> str | None:
    return await session.scalar(
        select(Membership.stripe_customer_id)
        .where(Membership.member_id == member_id, Membership.stripe_customer_id.is_not(None))
        .order_by(Membership.id.desc())
        .limit(1)
    )


async def tier_by_key(session: AsyncSession, community_id: int, key: str) -> Tier | None:
    return await session.scalar(select(Tier).where(Tier.community_id == community_id, Tier.key == key))


async def default_tier(session: AsyncSession, community_id: int) -> Tier | None:
    return await session.scalar(
        select(Tier).where(Tier.community_id == community_id).order_by(Tier.is_default.desc(), Tier.id).limit(1)
    )


async def creators(session: AsyncSession, community_id: int) -> Sequence[Member]:
    result = await session.scalars(
        select(Member)
        .where(Member.community_id == community_id, Member.role == "creator", Member.left_at.is_(None))
        .options(selectinload(Member.identities))
        .order_by(Member.id)
    )
    return result.all()


async def community(session: AsyncSession, community_id: int) -> Community:
    row = await session.get(Community, community_id)
    assert row is not None, "the community was imported at start-up"
    return row


async def seats_taken(session: AsyncSession, community_id: int) -> int:
    return int(
        await session.scalar(
            select(func.count(func.distinct(Membership.member_id)))
            .join(Member, Member.id == Membership.member_id)
            .where(
                Member.community_id == community_id,
                Membership.ended_at.is_(None),
                Membership.status.in_(HOLDS_SEAT),
            )
        )
        or 0
    )


async def has_memberships(session: AsyncSession, member_id: int) -> bool:
    return bool(await session.scalar(select(func.count(Membership.id)).where(Membership.member_id == member_id)))


async def waitlist_entry(session: AsyncSession, community_id: int, member_id: int) -> WaitlistEntry | None:
    return await session.scalar(
        select(WaitlistEntry).where(WaitlistEntry.community_id == community_id, WaitlistEntry.member_id == member_id)
    )


async def waiting(session: AsyncSession, community_id: int, *, invited: bool | None = None) -> Sequence[WaitlistEntry]:
    """People on the waitlist who have not joined yet, first come first served."""
    query = select(WaitlistEntry).where(WaitlistEntry.community_id == community_id, WaitlistEntry.converted_at.is_(None))
    if invited is True:
        query = query.where(WaitlistEntry.invited_at.is_not(None))
    elif invited is False:
        query = query.where(WaitlistEntry.invited_at.is_(None))
    result = await session.scalars(query.order_by(WaitlistEntry.joined_at, WaitlistEntry.id))
    return result.all()


async def outstanding_invites(session: AsyncSession, community_id: int, since: datetime) -> int:
    return int(
        await session.scalar(
            select(func.count(WaitlistEntry.id)).where(
                WaitlistEntry.community_id == community_id,
                WaitlistEntry.converted_at.is_(None),
                WaitlistEntry.invited_at >= since,
            )
        )
        or 0
    )


async def memberships_in(session: AsyncSession, community_id: int, *statuses: str) -> Sequence[Membership]:
    result = await session.scalars(
        select(Membership)
        .join(Member, Member.id == Membership.member_id)
        .where(Member.community_id == community_id, Membership.ended_at.is_(None), Membership.status.in_(statuses))
        .order_by(Membership.id)
    )
    return result.all()
