"""What a member has had from the membership: the numbers behind /me and the value recap."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Activity, ContentItem, FaqQuestion, OnboardingProgress, Referral, Rsvp


@dataclass(frozen=True)
class Progress:
    drops_since_joining: int
    items_opened: int
    live_attended: int
    questions_answered: int
    onboarding_done: int
    referrals: int


async def for_member(
    session: AsyncSession, community_id: int, member_id: int, since: datetime, until: datetime | None = None
) -> Progress:
    """What the membership gave them; drops count from `since` (their latest joining) to `until`
    (when that membership ended, for someone who left: what came later was not theirs)."""

    async def count(statement: Select[Any]) -> int:
        return int(await session.scalar(statement) or 0)

    published = [ContentItem.community_id == community_id, ContentItem.published_at >= since]
    if until is not None:
        published.append(ContentItem.published_at < until)

    return Progress(
        drops_since_joining=await count(select(func.count()).select_from(ContentItem).where(*published)),
        items_opened=await count(
            select(func.count(func.distinct(Activity.ref))).where(
                Activity.member_id == member_id, Activity.kind == "library_open"
            )
        ),
        live_attended=await count(
            select(func.count()).select_from(Rsvp).where(Rsvp.member_id == member_id, Rsvp.attended.is_(True))
        ),
        questions_answered=await count(
            select(func.count())
            .select_from(FaqQuestion)
            .where(FaqQuestion.member_id == member_id, FaqQuestion.status.in_(("answered", "resolved")))
        ),
        onboarding_done=await count(
            select(func.count()).select_from(OnboardingProgress).where(OnboardingProgress.member_id == member_id)
        ),
        referrals=await count(select(func.count()).select_from(Referral).where(Referral.referrer_id == member_id)),
    )
