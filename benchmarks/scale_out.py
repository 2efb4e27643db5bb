"""Scale-out: 1, 2 and 4 delivery workers as separate processes on PostgreSQL, 4 workspaces.

A fake platform (its own process) limits each of W1..W4 to a rate and a burst. For each
worker count n, pending outbox rows spread over the four workspaces are written, then n
processes of benchmarks/_lib/worker_proc.py (the real DeliveryWorker: SKIP LOCKED claims,
leases) deliver them, each pacing at the platform's full limit:
- `shared`: the app's limiter on PostgreSQL (bot/send_budget.py): one budget row per
  workspace that every process reserves its sends from;
- `naive`: each process its own limiter (what the app did before), side by side.
Two limits: one that a single process can reach (all counts must deliver >= 0.9 of it with
no 429), and one above a single process's capacity (throughput must grow from 1 to 2).
Reported per run: messages per second (server-side, first to last accepted), 429s,
duplicates and lost (target 0 and 0). Skipped (ok: null) when PostgreSQL is unreachable.
One JSON line.
"""

from __future__ import annotations

import asyncio
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
REACHABLE = {"rate": 50.0, "burst": 10, "messages": int(os.environ.get("BENCH_SCALE_MESSAGES", "2000"))}
ABOVE_ONE = {"rate": 1000.0, "burst": 50, "messages": int(os.environ.get("BENCH_SCALE_MESSAGES_HIGH", "4000"))}
TARGET_SHARE = 0.9


async def fill(database: Any, tag: str, messages: int) -> None:
    """`messages` pending rows, due now, round-robin over the workspaces; a fresh budget."""
    from bot.messages import text_message

    now = datetime.now(UTC)
    payload = json.dumps(text_message("This week's drop is out").to_dict())
    rows = [
        (
            f"bench:{tag}:{i}",
            "ratelimited",
            WORKSPACES[i % len(WORKSPACES)],
            json.dumps({"user_id": f"U{i:08d}"}),
            payload,
            "pending",
            0,
            now,
            now,
        )
        for i in range(messages)
    ]
    async with database.engine.begin() as conn:
        await conn.execute(text("DELETE FROM outbox"))
        await conn.execute(text("DELETE FROM send_budgets"))
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


async def run(database: Any, server: common.FakePlatformProcess, n: int, budget: str, messages: int) -> dict[str, Any]:
    await fill(database, f"{budget}:{n}:{server.rate}", messages)
    await server.reset()
    procs = [
        subprocess.Popen(
            [
                common.PYTHON,
                str(Path(__file__).parent / "_lib" / "worker_proc.py"),
                common.PG_URL,
                str(common.schema_of(database)),
                server.base_url,
                str(server.rate),
                str(server.burst),
                ",".join(WORKSPACES),
                budget,
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
        counts = {
            row[0]: int(row[1])
            for row in await conn.execute(text("SELECT status, count(*) FROM outbox GROUP BY status"))
        }
    allowed = server.rate * len(WORKSPACES)
    per_s = server_stats["ok"] / span if span else 0.0
    return {
        "budget": budget,
        "workers": n,
        "messages": messages,
        "seconds": round(span, 2),
        "per_s": round(per_s, 1),
        "of_allowed": round(per_s / allowed, 3),
        "429s": server_stats["429"],
        "duplicates": server_stats["duplicates"],
        "lost": messages - server_stats["distinct"],
        "outbox": counts,
        "per_worker_sent": [s["sent"] for s in stats],
        "released": sum(s["released"] for s in stats),
    }


async def series(database: Any, limit: dict[str, Any], plan: tuple[tuple[str, int], ...]) -> list[dict[str, Any]]:
    out = []
    with common.FakePlatformProcess(limit["rate"], limit["burst"]) as server:
        for budget, n in plan:
            out.append(await run(database, server, n, budget, limit["messages"]))
            print(f"scale_out {limit['rate']}/s: {out[-1]}", file=sys.stderr, flush=True)
    return out


def clean(run: dict[str, Any]) -> bool:
    return run["duplicates"] == 0 and run["lost"] == 0 and run["429s"] == 0


async def main() -> None:
    common.quiet_logs()
    if not await common.pg_reachable():
        common.emit({"benchmark": "scale_out", "skipped": "PostgreSQL unreachable", "ok": None})
        return
    with common.scratch_dir("scale") as workdir:
        async with common.migrated("postgresql", workdir) as database:
            reachable = await series(
                database, REACHABLE, tuple((budget, n) for n in (1, 2, 4) for budget in ("shared", "naive"))
            )
            above = await series(database, ABOVE_ONE, (("shared", 1), ("shared", 2)))
    shared = [r for r in reachable if r["budget"] == "shared"]
    keeps_rate = all(r["of_allowed"] >= TARGET_SHARE and clean(r) for r in shared)
    grows = above[1]["per_s"] > above[0]["per_s"] and all(clean(r) for r in above)
    common.emit(
        {
            "benchmark": "scale_out",
            "database": "postgresql",
            "workspaces": len(WORKSPACES),
            "reachable_limit": {
                "per_s_per_workspace": REACHABLE["rate"],
                "burst": REACHABLE["burst"],
                "allowed_total_per_s": REACHABLE["rate"] * len(WORKSPACES),
                "runs": reachable,
            },
            "above_one_process": {
                "per_s_per_workspace": ABOVE_ONE["rate"],
                "burst": ABOVE_ONE["burst"],
                "allowed_total_per_s": ABOVE_ONE["rate"] * len(WORKSPACES),
                "runs": above,
            },
            "shared_keeps_rate": keeps_rate,
            "throughput_grows": grows,
            "ok": keeps_rate and grows,
            "nproc": os.cpu_count(),
            "loadavg_1m": round(os.getloadavg()[0], 1),
        }
    )


if __name__ == "__main__":
    asyncio.run(main())
