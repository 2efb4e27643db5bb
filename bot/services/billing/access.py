"""Access follows the membership: which tiers a member should hold, and applying that on every platform.

Services never call platforms; the App hands this service the running platforms once
(`bind`). Access is always recomputed from the database, so applying it twice is harmless
and a failed call is put right by the next sync or the daily reconciliation.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.ports import AccessNotManageable, PermanentError, Platform, RemovesMembers
from bot.services.presence import Presence
from storage.database import Database
from storage.models import Membership
from storage.repositories import communities, members, memberships

log = logging.getLogger(__name__)

FOUNDING = "founding"
PAST_DUE = "past-due"
GRANTED = ("active", "trialing", "comped")
HOLDS_ACCESS = (*GRANTED, "past_due")  # past_due: during the grace period


def in_grace(membership: Membership, now: datetime, grace_days: int) -> bool:
    since = membership.past_due_since
    return membership.status == "past_due" and since is not None and now < since + timedelta(days=grace_days)


def has_access(membership: Membership | None, now: datetime, grace_days: int) -> bool:
    if membership is None or membership.ended_at is not None:
        return False
    return membership.status in GRANTED or in_grace(membership, now, grace_days)


@dataclass(frozen=True)
class AccessPlan:
    grant: frozenset[str]
    revoke: frozenset[str]


def plan_access(
    membership: Membership | None, tier: str | None, now: datetime, grace_days: int, tiers: Collection[str] = ()
) -> AccessPlan:
    """The tier keys (and the "founding" / "past-due" pseudo-tiers) to grant and to take away.

    `tiers` are all the community's tier keys: those other than the membership's are taken away,
    so a member moved from one tier to another does not keep the first one's role."""
    if membership is None or tier is None:
        return AccessPlan(frozenset(), frozenset())
    every = {tier, PAST_DUE, FOUNDING, *tiers}  # pseudo-tiers a platform does not use are ignored there
    if not has_access(membership, now, grace_days):
        return AccessPlan(frozenset(), frozenset(every))
    grant = {tier} | ({FOUNDING} if membership.founding else set())
    if membership.status == "past_due":
        grant.add(PAST_DUE)
    return AccessPlan(frozenset(grant), frozenset(every - grant))


@dataclass(frozen=True)
class AccessProblem:
    """A platform said the bot cannot manage a tier; the creator is told how to fix it."""

    platform: str
    tier: str
    fix: str


class AccessService:
    def __init__(self, database: Database, presence: Presence, *, grace_days: int, revoke_mode: str) -> None:
        self._database = database
        self._presence = presence
        self._grace_days = grace_days
        self._revoke_mode = revoke_mode
        self._platforms: Mapping[str, Platform] = {}

    def bind(self, platforms: Mapping[str, Platform]) -> None:
        self._platforms = platforms

    @property
    def grace_days(self) -> int:
        return self._grace_days

    async def sync_member(self, member_id: int, now: datetime, *, leaving: bool = False) -> list[AccessProblem]:
        """Make every linked account match the membership; `leaving` also kicks when configured to."""
        async with self._database.session() as session:
            found = await memberships.latest(session, member_id)
            member = await members.get(session, member_id)
            keys = [t.key for t in await communities.tiers(session, member.community_id)] if member else []
        if member is None:
            return []
        membership, tier = found if found else (None, None)
        plan = plan_access(membership, tier.key if tier else None, now, self._grace_days, keys)
        problems: list[AccessProblem] = []
        spaces = set(self._presence.spaces)
        for identity in member.identities:
            platform = self._platforms.get(identity.platform)
            if platform is None or (identity.platform, identity.workspace_id) not in spaces:
                continue
            for key in sorted(plan.grant):
                await self._change(platform, identity.workspace_id, identity.user_id, key, True, problems)
            for key in sorted(plan.revoke):
                await self._change(platform, identity.workspace_id, identity.user_id, key, False, problems)
            if leaving and plan.revoke and not plan.grant and self._revoke_mode == "kick":
                await self._kick(platform, identity.workspace_id, identity.user_id)
        return problems

    async def _change(
        self, platform: Platform, workspace: str, user: str, key: str, grant: bool, problems: list[AccessProblem]
    ) -> None:
        try:
            if grant:
                await platform.grant_access(workspace, user, key)
            else:
                await platform.revoke_access(workspace, user, key)
        except AccessNotManageable as exc:
            problems.append(AccessProblem(platform.name, key, exc.fix))
            log.warning("cannot manage tier %s on %s", key, platform.name)
        except PermanentError as exc:
            log.warning("access change for tier %s on %s failed: %s", key, platform.name, type(exc).__name__)

    async def _kick(self, platform: Platform, workspace: str, user: str) -> None:
        if not isinstance(platform, RemovesMembers):
            log.info("%s cannot remove members; roles were taken away instead", platform.name)
            return
        try:
            await platform.remove_member(workspace, user)
        except PermanentError as exc:
            log.warning("removing a member on %s failed: %s", platform.name, type(exc).__name__)
