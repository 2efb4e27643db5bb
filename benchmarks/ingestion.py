"""Activity ingestion: events recorded per second, one commit per event vs batched, SQLite and PostgreSQL.

- per_event: the app's path today, MembershipService.touch (bot/services/activity.record in
  a transaction of its own: INSERT activity + UPDATE members.last_active_at + COMMIT), awaited
  one after another, and CONCURRENCY at a time (as interactions arrive together);
- batched: benchmarks/_lib/activity_batcher.py (buffer; one transaction per 200 ms or 2,000
  events: a multi-row INSERT plus one UPDATE per member touched), EVENTS events recorded
  then flushed; the rate counts until the last is committed.
Over 2,000 members; each phase is bounded in time. One JSON line.
"""

from __future__ import annotations

import asyncio
import os
import random
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _lib import common
from _lib.activity_batcher import ActivityBatcher
from _lib.synth import History, write
from sqlalchemy import text

MEMBERS = 2000
PER_EVENT_SECONDS = 4.0
CONCURRENCY = 8
EVENTS = 50_000
KINDS = ("message", "reaction", "command", "click")


async def per_event(services: Any, ids: list[int], concurrency: int) -> dict[str, Any]:
    rng = random.Random(1)
    done = 0
    end = time.perf_counter() + PER_EVENT_SECONDS
    start = time.perf_counter()

    async def loop() -> None:
        nonlocal done
        while time.perf_counter() < end:
            await services.membership.touch(rng.choice(ids), rng.choice(KINDS), None)
            done += 1

    await asyncio.gather(*(loop() for _ in range(concurrency)))
    elapsed = time.perf_counter() - start
    return {"events": done, "per_s": round(done / elapsed, 0)}


async def batched(database: Any, clock: Any, ids: list[int]) -> dict[str, Any]:
    rng = random.Random(2)
    batcher = ActivityBatcher(database)
    batcher.start()
    start = time.perf_counter()
    for i in range(EVENTS):
        batcher.record(rng.choice(ids), rng.choice(KINDS), clock.now())
        if i % 500 == 499:
            await asyncio.sleep(0)  # events arrive from handlers, the writer runs in between
    await batcher.stop()
    elapsed = time.perf_counter() - start
    return {"events": batcher.written, "per_s": round(batcher.written / elapsed, 0), "transactions": batcher.batches}


async def one(kind: str, workdir: Path) -> dict[str, Any]:
    from due_scans import start_app  # the app without its jobs

    from bot.clock import SystemClock

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
            result = {
                "per_event_sequential": await per_event(app.services, ids, 1),
                f"per_event_{CONCURRENCY}_concurrent": await per_event(app.services, ids, CONCURRENCY),
                "batched": await batched(database, clock, ids),
            }
            async with database.engine.connect() as conn:
                result["rows"] = int(await conn.scalar(text("SELECT count(*) FROM activity")))
        finally:
            await app.stop()
    best_single = max(result["per_event_sequential"]["per_s"], result[f"per_event_{CONCURRENCY}_concurrent"]["per_s"])
    result["speedup"] = round(result["batched"]["per_s"] / best_single, 1) if best_single else None
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
