"""Members: who they are across platforms, joining and leaving, the welcome, and membership status."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.clock import Clock
from bot.events import UserRef
from bot.messages import Target
from bot.notices import Reader
from bot.notices.membership import Welcome
from bot.outbox import Outbox
from bot.services import activity
from bot.services.activity_log import ActivityLog
from bot.services.billing.access import HOLDS_ACCESS, has_access
from bot.services.community import CommunityContext
from bot.services.errors import UserError
from bot.services.experiments.picker import VariantPicker
from bot.untrusted import plain_name
from storage.database import Database, Session
from storage.models import Member, Membership
from storage.repositories import communities, content, members, memberships

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MemberSummary:
    """What an operator sees per member (`membot members list`)."""

    id: int
    name: str
    identities: tuple[str, ...]
    role: str
    status: str
    tier: str | None
    level: int | None
    joined: str
    subscription: str | None = None  # the Stripe subscription's status; None when granted by hand
    access: bool = False  # whether the membership gives access now (past_due: only within the grace period)
    plan: str | None = None
    founding: bool = False

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "name": self.name,
            "identities": list(self.identities),
            "role": self.role,
            "status": self.status,
            "tier": self.tier,
            "level": self.level,
            "joined": self.joined,
            "subscription": self.subscription,
            "access": self.access,
            "plan": self.plan,
            "founding": self.founding,
        }


class MembershipService:
    def __init__(
        self,
        database: Database,
        outbox: Outbox,
        clock: Clock,
        community: CommunityContext,
        *,
        activity_log: ActivityLog | None = None,
    ) -> None:
        self._database = database
        self._outbox = outbox
        self._clock = clock
        self._community = community
        self._activity = activity_log or ActivityLog(database)  # group commit: one transaction for many events

    @property
    def activity_log(self) -> ActivityLog:
        return self._activity

    async def identify(self, user: UserRef) -> Member:
        """The member behind this account, registering them (without a welcome) if new.

        Two first events for a new account can arrive at once (a join and a command); one
        registers them and the other, losing the race on the unique identity, re-reads.
        """
        try:
            return await self._identify(user)
        except members.IdentityTaken:
            log.info("%s:%s was registered by a concurrent event; reading it", user.platform, user.user_id)
            return await self._identify(user)

    async def _identify(self, user: UserRef) -> Member:
        async with self._database.session() as session:
            member, _ = await self._get_or_create(session, user)
            return member

    async def know_creators(self, spaces: Sequence[tuple[str, str]]) -> int:
        """Register the creator accounts `community.toml` names in each workspace the bot runs in (`spaces`:
        platform, workspace), before they first write: what the bot tells the creator (a new member's
        answers, the FAQ inbox, a drop slot running dry) reaches them from the start. Returns how many
        were new. Their name is the creator's name from `community.toml` until the platform gives theirs."""
        new = 0
        identities = self._community.config.creator.identities
        for identity in identities:
            platform, *rest = identity.split(":")
            workspace, user_id = (rest[0], rest[1]) if len(rest) == 2 else (None, rest[0])
            for where, space in spaces:
                user = UserRef(platform, space, user_id, display_name=self._community.creator_name)
                if where == platform and workspace in (None, space) and await self.find(user) is None:
                    await self.identify(user)
                    new += 1
        for platform in sorted({where for where, _ in spaces} - {i.split(":")[0] for i in identities}):
            log.warning(
                'community.toml names no creator account on %s: add "%s:<your user id>" to [creator] identities,'
                " or what the bot tells the creator there waits until they first write to it",
                platform,
                platform,
            )
        return new

    async def find(self, user: UserRef) -> Member | None:
        async with self._database.session() as session:
            return await members.by_identity(session, user.platform, user.workspace_id, user.user_id)

    async def touch(self, member_id: int, kind: str, ref: str | None = None) -> None:
        """Record that the member did something (it feeds engagement, nudges and win-backs); returns once it
        is committed, in a transaction shared with whatever else arrived meanwhile."""
        activity.check_kind(kind)
        await self._activity.record(member_id, kind, self._clock.now(), ref)

    async def joined(self, user: UserRef) -> Member:
        """A person arrived: register them and queue their welcome DM (once, whatever retries happen).

        Arriving is not joining: the public welcome waits until they become a member
        (bot.services.onboarding.OnboardingService.welcome_new_members).
        """
        try:
            return await self._joined(user)
        except members.IdentityTaken:
            return await self._joined(user)  # a concurrent event registered them: now they exist

    async def _joined(self, user: UserRef) -> Member:
        async with self._database.session() as session:
            member, _ = await self._get_or_create(session, user)
            if member.left_at is not None:
                member.left_at = None
                await members.wake_nudges(session, member.id)  # back: check-ins may be due again
            if member.role == "member":
                await self._queue_welcome(session, member, user)
            return member

    async def left(self, user: UserRef) -> Member | None:
        async with self._database.session() as session:
            member = await members.by_identity(session, user.platform, user.workspace_id, user.user_id)
            if member is not None and member.left_at is None:
                member.left_at = self._clock.now()
            return member

    async def activate(
        self, member_id: int, *, plan: str | None = None, status: str = "active", convert_trial: bool = False
    ) -> Membership:
        """Give a member access to the default tier (used when billing is not set up); with
        `convert_trial`, a trial given by hand becomes that membership (its end date goes)."""
        async with self._database.session() as session:
            current = await members.current_membership(session, member_id)
            if current is not None:
                membership, _ = current
                if convert_trial and membership.status == "trialing":
                    membership.current_period_end = None
                elif membership.status in ("active", "trialing", "comped"):
                    raise UserError("membership.already_member")
                membership.status = status
                return membership
            tier = await communities.default_tier(session, self._community.id)
            if tier is None:
                raise UserError("membership.no_tier")
            return await memberships.start(
                session, member_id=member_id, tier_id=tier.id, status=status, plan=plan, started_at=self._clock.now()
            )

    async def summaries(self) -> Sequence[MemberSummary]:
        async with self._database.session() as session:
            return await list_summaries(session, self._community.id)

    async def _get_or_create(self, session: Session, user: UserRef) -> tuple[Member, bool]:
        member = await members.by_identity(session, user.platform, user.workspace_id, user.user_id)
        if member is not None:
            if member.display_name == user.user_id and _shown(user):
                member.display_name = _shown(user)  # first seen without a name (its id stood in)
            return member, False
        member = await members.create(
            session,
            community_id=self._community.id,
            display_name=_shown(user) or user.user_id,
            platform=user.platform,
            workspace_id=user.workspace_id,
            user_id=user.user_id,
            now=self._clock.now(),
            role=self._community.role_of(user),
            locale=user.locale,
        )
        return member, True

    async def _queue_welcome(self, session: Session, member: Member, user: UserRef) -> None:
        upcoming = await content.to_be_posted(session, self._community.id, self._clock.now(), limit=1)
        # The creator's team reads the usual welcome and stays out of the experiment's figures.
        picker = VariantPicker(self._community)
        variant = (
            await picker.choose(session, "welcome", member.id, self._clock.now()) if member.role == "member" else None
        )
        notice = Welcome(
            name=member.display_name,
            community=self._community.name,
            creator=self._community.creator_name,
            next_drop=upcoming[0].publish_at if upcoming else None,
            weekly=tuple(dict.fromkeys(slot.kind for slot in self._community.config.drops.slots)),
            body=variant.text if variant is not None else "",
        )
        # In the community's zone, as the welcome has always named the next drop (a newcomer has set none yet).
        reader = Reader((member.locale, self._community.locale), self._community.tz.key)
        await self._outbox.enqueue(
            session,
            f"welcome:member:{member.id}",
            Target(user.platform, user.workspace_id, user_id=user.user_id),
            notice,
            reader=reader,
            member_id=member.id,
        )
        # No public greeting here: it names people when they become members (OnboardingService).


