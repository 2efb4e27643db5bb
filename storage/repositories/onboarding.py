"""Onboarding progress: which steps each member has had, and who is due for a step now."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from storage.models import Activity, Member, OnboardingProgress, Rsvp
from storage.repositories._upsert import insert_ignoring_conflicts


async def due_for_step(
    session: AsyncSession, community_id: int, step_id: str, joined_from: datetime, joined_until: datetime
) -> Sequence[Member]:
    """Members who joined in the window and have not had (or skipped) this step.

    The window keeps the scan proportional to the members actually due, not to everyone.
    """
    result = await session.scalars(
        select(Member)
        .where(
            Member.community_id == community_id,
            Member.role == "member",
            Member.left_at.is_(None),
            Member.joined_at > joined_from,
            Member.joined_at <= joined_until,
            ~exists().where(OnboardingProgress.member_id == Member.id, OnboardingProgress.step_id == step_id),
        )
        .options(selectinload(Member.identities))
        .order_by(Member.id)
    )
    return result.all()


async def mark(session: AsyncSession, member_id: int, step_id: str, outcome: str, now: datetime) -> bool:
    """Record a step's outcome once; False if it was already recorded."""
    statement = insert_ignoring_conflicts(
        session, OnboardingProgress, {"member_id": member_id, "step_id": step_id, "outcome": outcome, "at": now}
    )
    return (await session.execute(statement)).rowcount == 1


async def has_posted(session: AsyncSession, member_id: int) -> bool:
    return bool(await session.scalar(select(exists().where(Activity.member_id == member_id, Activity.kind == "message"))))


async def posted_among(session: AsyncSession, member_ids: Sequence[int]) -> set[int]:
    """Which of these members have posted a message (one query for a scan's whole batch)."""
    if not member_ids:
        return set()
    rows = await session.scalars(
        select(Activity.member_id).where(Activity.member_id.in_(member_ids), Activity.kind == "message").distinct()
    )
    return set(rows.all())


async def rsvped_among(session: AsyncSession, member_ids: Sequence[int]) -> set[int]:
    """Which of these members have RSVP'd to any live session."""
    if not member_ids:
        return set()
    return set((await session.scalars(select(Rsvp.member_id).where(Rsvp.member_id.in_(member_ids)).distinct())).all())


async def has_rsvped(session: AsyncSession, member_id: int) -> bool:
    return bool(await session.scalar(select(exists().where(Rsvp.member_id == member_id))))


async def steps_done(session: AsyncSession, member_id: int) -> int:
    rows = await session.scalars(select(OnboardingProgress.step_id).where(OnboardingProgress.member_id == member_id))
    return len(rows.all())
