"""The durable inbound queue the router records deliveries in (its `InboundLog` port).

A delivery is recorded before the platform is acknowledged and finished after its handler
ran; a delivery whose process died half-way is claimed again under a lease and replayed,
its replies going through the outbox (`QueuedReply`) since the interaction died too.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from bot.clock import Clock
from bot.events import ChannelRef, UserRef
from bot.outbox import Outbox
from bot.queued_reply import QueuedReply
from storage.database import Database
from storage.repositories import inbound
from storage.repositories.inbound import Unfinished


class InboundQueue:
    """Storage for the router's deliveries; the router knows events, this knows rows and leases."""

    def __init__(self, database: Database, outbox: Outbox, clock: Clock) -> None:
        self._database = database
        self._outbox = outbox
        self._clock = clock

    async def first_delivery(self, platform: str, key: str, payload: dict[str, Any], lease: timedelta) -> int | None:
        """Record a delivery to handle now; its row id, or None if it was delivered before.

        A repeat of a row still `pending` whose lease ran out (its process died before the
        end) is taken over instead: the caller handles it with this delivery's live responder.
        """
        now = self._clock.now()
        async with self._database.session() as session:
            row_id = await inbound.record(session, platform, key, payload, now, lease)
            if row_id is not None:
                return row_id
            existing = await inbound.find(session, platform, key)
            claimed = await inbound.claim(session, existing, now, lease) if existing is not None else None
            return claimed.id if claimed is not None else None

    async def unfinished(self, limit: int) -> Sequence[int]:
        """Ids of recorded deliveries whose handler's lease ran out, oldest first."""
        async with self._database.session() as session:
            return await inbound.unfinished(session, self._clock.now(), limit)

    async def claim(self, row_id: int, lease: timedelta) -> Unfinished | None:
        """Take over an unfinished delivery (None if another process took or finished it)."""
        async with self._database.session() as session:
            return await inbound.claim(session, row_id, self._clock.now(), lease)

    async def finish(self, row_id: int, *, status: str = "done") -> None:
        async with self._database.session() as session:
            await inbound.finish(session, row_id, self._clock.now(), status=status)

    def responder(self, row_id: int, user: UserRef, channel: ChannelRef | None) -> QueuedReply:
        """How a replayed delivery answers: through the outbox, once per reply."""
        return QueuedReply(self._database, self._outbox, row_id, user, channel)
