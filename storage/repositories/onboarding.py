"""Onboarding progress: which steps each member has had, and who is due for a step now."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from sqlalchemy import String, cast, exists, literal, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from storage.models import Activity, Member, Membership, OnboardingProgress, OutboxMessage, Rsvp
from storage.repositories._upsert import affected, insert_ignoring_conflicts
from storage.repositories.members import current_members, grants_access

PUBLIC_WELCOME_KEY = "welcome-public:member:"  # + "{id}:{platform}:{workspace}", one post per workspace


async def due_for_steps(
    session: AsyncSession,
    community_id: int,
    windows: Mapping[str, tuple[datetime, datetime]],
    *,
    now: datetime,
    grace: timedelta,
) -> dict[str, list[tuple[Member, datetime]]]:
    """`due_for_step` for every step at once: step id -> (started_from, started_until). Two queries
    (the members who started within any window, then the steps they have had) instead of one per
    step on every drip run; each step's list is what `due_for_step` returns for it."""
    if not windows:
        return {}
    earliest = min(start for start, _ in windows.values())
    latest = max(until for _, until in windows.values())
    rows = (
        await session.execute(
            select(Member, Membership.started_at)
            .join(Membership, Membership.member_id == Member.id)
            .where(
                current_members(community_id, now, grace),
                grants_access(now, grace),
                Membership.started_at > earliest,
                Membership.started_at <= latest,
            )
            .options(selectinload(Member.identities))
            .order_by(Member.id, Membership.started_at)
        )
    ).all()
    had: set[tuple[int, str]] = set()
    if rows:
        ids = sorted({member.id for member, _ in rows})
        had = {
            (member_id, step_id)
            for member_id, step_id in await session.execute(
                select(OnboardingProgress.member_id, OnboardingProgress.step_id).where(
                    OnboardingProgress.member_id.in_(ids), OnboardingProgress.step_id.in_(list(windows))
                )
            )
        }
    due: dict[str, list[tuple[Member, datetime]]] = {}
    for step_id, (start, until) in windows.items():
        first: dict[int, tuple[Member, datetime]] = {}
        for member, started in rows:
            if start < started <= until and (member.id, step_id) not in had:
                first.setdefault(member.id, (member, started))  # two open memberships: the first one counts
        due[step_id] = list(first.values())
    return due


async def due_public_welcome(
    session: AsyncSession, community_id: int, started_from: datetime, *, now: datetime, grace: timedelta
) -> Sequence[Member]:
    """Members who became members since `started_from` and have not been greeted in public yet."""
    prefix = literal(PUBLIC_WELCOME_KEY) + cast(Member.id, String) + literal(":%")
    result = await session.scalars(
        select(Member)
        .where(
            current_members(community_id, now, grace),
            exists().where(
                Membership.member_id == Member.id, grants_access(now, grace), Membership.started_at > started_from
            ),
            ~exists().where(OutboxMessage.dedupe_key.like(prefix)),
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
    return affected(await session.execute(statement)) == 1


async def has_posted(session: AsyncSession, member_id: int) -> bool:
    return bool(
        await session.scalar(select(exists().where(Activity.member_id == member_id, Activity.kind == "message")))
    )


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
