"""What a member has had from the membership: the numbers behind /me and the value recap."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Activity, ContentItem, FaqQuestion, OnboardingProgress, Referral, Rsvp

ANSWERED = ("answered", "resolved")  # answered by the bot, or by the creator after a follow-up


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
    """What the membership gave them; drops and answered questions count from `since` (their latest
    joining) to `until` (when that membership ended, for someone who left: what came later was not theirs)."""

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
        questions_answered=len(
            (await answered_questions(session, community_id, [member_id], since, until)).get(member_id, [])
        ),
        onboarding_done=await count(
            select(func.count()).select_from(OnboardingProgress).where(OnboardingProgress.member_id == member_id)
        ),
        referrals=await count(select(func.count()).select_from(Referral).where(Referral.referrer_id == member_id)),
    )


async def answered_questions(
    session: AsyncSession, community_id: int, member_ids: Sequence[int], start: datetime, end: datetime | None = None
) -> dict[int, list[datetime]]:
    """Per member, when each question of theirs that was answered was asked, in [start, end) (`end`
    None: up to now). The one rule behind "questions answered" in /me and in the monthly recap: a
    question asked before the membership began (on the waitlist, say) is not one the membership gave."""
    where = [
        FaqQuestion.community_id == community_id,
        FaqQuestion.member_id.in_(member_ids),
        FaqQuestion.status.in_(ANSWERED),
        FaqQuestion.asked_at >= start,
    ]
    if end is not None:
        where.append(FaqQuestion.asked_at < end)
    rows = await session.execute(select(FaqQuestion.member_id, FaqQuestion.asked_at).where(*where))
    asked: dict[int, list[datetime]] = {}
    for asker, at in rows.all():
        if asker is not None:
            asked.setdefault(int(asker), []).append(at)
    return asked
