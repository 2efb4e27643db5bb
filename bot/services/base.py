"""What most domain services are built from, so each service states only what is its own."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from bot.clock import Clock
from bot.notices import Notice, Reader
from bot.outbox import Outbox
from bot.services.audience import dm_target
from bot.services.community import CommunityContext
from bot.services.presence import Presence
from bot.services.timing import member_zone
from storage.database import Database, Session
from storage.models import Member
from storage.repositories import memberships
from storage.repositories.members import DEFAULT_GRACE


class DomainService:
    """Storage, the outbox, time, the community, where it lives now, its words, and who counts as a member."""

    def __init__(
        self,
        database: Database,
        outbox: Outbox,
        clock: Clock,
        community: CommunityContext,
        presence: Presence,
        *,
        grace: timedelta = DEFAULT_GRACE,
    ) -> None:
        self._database = database
        self._outbox = outbox
        self._clock = clock
        self._community = community
        self._presence = presence
        self._grace = grace  # a late payer stays a member (and gets member messages) this long

    def _reader(self, member: Member) -> Reader:
        """A member reads in their own language and zone, falling back to the community's."""
        return Reader((member.locale, self._community.locale), member_zone(member.timezone, self._community.tz).key)

    async def _tell_creators(
        self,
        session: Session,
        key: str,
        notice: Notice,
        *,
        not_before: Callable[[Member], datetime | None] | None = None,
    ) -> int:
        """DM `notice` to each creator account on a running platform, once each (outbox key
        `<key>:creator:<id>`), in their language and the community's time zone. How many were queued."""
        queued = 0
        for creator in await memberships.creators(session, self._community.id):
            target = dm_target(creator, self._presence)
            if target is None:
                continue
            queued += await self._outbox.enqueue(
                session,
                f"{key}:creator:{creator.id}",
                target,
                notice,
                reader=Reader((creator.locale, self._community.locale), self._community.tz.key),
                member_id=creator.id,
                not_before=not_before(creator) if not_before is not None else None,
            )
        return queued

    def _public_reader(self) -> Reader:
        """A channel post reads in the community's language and zone."""
        return Reader((self._community.locale,), self._community.tz.key)
