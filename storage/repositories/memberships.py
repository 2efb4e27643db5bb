"""Memberships: by member, by Stripe subscription or customer, seats, the open list, and the tiers they grant.

Also the two member lookups billing makes around memberships: the creators it tells, and a
member the creator names in `/member`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Member, Membership, Tier
from storage.repositories import members

HOLDS_SEAT = ("active", "trialing", "past_due", "comped")


async def start(
    session: AsyncSession,
    *,
    member_id: int,
    tier_id: int,
    status: str,
    started_at: datetime,
    plan: str | None = None,
) -> Membership:
    """A new membership row; its id is set on return."""
    membership = Membership(member_id=member_id, tier_id=tier_id, status=status, plan=plan, started_at=started_at)
    session.add(membership)
    await session.flush()
    await members.wake_nudges(session, member_id)  # a member again: check-ins may be due
    return membership


async def latest(session: AsyncSession, member_id: int) -> tuple[Membership, Tier] | None:
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


async def open_of(session: AsyncSession, member_id: int) -> Membership | None:
    """The member's open membership (the newest, should there be two)."""
    return await session.scalar(
        select(Membership)
        .where(Membership.member_id == member_id, Membership.ended_at.is_(None))
        .order_by(Membership.id.desc())
        .limit(1)
    )


async def of_member(session: AsyncSession, member_id: int) -> Sequence[Membership]:
    """Every membership the member ever had, open or ended."""
    return (await session.scalars(select(Membership).where(Membership.member_id == member_id))).all()


async def has_any(session: AsyncSession, member_id: int) -> bool:
    return bool(await session.scalar(select(func.count(Membership.id)).where(Membership.member_id == member_id)))


async def by_subscription(session: AsyncSession, subscription_id: str) -> Membership | None:
    return await session.scalar(select(Membership).where(Membership.stripe_subscription_id == subscription_id))


async def status_of_subscription(session: AsyncSession, subscription_id: str) -> str | None:
    return await session.scalar(select(Membership.status).where(Membership.stripe_subscription_id == subscription_id))


async def member_by_customer(session: AsyncSession, customer: str) -> int | None:
    return await session.scalar(
        select(Membership.member_id)
        .where(Membership.stripe_customer_id == customer)
        .order_by(Membership.id.desc())
        .limit(1)
    )


async def customer_of(session: AsyncSession, member_id: int) -> str | None:
    return await session.scalar(
        select(Membership.stripe_customer_id)
        .where(Membership.member_id == member_id, Membership.stripe_customer_id.is_not(None))
        .order_by(Membership.id.desc())
        .limit(1)
    )


async def subscriptions_in(session: AsyncSession, community_id: int) -> Sequence[str]:
    """Every Stripe subscription id the community's memberships were ever linked to."""
    result = await session.scalars(
        select(Membership.stripe_subscription_id)
        .join(Member, Member.id == Membership.member_id)
        .where(Member.community_id == community_id, Membership.stripe_subscription_id.is_not(None))
    )
    return [sub for sub in result.all() if sub is not None]


async def open_members(session: AsyncSession, community_id: int) -> Sequence[int]:
    """The members who hold an open membership (any status)."""
    result = await session.scalars(
        select(Membership.member_id)
        .join(Member, Member.id == Membership.member_id)
        .where(Member.community_id == community_id, Membership.ended_at.is_(None))
    )
    return result.all()


async def open_in(session: AsyncSession, community_id: int, *statuses: str) -> Sequence[Membership]:
    """The community's open memberships in these statuses, oldest first."""
    result = await session.scalars(
        select(Membership)
        .join(Member, Member.id == Membership.member_id)
        .where(Member.community_id == community_id, Membership.ended_at.is_(None), Membership.status.in_(statuses))
        .order_by(Membership.id)
    )
    return result.all()


async def open_listing(
    session: AsyncSession, community_id: int, limit: int
) -> Sequence[tuple[Membership, Tier, Member]]:
    """The open memberships with their tier and member, oldest first (`/member list`)."""
    result = await session.execute(
        select(Membership, Tier, Member)
        .join(Tier, Tier.id == Membership.tier_id)
        .join(Member, Member.id == Membership.member_id)
        .where(Member.community_id == community_id, Membership.ended_at.is_(None))
        .order_by(Membership.id)
        .limit(limit)
    )
    return [(m, tier, member) for m, tier, member in result.all()]


async def ended_between(
    session: AsyncSession, community_id: int, statuses: Sequence[str], after: datetime, until: datetime
) -> Sequence[Membership]:
    """Memberships in `statuses` that ended in (after, until], of members still in the workspace."""
    result = await session.scalars(
        select(Membership)
        .join(Member, Member.id == Membership.member_id)
        .where(
            Member.community_id == community_id,
            Member.left_at.is_(None),
            Membership.status.in_(statuses),
            Membership.ended_at.is_not(None),
            Membership.ended_at <= until,
            Membership.ended_at > after,
        )
        .order_by(Membership.id)
    )
    return result.all()


async def seats_taken(session: AsyncSession, community_id: int) -> int:
    """How many members hold a seat (an open membership that is paid, trialing, late or comped)."""
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


async def tier_by_key(session: AsyncSession, community_id: int, key: str) -> Tier | None:
    return await session.scalar(select(Tier).where(Tier.community_id == community_id, Tier.key == key))


async def default_tier(session: AsyncSession, community_id: int) -> Tier | None:
    return await session.scalar(
        select(Tier).where(Tier.community_id == community_id).order_by(Tier.is_default.desc(), Tier.id).limit(1)
    )


async def creators(session: AsyncSession, community_id: int) -> Sequence[Member]:
    """The creator accounts still in the workspace, oldest first (with their identities)."""
    result = await session.scalars(
        select(Member)
        .where(Member.community_id == community_id, Member.role == "creator", Member.left_at.is_(None))
        .order_by(Member.id)
    )
    return result.all()


async def member_named(session: AsyncSession, community_id: int, name: str) -> Member | None:
    """A member by display name, ignoring case."""
    return await session.scalar(
        select(Member).where(Member.community_id == community_id, func.lower(Member.display_name) == name.lower())
    )
