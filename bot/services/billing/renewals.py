"""Before money moves: yearly renewal reminders (with what the year brought), trial-ending notes, and
the end of trials the creator gave by hand."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.billing import plans, repo
from bot.services.billing.notify import Notifier
from bot.services.billing.subscriptions import epoch
from bot.services.community import CommunityContext
from bot.views import billing as views
from storage.database import Database
from storage.models import ContentItem, LiveSession, Member, Membership, Rsvp

log = logging.getLogger(__name__)

RENEWAL_NOTICE = timedelta(days=7)
TRIAL_NOTICE = timedelta(days=3)


@dataclass(frozen=True)
class YearInReview:
    drops: int
    live_sessions: int
    attended: int


class RenewalService:
    def __init__(self, database: Database, community: CommunityContext, notify: Notifier) -> None:
        self._database = database
        self._community = community
        self._notify = notify

    async def upcoming_invoice(self, session: AsyncSession, subscription_id: str, renews_at: datetime | None, now: datetime) -> bool:
        """A yearly member's renewal is coming: remind them 7 days before (or now, if later than that)."""
        membership = await repo.by_subscription(session, subscription_id)
        if membership is None or membership.ended_at is not None or renews_at is None:
            return False
        plan = plans.by_key(self._community.config, membership.plan)
        if plan is None or plan.interval != "year" or membership.status not in ("active", "past_due"):
            return False
        member = await repo.member(session, membership.member_id)
        if member is None:
            return False
        review = await self.year_in_review(session, member, renews_at - timedelta(days=365), now)
        zone = self._community.tz
        name = self._community.name
        return await self._notify.member(
            session,
            member,
            f"billing:{membership.id}:renewal:{renews_at.date().isoformat()}",
            lambda t: views.renewal_dm(name, renews_at, review, zone, t),
            not_before=max(now, renews_at - RENEWAL_NOTICE),
            timed=True,
        )

    async def trial_ending(self, session: AsyncSession, membership: Membership, trial_end: datetime | None) -> bool:
        if trial_end is None or membership.status != "trialing" or membership.ended_at is not None:
            return False
        member = await repo.member(session, membership.member_id)
        if member is None:
            return False
        paid = membership.stripe_subscription_id is not None
        zone = self._community.tz
        return await self._notify.member(
            session,
            member,
            f"billing:{membership.id}:trial-end:{epoch(trial_end)}",
            lambda t: views.trial_ending_dm(trial_end, zone, paid, t),
        )

    async def manual_trials(self, now: datetime) -> list[int]:
        """Trials given by hand: a note 3 days before the end, and at the end access goes (unless converted)."""
        ended: list[int] = []
        async with self._database.session() as session:
            for membership in await repo.memberships_in(session, self._community.id, "trialing"):
                end = membership.current_period_end
                if membership.stripe_subscription_id is not None or end is None:
                    continue
                if now >= end:
                    membership.status, membership.ended_at = "expired", now
                    member = await repo.member(session, membership.member_id)
                    if member is not None:
                        await self._notify.member(session, member, f"billing:{membership.id}:trial-over", views.trial_over_dm)
                    ended.append(membership.member_id)
                elif now >= end - TRIAL_NOTICE:
                    await self.trial_ending(session, membership, end)
        return ended

    async def year_in_review(self, session: AsyncSession, member: Member, since: datetime, now: datetime) -> YearInReview:
        cid = self._community.id
        drops = await session.scalar(
            select(func.count(ContentItem.id)).where(
                ContentItem.community_id == cid, ContentItem.published_at >= since, ContentItem.published_at <= now
            )
        )
        held = (
            select(LiveSession.id)
            .where(LiveSession.community_id == cid, LiveSession.status != "canceled")
            .where(LiveSession.starts_at >= since, LiveSession.starts_at <= now)
        )
        lives = await session.scalar(select(func.count()).select_from(held.subquery()))
        attended = await session.scalar(
            select(func.count(Rsvp.id)).where(Rsvp.member_id == member.id, Rsvp.attended.is_(True), Rsvp.session_id.in_(held))
        )
        return YearInReview(int(drops or 0), int(lives or 0), int(attended or 0))
