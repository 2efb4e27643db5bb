"""What most domain services are built from, so each service states only what is its own."""

from __future__ import annotations

from datetime import timedelta

from bot.clock import Clock
from bot.notices import Reader
from bot.outbox import Outbox
from bot.services.community import CommunityContext
from bot.services.presence import Presence
from bot.services.timing import member_zone
from storage.database import Database
from storage.models import Member
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

    def _public_reader(self) -> Reader:
        """A channel post reads in the community's language and zone."""
        return Reader((self._community.locale,), self._community.tz.key)
