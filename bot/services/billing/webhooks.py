"""Stripe webhooks: verify and record every event once, answer fast, and process from the table.

`WebhookInbox.receive` is all the HTTP request does: check the signature, insert the
event (a repeated id changes nothing; one about a forgotten member is stored scrubbed), wake the worker. `EventProcessor` drains pending
rows: each subscription-related event is settled by re-reading the subscription.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

from bot.clock import Clock
from bot.services.billing.wire import StripePort, erasure_marks
from storage.database import Database
from storage.privacy import ERASED
from storage.repositories import erasures, stripe_events

log = logging.getLogger(__name__)

BATCH = 100
FIRST_RETRY = timedelta(seconds=5)
LONGEST_RETRY = timedelta(hours=1)
GIVE_UP_AFTER = timedelta(days=3)
"""Stripe itself retries a webhook for three days; an event that fails as long is abandoned (logged, counted in
/healthz); the daily reconciliation still brings each subscription in line."""


def retry_delay(attempts: int) -> timedelta:
    """5 s after the first failure, doubling, at most an hour: an outage is not hammered, and a
    failure no longer waits for the next webhook to be tried again."""
    return min(FIRST_RETRY * 2 ** min(max(attempts - 1, 0), 20), LONGEST_RETRY)  # 2**20 x 5 s: past any cap


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
    """Claims pending events (and failed ones whose retry time has come) in arrival order and handles each one."""

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
            rows = await stripe_events.to_process(session, self._clock.now(), BATCH)
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
            await self._failed(row_id, event_id, event_type, attempts + 1, exc)
            return False
        now: datetime = self._clock.now()
        async with self._database.session() as session:
            await stripe_events.finish(session, row_id, "processed", None, now)
        return True

    async def _failed(self, row_id: int, event_id: str, event_type: str, attempts: int, exc: Exception) -> None:
        """Kept with its error (the log names only the exception's type: its text may quote a customer)."""
        error, kind = f"{type(exc).__name__}: {exc}"[:300], type(exc).__name__
        now: datetime = self._clock.now()
        async with self._database.session() as session:
            received = await stripe_events.received_at(session, row_id)
            if received is not None and now - received >= GIVE_UP_AFTER:
                log.error("stripe event %s (%s) abandoned after %s attempts: %s", event_id, event_type, attempts, kind)
                await stripe_events.finish(session, row_id, "abandoned", error, now)
                return
            retry_at = now + retry_delay(attempts)
            log.warning("stripe event %s (%s) failed (%s), retried at %s", event_id, event_type, kind, retry_at)
            await stripe_events.finish(session, row_id, "failed", error, now, retry_at)
