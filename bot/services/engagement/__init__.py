"""Engagement: inactivity nudges and win-backs, milestones, and the monthly value recap."""

from __future__ import annotations

from datetime import timedelta

from bot.clock import Clock
from bot.outbox import Outbox
from bot.services.community import CommunityContext
from bot.services.engagement.common import Reach
from bot.services.engagement.milestones import MilestoneService
from bot.services.engagement.nudges import NudgeService, WinBack
from bot.services.engagement.policy import NudgePolicy, NudgeStage
from bot.services.engagement.recap import RecapService
from bot.services.presence import Presence
from storage.database import Database
from storage.repositories import members


class EngagementService:
    """One handle for the engagement features; each scan is its own service."""

    def __init__(
        self,
        database: Database,
        outbox: Outbox,
        clock: Clock,
        community: CommunityContext,
        presence: Presence,
        *,
        policy: NudgePolicy | None = None,
        grace: timedelta = members.DEFAULT_GRACE,
    ) -> None:
        self._reach = Reach(database, outbox, clock, community, presence, grace)
        self.nudges = NudgeService(self._reach, policy)
        self.milestones = MilestoneService(self._reach)
        self.recap = RecapService(self._reach)

    @property
    def grace(self) -> timedelta:
        """How long a late payment keeps someone a member (billing's grace period)."""
        return self._reach.grace

    async def set_nudges(self, member_id: int, on: bool) -> None:
        """The member's choice to get (or stop) inactivity check-ins."""
        async with self._reach.database.session() as session:
            prefs = await members.preferences(session, member_id)
            prefs.nudges = on
            if on:
                await members.wake_nudges(session, member_id)


__all__ = ["EngagementService", "NudgePolicy", "NudgeStage", "WinBack"]
