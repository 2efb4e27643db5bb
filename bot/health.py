"""What GET /healthz reports: a real query to the database, the outbox's lag and its dead letters.

503 when the database does not answer (within a few seconds); 200 otherwise, with the lag (age of
the oldest row that is due but not delivered), the dead-letter count, and the Stripe events
waiting for a retry or given up on, for an operator or a monitor to act on.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from bot.clock import Clock
from storage.database import Database, describe_failure
from storage.repositories import health as repo
from storage.repositories import stripe_events

log = logging.getLogger(__name__)

CHECK_SECONDS = 5.0  # a database that takes longer than this to answer counts as down


class HealthCheck:
    def __init__(self, database: Database, clock: Clock, *, timeout: float = CHECK_SECONDS) -> None:
        self._database = database
        self._clock = clock
        self._timeout = timeout

    async def report(self) -> tuple[int, dict[str, Any]]:
        """The HTTP status and the JSON body."""
        now = self._clock.now()
        try:
            async with asyncio.timeout(self._timeout):
                async with self._database.session() as session:
                    await repo.ping(session)
                    outbox = await repo.outbox_health(session, now)
                    retrying, abandoned = await stripe_events.stuck(session)
        except TimeoutError:
            return 503, {"ok": False, "database": f"no answer within {self._timeout:g} s"}
        except Exception as exc:  # whatever the driver raises: the point is to say so, not to crash
            reason = describe_failure(exc, None) or type(exc).__name__
            log.warning("health check: database unreachable: %s", reason)
            return 503, {"ok": False, "database": reason}
        lag = (now - outbox.oldest_due).total_seconds() if outbox.oldest_due is not None else 0.0
        return 200, {
            "ok": True,
            "database": "ok",
            "outbox": {"lag_seconds": round(max(lag, 0.0), 3), "due": outbox.due, "dead_letters": outbox.dead},
            "stripe_events": {"retrying": retrying, "abandoned": abandoned},
        }
