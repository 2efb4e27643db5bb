"""Billing's notices leave through the outbox, in the transaction that caused them: to a member or to the creators."""

from __future__ import annotations

from datetime import datetime

from bot.notices import Notice, Reader
from bot.outbox import Outbox
from bot.services.audience import dm_target
from bot.services.community import CommunityContext
from bot.services.presence import Presence
from bot.services.timing import member_zone, next_send_time
from storage.database import Session
from storage.models import Member
from storage.repositories import memberships


class Notifier:
    def __init__(self, outbox: Outbox, presence: Presence, community: CommunityContext) -> None:
        self._outbox = outbox
        self._presence = presence
        self._community = community

    def reader(self, member: Member) -> Reader:
        """Billing's notes read in the member's language; their dates in the community's zone (a
        deadline or a renewal is the community's, and billing has always shown it so)."""
        return Reader((member.locale, self._community.locale), self._community.tz.key)

    async def member(
        self,
        session: Session,
        member: Member,
        key: str,
        notice: Notice,
        *,
        not_before: datetime | None = None,
        timed: bool = False,
    ) -> bool:
        """DM the member once per `key`. False if already queued or they have no reachable account.

        `timed` messages (reminders, not answers to something they just did) wait out quiet hours
        in the member's time zone.
        """
        target = dm_target(member, self._presence)
        if target is None:
            return False
        if timed and not_before is not None:
            zone = member_zone(member.timezone, self._community.tz)
            not_before = next_send_time(not_before, zone=zone, quiet=self._community.config.quiet_hours)
        return await self._outbox.enqueue(
            session, key, target, notice, reader=self.reader(member), member_id=member.id, not_before=not_before
        )

    async def creators(self, session: Session, key: str, notice: Notice) -> int:
        """DM every creator account once per `key`; returns how many were newly queued."""
        sent = 0
        for creator in await memberships.creators(session, self._community.id):
            target = dm_target(creator, self._presence)
            if target is not None and await self._outbox.enqueue(
                session,
                f"{key}:creator:{creator.id}",
                target,
                notice,
                reader=self.reader(creator),
                member_id=creator.id,
            ):
                sent += 1
        return sent