async def list_summaries(
    session: Session, community_id: int, *, now: datetime | None = None, grace_days: int | None = None
) -> list[MemberSummary]:
    """One summary per member. Without `now` and `grace_days`, a late payment counts as access (the grace period)."""
    summaries = []
    for member in await members.list_all(session, community_id):
        current = await members.current_membership(session, member.id)
        last = current or await memberships.latest(session, member.id)
        # an ex-member shows how their last membership ended (canceled, expired, unpaid), not "none"
        status = last[0].status if last else ("left" if member.left_at else "none")
        summaries.append(
            MemberSummary(
                id=member.id,
                name=member.display_name,
                identities=tuple(f"{i.platform}:{i.workspace_id}:{i.user_id}" for i in member.identities),
                role=member.role,
                status=status,
                tier=last[1].key if last else None,  # an ex-member's: the tier they had
                level=member.level,
                joined=member.joined_at.isoformat(),
                subscription=current[0].status if current and current[0].stripe_subscription_id else None,
                access=_has_access(current[0] if current else None, now, grace_days),
                plan=last[0].plan if last else None,
                founding=bool(current and current[0].founding),
            )
        )
    return summaries


def _has_access(membership: Membership | None, now: datetime | None, grace_days: int | None) -> bool:
    if now is None or grace_days is None:
        return membership is not None and membership.ended_at is None and membership.status in HOLDS_ACCESS
    return has_access(membership, now, grace_days)


def _shown(user: UserRef) -> str:
    """The name to show for `user`: without bidirectional controls (a right-to-left override in a name
    would flip the rest of every post and DM that names them) or invisible characters (the creator
    could not type the name to find them), at most 100 characters."""
    return plain_name(user.display_name or "")[:100]
