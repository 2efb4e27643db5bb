"""What most domain services are built from, so each service states only what is its own."""

from __future__ import annotations

from datetime import timedelta

from bot.clock import Clock
from bot.i18n import Catalog
from bot.outbox import Outbox
from bot.services.community import CommunityContext
from bot.services.presence import Presence
from storage.database import Database
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
        catalog: Catalog,
        *,
        grace: timedelta = DEFAULT_GRACE,
    ) -> None:
        self._database = database
        self._outbox = outbox
        self._clock = clock
        self._community = community
        self._presence = presence
        self._catalog = catalog
        self._grace = grace  # a late payer stays a member (and gets member messages) this long
