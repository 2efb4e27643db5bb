"""Memberships the creator grants by hand: comped (no end) or a trial of N days that ends unless converted."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.notices.billing import CreatorMemberLeft, ExitSurvey, MembershipGranted, MembershipRow
from bot.services.billing.notify import Notifier
from bot.services.community import CommunityContext
from bot.services.errors import UserError
from bot.services.parsing import whole
from bot.untrusted import plain_name
from storage.database import Database, Session
from storage.models import Membership, Tier
from storage.repositories import members, memberships

log = logging.getLogger(__name__)

MAX_TRIAL_DAYS = 365
LIST_LIMIT = 50
MENTION = re.compile(r"^<@!?([^>|]+)(\|[^>]*)?>$")


@dataclass(frozen=True)
class Grant:
    mode: str  # comped | trial
    tier: str | None
    days: int = 0


@dataclass(frozen=True)
class MemberRef:
    """A member the creator named, as the reply needs them."""

    id: int
    name: str


def parse_grant(words: Sequence[str], tiers: Sequence[str], plans: Mapping[str, str] | None = None) -> Grant:
    """`[tier] [comped|trial DAYS]` in any order; a plan's key (`plans`: plan -> tier) names its tier."""
    tier: str | None = None
    mode, days = "comped", 0
    rest = list(words)
    while rest:
        word = rest.pop(0).lower()
        if word in tiers or word in (plans or {}):
            tier = word if word in tiers else (plans or {})[word]
        elif word == "comped":
            mode = "comped"
        elif word == "trial":
            if not rest or not rest[0].isdigit() or not 1 <= int(rest[0]) <= MAX_TRIAL_DAYS:
                raise UserError("billing.errors.trial_days", max=MAX_TRIAL_DAYS)
            mode, days = "trial", int(rest.pop(0))
        else:
            raise UserError("billing.errors.grant_word", word=word[:40], tiers=", ".join(tiers))
    return Grant(mode, tier, days)


class ManualMemberships:
    def __init__(self, database: Database, community: CommunityContext, notify: Notifier) -> None:
        self._database = database
        self._community = community
        self._notify = notify

    async def find(self, platform: str, workspace_id: str, ref: str, *, numbered: bool = False) -> MemberRef:
        """A member named by mention (`<@U1>`), `@user_id`, user id or display name; with `numbered`,
        first by the member number `/member show` prints (`2` or `#2`)."""
        user_id = plain_name(MENTION.sub(r"\1", ref.strip()).lstrip("@"))  # as names are stored
        number = whole(ref.strip().removeprefix("#"), 1) if numbered else None
        async with self._database.session() as session:
            member = await members.get(session, number) if number is not None else None
            if member is None or member.community_id != self._community.id:
                member = await members.by_identity(session, platform, workspace_id, user_id)
            if member is None:
                member = await memberships.member_named(session, self._community.id, user_id)
            if member is None:
                raise UserError("billing.errors.unknown_member", value=ref.strip()[:60])
            return MemberRef(member.id, member.display_name)

    async def add(self, member_id: int, grant: Grant, now: datetime) -> Membership:
        async with self._database.session() as session:
            tier = await self._tier(session, grant.tier)
            granted = await members.get(session, member_id)
            if granted is not None and granted.role == "creator":
                raise UserError("billing.errors.creator_not_member", name=granted.display_name)
            membership = await memberships.open_of(session, member_id)
            if membership is not None and _paid_through_stripe(membership):
                raise UserError("billing.errors.has_subscription")
            same = membership is not None and (membership.status, membership.tier_id) == ("comped", tier.id)
            if same and grant.mode != "trial":  # the same grant again: nothing changes, and they are not told twice
                member = await members.get(session, member_id)
                raise UserError(
                    "billing.errors.already_comped", name=member.display_name if member else "?", tier=tier.name
                )
            if membership is None or membership.stripe_subscription_id:
                membership = await memberships.start(
                    session, member_id=member_id, tier_id=tier.id, status="comped", started_at=now
                )
            membership.tier_id = tier.id
            membership.stripe_subscription_id = None
            membership.past_due_since = None
            if grant.mode == "trial":
                membership.status, membership.current_period_end = "trialing", now + timedelta(days=grant.days)
            else:
                membership.status, membership.current_period_end = "comped", None
            member = await members.get(session, member_id)
            if member is not None:
                notice = MembershipGranted(self._community.name, tier.name, grant.mode, membership.current_period_end)
                await self._notify.member(
                    session, member, f"billing:{membership.id}:granted:{grant.mode}:{int(now.timestamp())}", notice
                )
            log.info("membership %s granted by hand (%s)", membership.id, grant.mode)
            return membership

    async def remove(self, member_id: int, now: datetime) -> None:
        async with self._database.session() as session:
            membership = await memberships.open_of(session, member_id)
            if membership is None:
                raise UserError("billing.errors.not_a_member")
            if _paid_through_stripe(membership):
                raise UserError("billing.errors.cancel_in_stripe")
            membership.status, membership.ended_at, membership.ended_by = "canceled", now, "creator"
            log.info("membership %s ended by hand", membership.id)

    async def how_to_leave(self, member_id: int) -> str:
        """How this member can end their membership: "none" (they have none), "stripe" (a subscription:
        in the billing portal, which ends it at the period's end), or "here" (by hand, ended at once)."""
        async with self._database.session() as session:
            membership = await memberships.open_of(session, member_id)
        if membership is None:
            return "none"
        return "stripe" if membership.stripe_subscription_id else "here"

    async def leave(self, member_id: int, now: datetime) -> bool:
        """The member ends their membership by hand: at once, with the exit survey, and the creator hears.
        False when there was nothing to end (a second click)."""
        async with self._database.session() as session:
            membership = await memberships.open_of(session, member_id)
            member = await members.get(session, member_id)
            if membership is None or member is None:
                return False
            if membership.stripe_subscription_id:
                raise UserError("membership.leave.in_stripe")
            membership.status, membership.ended_at = "canceled", now
            key = f"billing:{membership.id}"
            await self._notify.member(session, member, f"{key}:exit", ExitSurvey())
            await self._notify.creators(session, f"{key}:left", CreatorMemberLeft(member.display_name, "canceled"))
            log.info("membership %s ended by the member", membership.id)
            return True

    async def rows(self) -> Sequence[MembershipRow]:
        async with self._database.session() as session:
            listing = await memberships.open_listing(session, self._community.id, LIST_LIMIT)
            return [
                MembershipRow(
                    member.id,
                    member.display_name,
                    m.status,
                    tier.key,
                    m.plan,
                    m.founding,
                    m.past_due_since if m.status == "past_due" else m.current_period_end,
                    bool(m.stripe_subscription_id),
                )
                for m, tier, member in listing
            ]

    async def _tier(self, session: Session, key: str | None) -> Tier:
        cid = self._community.id
        tier = await (memberships.tier_by_key(session, cid, key) if key else memberships.default_tier(session, cid))
        if tier is None:
            raise UserError("membership.no_tier")
        return tier


def _paid_through_stripe(membership: Membership) -> bool:
    """A running Stripe subscription: it is ended in Stripe (access follows), never by hand."""
    return bool(membership.stripe_subscription_id) and membership.status in ("active", "trialing", "past_due")
