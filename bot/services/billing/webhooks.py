"""Stripe webhooks: verify and record every event once, answer fast, and process from the table.

`WebhookInbox.receive` is all the HTTP request does: check the signature, insert the
event (a repeated id changes nothing; one about a forgotten member is stored scrubbed), wake the worker. `EventProcessor` drains pending
rows: each subscription-related event is settled by re-reading the subscription.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime
from typing import Any

from bot.clock import Clock
from bot.services.billing.wire import StripePort, erasure_marks
from storage.database import Database
from storage.privacy import ERASED
from storage.repositories import erasures, stripe_events

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 10
BATCH = 100

EventHandler = Callable[[str, Mapping[str, Any]], Awaitable[None]]


class WebhookInbox:
    def __init__(self, database: Database, clock: Clock, stripe: StripePort) -> None:
        self._database = database
        self._clock = clock
        self._stripe = stripe
        self._wake = asyncio.Event()

    async def receive(self, payload: bytes, signature: str | None) -> bool:
        """Verify and record one delivery. True if the event is new. Raises `wire.WebhookRejected`."""
        event = self._stripe.verify_webhook(payload, signature)
        values = {
            "event_id": str(event["id"])[:80],
            "type": str(event["type"])[:80],
            "payload": dict(event),
            "received_at": self._clock.now(),
            "status": "pending",
            "attempts": 0,
        }
        async with self._database.session() as session:
            if await erasures.any_erased(session, erasure_marks(event)):
                # About a member who was forgotten: kept (so a retry stays a no-op) without its contents.
                values.update(payload={"erased": ERASED}, status="erased", processed_at=values["received_at"])
            new = await stripe_events.record(session, values)
        log.info("stripe event %s (%s) %s", values["event_id"], values["type"], "recorded" if new else "repeated")
        if new and values["status"] == "pending":
            self._wake.set()
        return new

    async def wait(self, seconds: float) -> None:
        """Until an event arrives or `seconds` pass; `asyncio.timeout` keeps cancellation intact on 3.11."""
        try:
            async with asyncio.timeout(seconds):
                await self._wake.wait()
        except TimeoutError:
            pass
        self._wake.clear()


class EventProcessor:
    """Claims pending (or failed, up to MAX_ATTEMPTS) events in arrival order and handles each one."""

    def __init__(self, database: Database, clock: Clock, handle: EventHandler) -> None:
        self._database = database
        self._clock = clock
        self._handle = handle
        self._draining = asyncio.Lock()  # the worker and the job never drain side by side in one process

    async def process_pending(self) -> int:
        async with self._draining:
            return await self._drain()

    async def _drain(self) -> int:
        done = 0
        async with self._database.session() as session:
            rows = await stripe_events.to_process(session, MAX_ATTEMPTS, BATCH)
        for row_id, attempts in rows:
            if await self._process(row_id, attempts):
                done += 1
        return done

    async def _process(self, row_id: int, attempts: int) -> bool:
        async with self._database.session() as session:
            claimed = await stripe_events.claim(session, row_id, attempts)
        if claimed is None:
            return False  # another worker took it
        event_id, event_type, payload = claimed
        try:
            await self._handle(event_type, payload)
        except Exception as exc:  # recorded and retried; never lose an event to a bug or an outage
            log.warning("stripe event %s (%s) failed: %s", event_id, event_type, type(exc).__name__)
            await self._finish(row_id, "failed", f"{type(exc).__name__}: {exc}"[:300])
            return False
        await self._finish(row_id, "processed", None)
        return True

    async def _finish(self, row_id: int, status: str, error: str | None) -> None:
        now: datetime = self._clock.now()
        async with self._database.session() as session:
            await stripe_events.finish(session, row_id, status, error, now)
