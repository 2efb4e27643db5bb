"""One delivery-worker process for the scale-out benchmark (not run by `make bench` directly).

`python benchmarks/_lib/worker_proc.py DATABASE_URL SCHEMA BASE_URL RATE BURST WORKSPACES BUDGET`: builds
the real DeliveryWorker (outbox claims with SKIP LOCKED on PostgreSQL) over RateLimitedPlatform,
paced at the adapter's full RATE/BURST by the limiter BUDGET names (`shared`: the app's
SharedRateLimiter, one budget per workspace in the database; `local`: this process's own
RateLimiter, as before issue 19), prints READY, waits for a line on stdin, then delivers
until nothing is pending or being sent, and prints its stats as JSON.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from sqlalchemy import text

from bot.clock import SystemClock
from bot.outbox import DeliveryPolicy, DeliveryWorker
from bot.send_budget import build_limiter
from bot.testing.rate_limited_platform import RateLimitedPlatform
from storage.database import Database

MAX_SECONDS = 90.0


async def main(
    url: str, schema: str, base_url: str, rate: float, burst: int, workspaces: tuple[str, ...], budget: str
) -> None:
    database = Database(url, schema=schema)
    platform = RateLimitedPlatform(base_url, workspaces=workspaces, sends_per_second=rate, burst=burst)
    clock = SystemClock()
    worker = DeliveryWorker(
        database,
        {platform.name: platform},
        clock,
        build_limiter(budget, database, clock),
        policy=DeliveryPolicy(batch=50),
        worker_id=f"bench-{os.getpid()}",
    )
    await platform.start(lambda event: asyncio.sleep(0))
    async with database.engine.connect() as conn:  # connect before the start line, not after
        await conn.execute(text("SELECT 1"))
    print("READY", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    start = time.perf_counter()
    claimed = 0
    while time.perf_counter() - start < MAX_SECONDS:
        got = await worker.run_once()
        claimed += got
        if got:
            continue
        async with database.engine.connect() as conn:
            left = await conn.scalar(text("SELECT count(*) FROM outbox WHERE status IN ('pending', 'sending')"))
        if not left:
            break
        await asyncio.sleep(0.05)
    elapsed = time.perf_counter() - start
    await platform.stop()
    await database.dispose()
    s = worker.stats
    print(
        json.dumps(
            {
                "claimed": claimed,
                "sent": s.sent,
                "rate_limited": s.rate_limited,
                "retried": s.retried,
                "dead": s.dead,
                "released": s.released,
                "seconds": round(elapsed, 2),
            }
        ),
        flush=True,
    )


if __name__ == "__main__":
    u, sc, b, r, bu, ws, budget = sys.argv[1:8]
    asyncio.run(main(u, sc, b, float(r), int(bu), tuple(ws.split(",")), budget))
