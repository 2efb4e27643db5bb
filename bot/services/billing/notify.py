"""Billing's messages leave through the outbox, in the transaction that caused them: to a member or to the creators."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import Catalog, Translator
from bot.messages import OutboundMessage
from bot.outbox import Outbox
from bot.services.audience import dm_target
from bot.services.billing import repo
from bot.services.community import CommunityContext
from bot.services.presence import Presence
from bot.services.timing import member_zone, next_send_time
from storage.models import Member

Build = Callable[[Translator], OutboundMessage]


class Notifier:
    def __init__(self, outbox: Outbox, presence: Presence, catalog: Catalog, community: CommunityContext) -> None:
        self._outbox = outbox
        self._presence = presence
        self._catalog = catalog
        self._community = community

    def t_for(self, member: Member) -> Translator:
        return self._catalog.for_locale(member.locale, self._community.locale)

    async def member(
        self,
        session: AsyncSession,
        member: Member,
        key: str,
        build: Build,
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
            session, key, target, build(self.t_for(member)), member_id=member.id, not_before=not_before
        )

    async def creators(self, session: AsyncSession, key: str, build: Build) -> int:
        """DM every creator account once per `key`; returns how many were newly queued."""
        sent = 0
        for creator in await repo.creators(session, self._community.id):
            target = dm_target(creator, self._presence)
            if target is not None and await self._outbox.enqueue(
                session, f"{key}:creator:{creator.id}", target, build(self.t_for(creator)), member_id=creator.id
            ):
                sent += 1
        return sent
