"""Activity ingestion: events committed per second and the latency a producer sees, with 64 concurrent
producers, SQLite and PostgreSQL, side by side:

- naive: one transaction per event (INSERT activity + UPDATE members.last_active_at + COMMIT), the
  app's path before group commit (`bot/services/activity.record` in a session of its own);
- group_commit: the app's path now, `MembershipService.touch` -> `ActivityLog` (each caller returns once
  the transaction carrying its event has committed; while one batch is written the next gathers).

Each phase runs PHASE_SECONDS over 2,000 members. One JSON line.
"""

from __future__ import annotations

import asyncio
import os
import random
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _lib import common
from _lib.synth import History, write
from sqlalchemy import text

MEMBERS = 2000
PHASE_SECONDS = 4.0
PRODUCERS = 64
TARGETS = {"sqlite": 5000, "postgresql": 3000}  # events/s (issue 19)
P99_TARGET_MS = 50.0
KINDS = ("message", "reaction", "command", "click")


def _latency(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    pick = lambda q: round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 1)  # noqa: E731
    return {"p50_ms": pick(0.5), "p99_ms": pick(0.99), "max_ms": round(ordered[-1] * 1000, 1)}


async def produce(record: Callable[[int, str], Awaitable[None]], ids: list[int]) -> dict[str, Any]:
    """PRODUCERS tasks recording events back to back for PHASE_SECONDS; rate and per-call latency."""
    rng = random.Random(1)
    latencies: list[float] = []
    end = time.perf_counter() + PHASE_SECONDS
    start = time.perf_counter()

    async def loop() -> None:
        while time.perf_counter() < end:
            began = time.perf_counter()
            await record(rng.choice(ids), rng.choice(KINDS))
            latencies.append(time.perf_counter() - began)

    await asyncio.gather(*(loop() for _ in range(PRODUCERS)))
    elapsed = time.perf_counter() - start
    return {"events": len(latencies), "per_s": round(len(latencies) / elapsed, 0), **_latency(latencies)}


async def one(kind: str, workdir: Path) -> dict[str, Any]:
    from due_scans import start_app  # the app without its jobs

    from bot.clock import SystemClock
    from bot.services import activity

    clock = SystemClock()
    async with common.migrated(kind, workdir, "ingest") as database:
        community_id = await common.import_sample(database, clock.now(), workdir)
        history = History(community_id, clock.now())
        for _ in range(MEMBERS):
            history.member(joined_at=clock.now() - timedelta(days=30), last_active_at=None, history=False)
        await write(database, history.rows)
        app = await start_app(database, workdir)
        try:
            ids = history.member_ids

            async def naive(member_id: int, what: str) -> None:
                async with database.session() as session:
                    await activity.record(session, member_id, what, clock.now())

            async def grouped(member_id: int, what: str) -> None:
                await app.services.membership.touch(member_id, what)

            result: dict[str, Any] = {"naive": await produce(naive, ids)}
            log = app.services.membership.activity_log
            before = log.batches
            result["group_commit"] = await produce(grouped, ids)
            result["group_commit"]["transactions"] = log.batches - before
            async with database.engine.connect() as conn:
                result["rows"] = int(await conn.scalar(text("SELECT count(*) FROM activity")))
        finally:
            await app.stop()
    naive_rate = result["naive"]["per_s"]
    result["speedup"] = round(result["group_commit"]["per_s"] / naive_rate, 1) if naive_rate else None
    target = TARGETS[kind]
    result["target"] = {"per_s": target, "p99_ms": P99_TARGET_MS}
    result["ok"] = result["group_commit"]["per_s"] >= target and result["group_commit"]["p99_ms"] <= P99_TARGET_MS
    return result


async def main() -> None:
    common.quiet_logs()
    kinds = ["sqlite"] + (["postgresql"] if await common.pg_reachable() else [])
    results: dict[str, Any] = {}
    with common.scratch_dir("ingest") as workdir:
        for kind in kinds:
            results[kind] = await one(kind, workdir)
    common.emit({"benchmark": "ingestion", "members": MEMBERS, **results, "loadavg_1m": round(os.getloadavg()[0], 1)})


if __name__ == "__main__":
    asyncio.run(main())
