"""The persistent outbox: how every message leaves, exactly once.

Services call `Outbox.enqueue` inside the transaction that made the change, with a
dedupe key naming the reason. The `DeliveryWorker` claims due rows under a lease, sends
them through the platform adapter at the pace the limiter allows, and records the
outcome. The one window for a duplicate is a crash after the platform accepted a
message and before `mark_sent` commits; it is kept to a single small UPDATE.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections import defaultdict
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.messages import DeliveryKey, OutboundMessage, Target
from bot.notices import Notice, Reader, Render
from bot.ports import PermanentError, Platform, RateLimited
from bot.ratelimit import SendPacer
from storage.database import Database
from storage.models import OutboxMessage
from storage.repositories import outbox as repo

log = logging.getLogger(__name__)

MAX_BACKOFF = timedelta(minutes=30)
RowUpdate = Callable[..., Awaitable[None]]  # a repository function that records how a claimed row ended


# A message as `Outbox.enqueue_many` takes it: (dedupe key, target, message, member id, not before).
Outgoing = tuple[str, Target, OutboundMessage, int | None, datetime | None]


class Outbox:
    """Writes outgoing messages into the outbox table.

    Services hand it either a finished `OutboundMessage` or a `Notice` plus the `Reader` it
    is for; a notice is rendered here, through the views the composition root passed in, so
    the stored payload is what the reader will see.
    """

    def __init__(self, clock: Clock, render: Render | None = None) -> None:
        self._clock = clock
        self._render = render
        self._wake = asyncio.Event()
        self.enqueued = 0  # rows queued by this process so far: a walk of the clock skips idle deliveries

    def render(self, notice: Notice, reader: Reader) -> OutboundMessage:
        """The message `notice` becomes for `reader` (for fan-outs that render once per language)."""
        if self._render is None:
            raise TypeError("this outbox was built without views, so it cannot render notices")
        return self._render(notice, reader)

    async def enqueue(
        self,
        session: AsyncSession,
        key: str,
        target: Target,
        message: OutboundMessage | Notice,
        *,
        reader: Reader | None = None,
        member_id: int | None = None,
        not_before: datetime | None = None,
    ) -> bool:
        """Queue `message` for `target` unless `key` was queued before. True if newly queued.

        A `Notice` needs its `reader` (whose language and time zone it is worded in)."""
        if isinstance(message, Notice):
            if reader is None:
                raise TypeError(f"{type(message).__name__} needs a reader to be worded for")
            message = self.render(message, reader)
        added = await repo.enqueue(
            session,
            dedupe_key=key,
            platform=target.platform,
            workspace_id=target.workspace_id,
            target=target.address(),
            payload=message.to_dict(),
            now=self._clock.now(),
            not_before=not_before,
            member_id=member_id,
        )
        if added:
            self.enqueued += 1
            self._wake.set()
        return added

    async def enqueue_many(
        self,
        session: AsyncSession,
        messages: Sequence[Outgoing],
    ) -> None:
        """`enqueue` for a fan-out, in one statement: (key, target, message, member_id, not_before) each.
        Keys queued before are skipped. Far cheaper than one INSERT per member, and it holds the
        (SQLite) write lock for a fraction of the time."""
        if not messages:
            return
        payloads: dict[int, dict[str, object]] = {}  # one serialisation per distinct message object
        rows = [
            {
                "dedupe_key": key,
                "platform": target.platform,
                "workspace_id": target.workspace_id,
                "target": target.address(),
                "payload": payloads.setdefault(id(message), message.to_dict()),
                "member_id": member_id,
                "not_before": not_before,
            }
            for key, target, message, member_id, not_before in messages
        ]
        await repo.enqueue_many(session, rows, now=self._clock.now())
        self.enqueued += len(rows)
        self._wake.set()

    def wake(self) -> None:
        """Wake a worker waiting for work (to see that it is asked to stop)."""
        self._wake.set()

    async def wait_for_work(self, timeout: float) -> None:
        """Return when something was enqueued in this process, or after `timeout` seconds.

        `asyncio.timeout`, not `wait_for`: on Python 3.11 `wait_for` can swallow a cancellation
        that arrives as the event is set, and the worker would then never stop.
        """
        try:
            async with asyncio.timeout(timeout):
                await self._wake.wait()
        except TimeoutError:
            pass
        self._wake.clear()


@dataclass
class DeliveryStats:
    sent: int = 0
    retried: int = 0
    rate_limited: int = 0
    dead: int = 0
    released: int = 0  # rows handed back because their lease ran out while waiting for the budget


@dataclass(frozen=True)
class DeliveryPolicy:
    batch: int = 50
    lease: timedelta = timedelta(seconds=60)
    max_attempts: int = 8
    base_backoff: timedelta = timedelta(seconds=2)


class DeliveryWorker:
    """Claims due outbox rows and sends them; several workers may run against one PostgreSQL."""

    def __init__(
        self,
        database: Database,
        platforms: Mapping[str, Platform],
        clock: Clock,
        limiter: SendPacer,
        *,
        policy: DeliveryPolicy = DeliveryPolicy(),
        worker_id: str | None = None,
    ) -> None:
        self._database = database
        self._platforms = platforms
        self._clock = clock
        self._limiter = limiter
        self._policy = policy
        self.worker_id = worker_id or f"worker-{uuid.uuid4().hex[:8]}"
        self.stats = DeliveryStats()
        self._configured: set[tuple[str, str]] = set()

    async def run_once(self) -> int:
        """Claim one batch and deliver it. Returns how many rows were claimed."""
        async with self._database.session() as session:
            rows = await repo.claim_due(
                session,
                now=self._clock.now(),
                worker_id=self.worker_id,
                lease=self._policy.lease,
                limit=self.claim_limit(),
                platforms=tuple(self._platforms),
            )
        if not rows:
            return 0
        by_key: dict[tuple[str, str], list[OutboxMessage]] = defaultdict(list)
        for row in rows:
            by_key[(row.platform, row.workspace_id)].append(row)
        await asyncio.gather(*(self._deliver_in_order(key, group) for key, group in by_key.items()))
        return len(rows)

    def claim_limit(self) -> int:
        """At most what the slowest platform can send in half a lease.

        A batch that takes longer than its lease to send (Slack's 1 message a second, 50
        rows, a 429 on top) would be reclaimed by another worker while still being sent.
        """
        slowest = min((p.capabilities.sends_per_second for p in self._platforms.values()), default=1.0)
        in_half_a_lease = int(slowest * self._policy.lease.total_seconds() / 2)
        return max(1, min(self._policy.batch, in_half_a_lease))

    async def next_due(self) -> datetime | None:
        """When the next row becomes deliverable by this worker (None: no row waits)."""
        async with self._database.session() as session:
            return await repo.next_due(session, tuple(self._platforms))

    async def drain(self, max_batches: int = 10_000) -> int:
        """Deliver until nothing is due now. Used by tests, the console and shutdown."""
        total = 0
        for _ in range(max_batches):
            claimed = await self.run_once()
            if not claimed:
                break
            total += claimed
        return total

    async def run(self, outbox: Outbox, poll_seconds: float, until: asyncio.Event | None = None) -> None:
        """Deliver until `until` is set (then `outbox.wake()`); wake early when this process enqueues something.

        Set, it lets the round in flight finish (see `App.stop`): a message cancelled between the
        platform's send and the row's update would wait for its lease and a retry, and a database
        connection cancelled mid-rollback is logged as an error."""
        while until is None or not until.is_set():
            try:
                claimed = await self.run_once()
            except Exception:  # keep delivering after a database hiccup
                log.exception("delivery round failed")
                claimed = 0
            if not claimed:
                await outbox.wait_for_work(poll_seconds)

    async def _deliver_in_order(self, key: tuple[str, str], rows: Sequence[OutboxMessage]) -> None:
        platform = self._platforms[key[0]]
        if key not in self._configured:
            caps = platform.capabilities
            self._limiter.configure(key, rate=caps.sends_per_second, burst=caps.burst)
            self._configured.add(key)
        for i, row in enumerate(rows):
            await self._deliver(key, platform, row, upcoming=len(rows) - i)

    async def _deliver(self, key: tuple[str, str], platform: Platform, row: OutboxMessage, *, upcoming: int) -> None:
        target = Target(platform=row.platform, workspace_id=row.workspace_id, **row.target)
        message = OutboundMessage.from_dict(row.payload)
        await self._limiter.acquire(key, upcoming)
        if self._lease_runs_out(row):
            # Other workers took the shared budget for longer than this row's lease: another
            # worker may claim it now, so sending it here could send it twice. Hand it back.
            self.stats.released += 1
            await self._finish(repo.reschedule, row, at=self._clock.now(), error="lease ran out", count_attempt=False)
            return
        try:
            if message.attachment is not None:
                file = message.attachment
                sent = await platform.upload_file(target, file.filename, file.data, message.text)
            else:
                # A row claimed before (a crash or a timeout after sending) may be on the platform already.
                delivery = DeliveryKey(row.dedupe_key, retry=row.attempts > 1, since=row.created_at)
                sent = await platform.send(target, message, delivery=delivery)
        except RateLimited as exc:
            self.stats.rate_limited += 1
            await self._limiter.penalise(key, exc.retry_after)
            await self._finish(
                repo.reschedule,
                row,
                at=self._clock.now() + timedelta(seconds=exc.retry_after),
                error=f"rate limited for {exc.retry_after:.1f}s",
                count_attempt=False,
            )
        except PermanentError as exc:
            self.stats.dead += 1
            log.warning("outbox row %s dead: %s", row.id, type(exc).__name__)
            await self._finish(repo.mark_dead, row, error=f"{type(exc).__name__}: {exc}")
        except Exception as exc:  # transient by default: a bug must not drop messages silently
            await self._retry_or_bury(row, exc)
        else:
            self.stats.sent += 1
            # Recorded before this lane sends anything else: a crash can then repeat at most the
            # one message in flight (the window measured in docs/reliability.md). Overlapping the
            # record with the next send was faster but doubled the duplicates per crash.
            await asyncio.shield(
                self._finish(repo.mark_sent, row, now=self._clock.now(), platform_message_id=sent.message_id)
            )

    def _lease_runs_out(self, row: OutboxMessage) -> bool:
        """Too little of the lease is left to send and record the row (a tenth of the lease)."""
        if row.lease_until is None:
            return False
        return self._clock.now() >= row.lease_until - self._policy.lease / 10

    async def _retry_or_bury(self, row: OutboxMessage, exc: Exception) -> None:
        error = f"{type(exc).__name__}: {exc}"
        if row.attempts >= self._policy.max_attempts:
            self.stats.dead += 1
            log.error("outbox row %s dead after %d attempts: %s", row.id, row.attempts, type(exc).__name__)
            await self._finish(repo.mark_dead, row, error=error)
            return
        self.stats.retried += 1
        await self._finish(repo.reschedule, row, at=self._clock.now() + self.backoff(row), error=error)

    def backoff(self, row: OutboxMessage) -> timedelta:
        """Exponential, capped, with a per-row jitter of up to 20% so retries do not stampede."""
        delay = self._policy.base_backoff * (2 ** max(0, row.attempts - 1))
        jitter = 1.0 + ((row.id * 2654435761) % 1000) / 5000
        return min(delay * jitter, MAX_BACKOFF)

    async def _finish(self, update: RowUpdate, row: OutboxMessage, **values: Any) -> None:
        async with self._database.session() as session:
            await update(session, row.id, worker_id=self.worker_id, **values)
