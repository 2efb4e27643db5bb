"""Before money moves: yearly renewal reminders (with what the year brought), trial-ending notes, and
the end of trials the creator gave by hand."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from bot.notices.billing import RenewalComing, TrialEnding, TrialOver, YearInReview
from bot.services.billing import plans
from bot.services.billing.notify import Notifier
from bot.services.billing.subscriptions import epoch
from bot.services.community import CommunityContext
from storage.database import Database, Session
from storage.models import Membership
from storage.repositories import members, memberships, renewals

log = logging.getLogger(__name__)

RENEWAL_NOTICE = timedelta(days=7)
TRIAL_NOTICE = timedelta(days=3)


class RenewalService:
    def __init__(self, database: Database, community: CommunityContext, notify: Notifier) -> None:
        self._database = database
        self._community = community
        self._notify = notify

    async def upcoming_invoice(
        self, session: Session, subscription_id: str, renews_at: datetime | None, now: datetime
    ) -> bool:
        """A yearly member's renewal is coming: remind them 7 days before (or now, if later than that)."""
        membership = await memberships.by_subscription(session, subscription_id)
        if membership is None or membership.ended_at is not None or renews_at is None:
            return False
        plan = plans.by_key(self._community.config, membership.plan)
        if plan is None or plan.interval != "year" or membership.status not in ("active", "past_due"):
            return False
        member = await members.get(session, membership.member_id)
        if member is None:
            return False
        review = await self.year_in_review(session, member.id, renews_at - timedelta(days=365), now)
        return await self._notify.member(
            session,
            member,
            f"billing:{membership.id}:renewal:{renews_at.date().isoformat()}",
            RenewalComing(self._community.name, renews_at, review),
            not_before=max(now, renews_at - RENEWAL_NOTICE),
            timed=True,
        )

    async def trial_ending(self, session: Session, membership: Membership, trial_end: datetime | None) -> bool:
        if trial_end is None or membership.status != "trialing" or membership.ended_at is not None:
            return False
        member = await members.get(session, membership.member_id)
        if member is None:
            return False
        paid = membership.stripe_subscription_id is not None
        return await self._notify.member(
            session, member, f"billing:{membership.id}:trial-end:{epoch(trial_end)}", TrialEnding(trial_end, paid)
        )

    async def manual_trials(self, now: datetime) -> list[int]:
        """Trials given by hand: a note 3 days before the end, and at the end access goes (unless converted)."""
        ended: list[int] = []
        async with self._database.session() as session:
            for membership in await memberships.open_in(session, self._community.id, "trialing"):
                end = membership.current_period_end
                if membership.stripe_subscription_id is not None or end is None:
                    continue
                if now >= end:
                    membership.status, membership.ended_at = "expired", now
                    member = await members.get(session, membership.member_id)
                    if member is not None:
                        await self._notify.member(session, member, f"billing:{membership.id}:trial-over", TrialOver())
                    ended.append(membership.member_id)
                elif now >= end - TRIAL_NOTICE:
                    await self.trial_ending(session, membership, end)
        return ended

    async def year_in_review(self, session: Session, member_id: int, since: datetime, now: datetime) -> YearInReview:
        drops, lives, attended = await renewals.year_counts(session, self._community.id, member_id, since, now)
        return YearInReview(drops, lives, attended)
