"""What most domain services are built from, so each service states only what is its own."""

from __future__ import annotations

from bot.clock import Clock
from bot.i18n import Catalog
from bot.outbox import Outbox
from bot.services.community import CommunityContext
from bot.services.presence import Presence
from storage.database import Database


class DomainService:
    """Storage, the outbox, time, the community, where it lives now, and its words."""

    def __init__(
        self,
        database: Database,
        outbox: Outbox,
        clock: Clock,
        community: CommunityContext,
        presence: Presence,
        catalog: Catalog,
    ) -> None:
        self._database = database
        self._outbox = outbox
        self._clock = clock
        self._community = community
        self._presence = presence
        self._catalog = catalog
