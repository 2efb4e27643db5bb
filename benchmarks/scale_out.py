"""Scale-out: 1, 2 and 4 delivery workers as separate processes on PostgreSQL, 4 workspaces.

The fake platform (its own process) limits each of W1..W4 to RATE/s (burst BURST). For each
worker count n, MESSAGES pending outbox rows (spread over the four workspaces) are written,
then n processes of benchmarks/_lib/worker_proc.py (the real DeliveryWorker: SKIP LOCKED
claims, leases, per-workspace RateLimiter) deliver them. Processes do not share a limiter,
so each paces every workspace at RATE/n (burst BURST/n): together they stay within the
limit. Reported per n: messages per second (server-side, first to last accepted),
429s, duplicates and lost (target: throughput grows with n; duplicates 0, lost 0).
Skipped (ok: null) when PostgreSQL is unreachable. One JSON line.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _lib import common
from sqlalchemy import text

WORKSPACES = ("W1", "W2", "W3", "W4")
RATE, BURST = 250.0, 20
MESSAGES = int(os.environ.get("BENCH_SCALE_MESSAGES", "4000"))
WORKERS = (1, 2, 4)


async def fill(database: Any, n: int) -> None:
    """MESSAGES pending rows, due now, round-robin over the workspaces."""
    from bot.messages import text_message

    now = datetime.now(UTC)
    payload = json.dumps(text_message("This week's drop is out").to_dict())
    rows = [
        (
            f"bench:{n}:{i}",
            "ratelimited",
            WORKSPACES[i % len(WORKSPACES)],
            json.dumps({"user_id": f"U{i:08d}"}),
            payload,
            "pending",
            0,
            now,
            now,
        )
        for i in range(MESSAGES)
    ]
    async with database.engine.begin() as conn:
        await conn.execute(text("DELETE FROM outbox"))
        raw = (await conn.get_raw_connection()).driver_connection
        await raw.copy_records_to_table(
            "outbox",
            records=rows,
            schema_name=common.schema_of(database),
            columns=[
                "dedupe_key",
                "platform",
                "workspace_id",
                "target",
                "payload",
                "status",
                "attempts",
                "next_attempt_at",
                "created_at",
            ],
        )


async def run(database: Any, server: common.FakePlatformProcess, n: int) -> dict[str, Any]:
    await fill(database, n)
    await server.reset()
    procs = [
        subprocess.Popen(
            [
                common.PYTHON,
                str(Path(__file__).parent / "_lib" / "worker_proc.py"),
                common.PG_URL,
                str(common.schema_of(database)),
                server.base_url,
                str(RATE / n),
                str(max(1, BURST // n)),
                ",".join(WORKSPACES),
            ],
            cwd=common.REPO,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        for _ in range(n)
    ]
    try:
        for p in procs:
            assert p.stdout is not None and p.stdout.readline().strip() == b"READY"
        for p in procs:  # go, all at once
            assert p.stdin is not None
            p.stdin.write(b"go\n")
            p.stdin.flush()
        stats = [json.loads(p.stdout.readline()) for p in procs if p.stdout is not None]
        for p in procs:
            p.wait(30)
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
    server_stats = await server.stats()
    oks = [w for w in server_stats["workspaces"].values() if w["ok"]]
    span = max(w["last_ok"] for w in oks) - min(w["first_ok"] for w in oks) if oks else 0.0
    async with database.engine.connect() as conn:
        counts = dict((await conn.execute(text("SELECT status, count(*) FROM outbox GROUP BY status"))).all())
    return {
        "workers": n,
        "messages": MESSAGES,
        "seconds": round(span, 2),
        "per_s": round(server_stats["ok"] / span, 1) if span else None,
        "429s": server_stats["429"],
        "duplicates": server_stats["duplicates"],
        "lost": MESSAGES - server_stats["distinct"],
        "outbox": {k: int(v) for k, v in counts.items()},
        "per_worker_sent": [s["sent"] for s in stats],
    }


async def main() -> None:
    common.quiet_logs()
    if not await common.pg_reachable():
        common.emit({"benchmark": "scale_out", "skipped": "PostgreSQL unreachable", "ok": None})
        return
    results = []
    with common.scratch_dir("scale") as workdir, common.FakePlatformProcess(RATE, BURST) as server:
        async with common.migrated("postgresql", workdir) as database:
            for n in WORKERS:
                results.append(await run(database, server, n))
                print(f"scale_out: {results[-1]}", file=sys.stderr, flush=True)
    rates = [r["per_s"] or 0.0 for r in results]
    grows = all(b > a for a, b in itertools.pairwise(rates))
    clean = all(r["duplicates"] == 0 and r["lost"] == 0 for r in results)
    common.emit(
        {
            "benchmark": "scale_out",
            "database": "postgresql",
            "workspaces": len(WORKSPACES),
            "limit": {"per_s_per_workspace": RATE, "burst": BURST, "allowed_total_per_s": RATE * len(WORKSPACES)},
            "runs": results,
            "throughput_grows": grows,
            "ok": grows and clean,
            "nproc": os.cpu_count(),
            "loadavg_1m": round(os.getloadavg()[0], 1),
        }
    )


if __name__ == "__main__":
    asyncio.run(main())
