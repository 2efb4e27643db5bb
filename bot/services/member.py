"""A member's own page (/me, and the home tab): where they stand and what the membership gave them."""

from __future__ import annotations

from bot.notices.member import MemberPage, Progress, Standing
from bot.services.community import CommunityContext
from bot.services.engagement.common import tenure_starts
from storage.database import Database
from storage.models import Membership, Tier
from storage.repositories import members, memberships, progress


class MemberPages:
    def __init__(self, database: Database, community: CommunityContext) -> None:
        self._database = database
        self._community = community

    async def me(self, member_id: int) -> MemberPage:
        """What /me shows: status, level, how long, onboarding, and what they had from the membership."""
        async with self._database.session() as session:
            member = await members.get(session, member_id)
            assert member is not None, "the router identified them"
            # A member who left and came back counts from their return, as their milestones do.
            since = (await tenure_starts(session, [member_id])).get(member_id, member.joined_at)
            found = await memberships.latest(session, member_id)
            until = found[0].ended_at if found is not None else None
            numbers = await progress.for_member(session, self._community.id, member_id, since, until)
            standing = _standing(found)
        onboarding = self._community.config.onboarding
        return MemberPage(
            name=member.display_name,
            level=member.level,
            joined_at=since,
            standing=standing,
            progress=Progress(
                drops_since_joining=numbers.drops_since_joining,
                items_opened=numbers.items_opened,
                live_attended=numbers.live_attended,
                questions_answered=numbers.questions_answered,
                onboarding_done=numbers.onboarding_done,
                referrals=numbers.referrals,
            ),
            steps_total=len(onboarding.steps) + (1 if onboarding.quick_win else 0),
        )

    async def standing(self, member_id: int) -> Standing:
        """Their current membership's status and tier; "ended" when they had one before, else "none"."""
        async with self._database.session() as session:
            return _standing(await memberships.latest(session, member_id))


def _standing(found: tuple[Membership, Tier] | None) -> Standing:
    """From their latest membership (the open one, else the last ended)."""
    if found is None:
        return Standing("none")
    membership, tier = found
    return Standing(membership.status, tier.name) if membership.ended_at is None else Standing("ended")
