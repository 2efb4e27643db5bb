"""Referrals: each member's personal code, who came through whose code, and when it was credited."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Member, Membership, Referral, ReferralCode
from storage.repositories._upsert import insert_ignoring_conflicts


async def code_of(session: AsyncSession, member_id: int) -> str | None:
    return await session.scalar(select(ReferralCode.code).where(ReferralCode.member_id == member_id))


async def claim_code(session: AsyncSession, member_id: int, code: str, at: datetime) -> None:
    """Give the member `code` unless they have one or someone else holds it (then nothing happens)."""
    values = {"member_id": member_id, "code": code, "created_at": at}
    await session.execute(insert_ignoring_conflicts(session, ReferralCode, values))


async def code_owner(session: AsyncSession, community_id: int, code: str) -> int | None:
    """The member (of this community) whose personal code is `code`."""
    return await session.scalar(
        select(ReferralCode.member_id)
        .join(Member, Member.id == ReferralCode.member_id)
        .where(ReferralCode.code == code, Member.community_id == community_id)
    )


async def counts(session: AsyncSession, referrer_id: int) -> tuple[int, int]:
    """(credited, all) referrals of one member."""
    row = (
        await session.execute(
            select(func.count(Referral.credited_at), func.count(Referral.id)).where(Referral.referrer_id == referrer_id)
        )
    ).one()
    return row[0], row[1]


async def add(session: AsyncSession, referrer_id: int, referred_id: int, at: datetime) -> Referral | None:
    """Record the referral unless the member was referred before (the first code used keeps it);
    returns the member's referral either way."""
    values = {"referrer_id": referrer_id, "referred_id": referred_id, "created_at": at}
    await session.execute(insert_ignoring_conflicts(session, Referral, values))
    return await session.scalar(select(Referral).where(Referral.referred_id == referred_id))


async def due_for_credit(session: AsyncSession, community_id: int, paying: Sequence[str]) -> Sequence[Referral]:
    """Uncredited referrals of this community whose friend now holds a membership in a `paying` status."""
    result = await session.scalars(
        select(Referral)
        .join(Member, Member.id == Referral.referrer_id)
        .where(
            Member.community_id == community_id,
            Referral.credited_at.is_(None),
            Referral.referred_id.in_(
                select(Membership.member_id).where(Membership.ended_at.is_(None), Membership.status.in_(paying))
            ),
        )
        .order_by(Referral.id)
    )
    return result.all()


async def mark_credited(session: AsyncSession, referral_id: int, at: datetime) -> bool:
    """Credit the referral in one guarded UPDATE; False if someone credited it first."""
    done = await session.execute(
        update(Referral)
        .where(Referral.id == referral_id, Referral.credited_at.is_(None))
        .values(credited_at=at)
        .execution_options(synchronize_session=False)
    )
    return cast("CursorResult[Any]", done).rowcount == 1


async def leaderboard(session: AsyncSession, community_id: int, limit: int) -> Sequence[tuple[int, str, int, int]]:
    """(member id, name, credited, all referrals): most credited first; on a tie, whoever got there first."""
    credited = func.count(Referral.credited_at)
    last = func.max(Referral.credited_at)
    rows = await session.execute(
        select(Member.id, Member.display_name, credited, func.count(Referral.id))
        .join(Referral, Referral.referrer_id == Member.id)
        .where(Member.community_id == community_id)
        .group_by(Member.id, Member.display_name)
        .order_by(credited.desc(), last.asc().nulls_last(), Member.display_name, Member.id)
        .limit(limit)
    )
    return [(member_id, name, done, total) for member_id, name, done, total in rows.all()]
