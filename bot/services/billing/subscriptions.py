"""The state machine: a Stripe subscription's current state decides the membership, its messages and access.

Every webhook about a subscription is settled by re-reading the subscription from Stripe,
so events arriving late, twice or out of order all end in Stripe's current state.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from bot.community.schema import Plan
from bot.notices.billing import (
    CreatorDuplicateSubscription,
    CreatorMemberLeft,
    DuplicateSubscription,
    ExitSurvey,
    MembershipStarted,
    PaymentRecovered,
    SubscriptionPaused,
)
from bot.services.billing import plans
from bot.services.billing.doors import DoorsService
from bot.services.billing.notify import Notifier
from bot.services.billing.wire import CheckoutCompleted, SubscriptionSnapshot
from bot.services.community import CommunityContext
from storage.database import Session
from storage.models import Member, Membership
from storage.repositories import erasures, members, memberships

log = logging.getLogger(__name__)

LIVE = ("active", "trialing")
PAYING = ("active", "past_due")
HOLDING = ("active", "trialing", "past_due", "comped")
ENDED = ("canceled", "incomplete_expired")  # the subscription is over for good
STOPPED = ("canceled", "unpaid", "paused", "incomplete_expired")  # no access


@dataclass(frozen=True)
class SyncOutcome:
    member_id: int
    membership_id: int
    before: str | None
    after: str
    leaving: bool  # access ended because they left or stopped paying (kick if configured)
    seat_freed: bool


def epoch(when: datetime | None) -> int:
    return int(when.timestamp()) if when else 0


class SubscriptionSync:
    def __init__(self, community: CommunityContext, notify: Notifier, doors: DoorsService) -> None:
        self._community = community
        self._notify = notify
        self._doors = doors

    async def apply(
        self,
        session: Session,
        snapshot: SubscriptionSnapshot,
        now: datetime,
        *,
        checkout: CheckoutCompleted | None = None,
    ) -> SyncOutcome | None:
        """Bring the membership in line with `snapshot`, queueing what the change means to say."""
        if await self._erased(session, snapshot, checkout):
            log.info("subscription %s belongs to an erased member: ignored", snapshot.id)
            return None
        membership = await memberships.by_subscription(session, snapshot.id)
        member_id = membership.member_id if membership else await self._owner(session, snapshot, checkout)
        if member_id is None:
            log.warning("subscription %s belongs to no known member", snapshot.id)
            return None
        member = await members.get(session, member_id)
        if member is None or member.community_id != self._community.id:
            return None
        plan = plans.by_price(self._community.config, snapshot.price_id) or plans.by_key(
            self._community.config, snapshot.metadata.get("plan") or (checkout.plan if checkout else None)
        )
        if membership is None:
            if snapshot.status in ENDED:
                return None  # a subscription that ended before we ever saw it: nothing to take away
            membership = await self._attach(session, member_id, snapshot, plan, now)
            if membership is None:
                return None
        before = membership.status
        return await self._transition(session, member, membership, snapshot, plan, now, before)

    @staticmethod
    async def _erased(session: Session, snapshot: SubscriptionSnapshot, checkout: CheckoutCompleted | None) -> bool:
        """A forgotten member's subscription (or a late checkout of theirs) never links to anyone again."""
        member = checkout.member_id if checkout is not None and checkout.member_id is not None else snapshot.member_id
        marks = [
            ("customer", snapshot.customer),
            ("subscription", snapshot.id),
            ("member", str(member) if member else None),
        ]
        if checkout is not None:
            marks.append(("customer", checkout.customer))
        return await erasures.any_erased(session, marks)

    async def _owner(
        self, session: Session, snapshot: SubscriptionSnapshot, checkout: CheckoutCompleted | None
    ) -> int | None:
        if checkout is not None and checkout.member_id is not None:
            return checkout.member_id
        if snapshot.member_id is not None:
            return snapshot.member_id
        return await memberships.member_by_customer(session, snapshot.customer) if snapshot.customer else None

    async def _attach(
        self, session: Session, member_id: int, snapshot: SubscriptionSnapshot, plan: Plan | None, now: datetime
    ) -> Membership | None:
        """Link the subscription to the member's open membership (a trial or comp converts), or start one."""
        membership = await memberships.open_of(session, member_id)
        if membership is not None and membership.stripe_subscription_id not in (None, snapshot.id):
            if membership.status in LIVE and membership.stripe_subscription_id:
                await self._duplicate(session, member_id, membership.stripe_subscription_id, snapshot.id)
                return None
            log.warning("member %s has a second subscription %s; the newest one counts", member_id, snapshot.id)
            membership = None
        tier = await memberships.tier_by_key(session, self._community.id, plan.tier) if plan else None
        tier = tier or await memberships.default_tier(session, self._community.id)
        if tier is None:
            log.error("no tier to give subscription %s", snapshot.id)
            return None
        if membership is None:
            membership = await memberships.start(
                session, member_id=member_id, tier_id=tier.id, status="incomplete", started_at=now
            )
        else:
            membership.tier_id = tier.id
            membership.status = "converting"  # was comped or trialing by hand: not a paying status
        membership.stripe_subscription_id = snapshot.id
        membership.stripe_customer_id = snapshot.customer
        membership.founding = bool(plan and plan.founding) or snapshot.metadata.get("founding") == "1"
        return membership

    async def _duplicate(self, session: Session, member_id: int, kept: str, duplicate: str) -> None:
        """A second subscription while the first still runs (two checkout tabs): the member keeps one
        membership, and the creator is asked to cancel and refund the other; Stripe charges both until then."""
        member = await members.get(session, member_id)
        if member is None:
            return
        log.warning("member %s has a second running subscription %s; the creator is told", member_id, duplicate)
        key = f"billing:duplicate:{duplicate}"
        await self._notify.member(session, member, key, DuplicateSubscription(self._community.creator_name))
        await self._notify.creators(
            session, f"{key}:creator", CreatorDuplicateSubscription(member.display_name, kept, duplicate)
        )

    async def _transition(
        self,
        session: Session,
        member: Member,
        membership: Membership,
        snapshot: SubscriptionSnapshot,
        plan: Plan | None,
        now: datetime,
        before: str | None,
    ) -> SyncOutcome:
        after = snapshot.status
        had_seat = membership.ended_at is None and membership.status in HOLDING
        was_past_due_since = membership.past_due_since
        membership.status = after
        membership.current_period_end = snapshot.current_period_end or snapshot.trial_end
        if plan is not None:
            membership.plan = plan.key
            membership.founding = plan.founding  # switching to a regular plan gives up the founding price (and role)
        if snapshot.customer:
            membership.stripe_customer_id = snapshot.customer
        leaving = False
        key = f"billing:{membership.id}"
        if after in PAYING and membership.paying_since is None:
            trial_end = snapshot.trial_end
            membership.paying_since = trial_end if trial_end is not None and trial_end <= now else now
        if after in HOLDING:
            membership.lapsed_at = None  # resumed (a pause over, an unpaid invoice paid)
        if after == "past_due" and membership.past_due_since is None:
            membership.past_due_since = now  # the dunning job takes it from here
        elif after in LIVE:
            membership.past_due_since = None
            if was_past_due_since is not None:
                await self._notify.member(
                    session, member, f"{key}:recovered:{epoch(was_past_due_since)}", PaymentRecovered()
                )
            elif before not in LIVE:
                await self._notify.member(
                    session, member, f"{key}:started", MembershipStarted(self._community.name, after)
                )
                await self._doors.converted(session, member.id, now)
            if snapshot.cancel_at_period_end:
                await self._notify.member(session, member, f"{key}:exit", ExitSurvey())
        elif after in STOPPED and before not in STOPPED:
            leaving = after in ("canceled", "unpaid")
            if after in ENDED:
                membership.ended_at = now
            else:
                membership.lapsed_at = now  # unpaid or paused: may resume, so not ended
            if after == "paused":
                await self._notify.member(session, member, f"{key}:paused:{epoch(now)}", SubscriptionPaused())
            elif leaving:
                await self._notify.member(session, member, f"{key}:exit", ExitSurvey())
                await self._notify.creators(session, f"{key}:left", CreatorMemberLeft(member.display_name, after))
        seat_freed = had_seat and (membership.ended_at is not None or after not in HOLDING)
        log.info("subscription %s: %s -> %s (membership %s)", snapshot.id, before, after, membership.id)
        return SyncOutcome(member.id, membership.id, before, after, leaving, seat_freed)
